'use strict';
/** The printed report: plain-text tables, one section per benchmark. */

function num(value, digits = 0) {
  if (!Number.isFinite(value)) return 'n/a';
  return value.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

function table(header, rows) {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => String(r[i]).length)));
  const line = (cells) => cells.map((c, i) => (i === 0 ? String(c).padEnd(widths[i]) : String(c).padStart(widths[i]))).join('  ');
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)];
}

function loadSection(load, config) {
  const { tool } = load;
  const lines = [
    `Throughput: load from ${tool.version}${tool.fallback ? ' (wrk is not installed: autocannon instead)' : ''}, ` +
      `${tool.name === 'wrk' ? '1 thread, ' : ''}${config.connections} connections, keep-alive; ` +
      `${config.rounds} round(s) x ${tool.name === 'wrk' ? Math.max(1, Math.round(config.seconds)) : config.seconds} s per target, ` +
      `targets in turn (order reversed every other round), warm-up ${config.warmupSeconds} s each; ` +
      `app request log: ${config.log === 'console' ? "Nest's ConsoleLogger to /dev/null" : 'built, then dropped by a discarding logger'}`,
    '',
  ];
  const { targets, ratio } = load.summary;
  const label = Object.fromEntries(load.targets.map((t) => [t.name, t.label]));
  lines.push(
    ...table(
      ['target (medians of the rounds)', 'name', 'req/s', 'p50 ms', 'p99 ms', 'CPU us/req', 'requests', 'non-2xx/err', 'upstream calls', 'store calls/req'],
      Object.entries(targets).map(([name, t]) => [
        label[name] ?? name,
        name,
        num(t.rps),
        num(t.p50, 1),
        num(t.p99, 1),
        num(t.cpuPerRequest, 1),
        num(t.requests),
        t.bad,
        t.upstreamCalls ?? '',
        t.storeCalls === undefined ? '' : num(t.storeCalls / t.requests, 2),
      ]),
    ),
    '',
  );
  const judged = !config.quick;
  lines.push(
    ...table(
      ['ratio (req/s, a / b)', 'median', 'per round', 'from CPU us/req', 'target', 'verdict'],
      Object.entries(ratio).map(([name, r]) => [
        name,
        num(r.median, 2),
        r.perRound.map((v) => num(v, 2)).join(' '),
        num(r.cpu, 2),
        r.target === undefined ? '' : `>= ${r.target}`,
        r.target === undefined ? '' : !judged ? 'not judged' : r.median >= r.target ? 'met' : 'MISSED',
      ]),
    ),
    '',
  );
  const apps = load.targets.filter((t) => t.kind === 'app');
  const sum = (field, list) => list.reduce((total, t) => total + targets[t.name][field], 0);
  // The Sentifyd route mints a refresh handle in the store on every answer: its store calls are its work.
  const off = apps.filter((t) => !t.limits && !t.handles);
  lines.push(
    `while warm: ${sum('upstreamCalls', apps)} upstream calls (all apps), ${sum('storeCalls', off)} store calls (apps with limits off); both must be 0`,
  );
  for (const t of apps.filter((t) => t.limits || t.handles)) {
    lines.push(`${t.name}: ${num(targets[t.name].storeCalls)} store calls for ${num(targets[t.name].requests)} requests ${t.limits ? '(the rate counter)' : '(refresh handles minted)'}`);
  }
  if (!judged) lines.push('quick mode: a smoke run, no target judged');
  if (load.redisSkipped) lines.push(`Redis targets: ${load.redisSkipped}`);
  return lines;
}

function burstSection(bursts) {
  const lines = ['Cold bursts: N requests at once, empty cache, upstream answering after 100 ms, fresh app instances (on Fastify) per burst', ''];
  lines.push(
    ...table(
      ['N', 'instances', 'store', 'upstream calls', '200s', 'p50 ms', 'p99 ms', 'max ms', 'errors'],
      bursts.results.map((b) => [
        b.n,
        b.instances,
        b.store,
        b.upstreamCalls,
        b.ok,
        num(b.p50, 0),
        num(b.p99, 0),
        num(b.max, 0),
        Object.entries(b.errors).map(([k, v]) => `${k}:${v}`).join(' ') || '0',
      ]),
    ),
  );
  if (bursts.redisSkipped) lines.push('', `three instances on Redis: ${bursts.redisSkipped}`);
  return lines;
}

function memorySection(m) {
  const mb = (bytes) => `${(bytes / 1048576).toFixed(1)} MB`;
  return [
    `Memory: ${num(m.count)} live refresh handles in the in-memory store (${num(m.storeEntries)} entries; minted in ${num(m.mintMs)} ms)`,
    '',
    ...table(
      ['', 'baseline', 'after', 'delta', 'bytes per handle'],
      [
        ['rss', mb(m.baseline.rss), mb(m.after.rss), mb(m.delta.rss), num(m.perHandle.rss)],
        ['heapUsed', mb(m.baseline.heapUsed), mb(m.after.heapUsed), mb(m.delta.heapUsed), num(m.perHandle.heapUsed)],
      ],
    ),
  ];
}

function verifySection(v, config) {
  return [
    `Verification cost: the example app's JWT verifier (jose, keys prepared once), ${num(v.count)} verifications per algorithm; JWKS fetched ${v.jwksFetches} time(s) in all`,
    '',
    ...table(
      ['algorithm', 'us/verify (one at a time)', 'CPU us/verify', 'us/verify (64 at a time)', 'us (token seen lately)', 'target', 'verdict'],
      v.results.map((r) => [
        r.alg,
        num(r.serialUs, 1),
        num(r.cpuUs, 1),
        num(r.concurrentUs, 1),
        r.rememberedUs === undefined ? '' : num(r.rememberedUs, 2),
        r.target === undefined ? '' : `<= ${r.target}`,
        r.target === undefined ? '' : config.quick ? 'not judged' : r.serialUs <= r.target ? 'met' : 'MISSED',
      ]),
    ),
  ];
}

/** The whole report as lines. */
function report(results, config) {
  const sections = [];
  if (results.load) sections.push(loadSection(results.load, config));
  if (results.bursts) sections.push(burstSection(results.bursts));
  if (results.verify) sections.push(verifySection(results.verify, config));
  if (results.memory) sections.push(memorySection(results.memory));
  if (results.failures.length) sections.push(['FAILED CHECKS:', ...results.failures.map((f) => `  - ${f}`)]);
  return sections.flatMap((s) => ['', ...s]);
}

module.exports = { report };
