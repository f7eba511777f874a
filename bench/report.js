'use strict';
/** The printed report: plain-text tables, one section per benchmark. */

const TARGETS = { 'app/bare-Nest': 0.85, 'app/raw': 0.4, 'app/reference': 10 };

const LABELS = {
  app: 'app: GET /api/client-token, cache warm',
  bare: 'bare Nest (same JSON, same adapter)',
  raw: 'raw node:http (same JSON)',
  reference: 'reference style (upstream 100 ms)',
  candidate: 'candidate (--candidate build)',
};

/** The target of a ratio; a candidate's ratios have the app's targets. */
function targetOf(label) {
  return TARGETS[label.replace(/^candidate\//, 'app/')];
}

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
  const lines = [
    `Throughput: ${config.rounds} round(s) x ${config.seconds} s per target, in turn (app, bare, raw, reference), ` +
      `${config.connections} connections, pipelining ${config.pipelining}, warm-up ${config.warmupSeconds} s each; ` +
      `app request log: ${config.log === 'console' ? "Nest's ConsoleLogger to /dev/null" : 'built, then dropped by a discarding logger'}`,
    '',
  ];
  const { targets, ratio } = load.summary;
  lines.push(
    ...table(
      ['target (medians of the rounds)', 'req/s', 'p50 ms', 'p99 ms', 'server CPU us/req', 'requests', 'non-2xx/err'],
      Object.entries(targets).map(([name, t]) => [
        LABELS[name] ?? name,
        num(t.rps),
        num(t.p50, 1),
        num(t.p99, 1),
        num(t.cpuPerRequest, 1),
        num(t.requests),
        t.bad,
      ]),
    ),
    '',
  );
  lines.push(
    ...table(
      ['ratio (req/s)', 'median', 'per round', 'from CPU us/req', 'target', 'verdict'],
      Object.entries(ratio).map(([label, r]) => [
        label,
        num(r.median, 2),
        r.perRound.map((v) => num(v, 2)).join(' '),
        num(r.cpu, 2),
        targetOf(label) === undefined ? '' : `>= ${targetOf(label)}`,
        targetOf(label) === undefined ? '' : r.median >= targetOf(label) ? 'met' : 'MISSED',
      ]),
    ),
    '',
    `during the app's counted runs (cache warm, ${load.appStore} store): ${load.warmUpstreamCalls} upstream calls, ` +
      `${load.warmStoreCalls} store calls (both must be 0)`,
  );
  return lines;
}

function burstSection(bursts) {
  const lines = ['Cold bursts: N requests at once, empty cache, upstream answering after 100 ms, fresh instances per burst', ''];
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

/** The whole report as lines. */
function report(results, config) {
  const sections = [];
  if (results.load) sections.push(loadSection(results.load, config));
  if (results.bursts) sections.push(burstSection(results.bursts));
  if (results.memory) sections.push(memorySection(results.memory));
  if (results.failures.length) sections.push(['FAILED CHECKS:', ...results.failures.map((f) => `  - ${f}`)]);
  return sections.flatMap((s) => ['', ...s]);
}

module.exports = { report, TARGETS };
