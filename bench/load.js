'use strict';
/**
 * Throughput rounds: every target in turn, the order reversed every other round
 * (A B C, C B A, A B C, ...), so slow drift of the machine (other jobs, thermal)
 * hits all of them alike and ratios taken within a round compare runs seconds
 * apart. The load comes from wrk when it is installed, else from autocannon.
 */
const { runWrk, wrkVersion } = require('./wrk');

/**
 * The load generator to use: `preference` is 'auto' (wrk when installed),
 * 'wrk' (an error without it) or 'autocannon'. Returns { name, version, hammer }.
 */
async function loadTool(preference = 'auto') {
  if (preference !== 'autocannon') {
    const version = await wrkVersion();
    if (version) return { name: 'wrk', version, hammer: runWrk };
    if (preference === 'wrk') throw new Error('--tool wrk: wrk is not installed (apt-get install wrk)');
  }
  const version = require('autocannon/package.json').version;
  return { name: 'autocannon', version: `autocannon ${version}`, hammer: runAutocannon, fallback: preference === 'auto' };
}

/** One autocannon run (in this process) with the figures wrk gives. */
async function runAutocannon(url, { connections, seconds, xff, headers }) {
  const autocannon = require('autocannon');
  let n = xff ?? 0;
  // The X-Forwarded-For script's counterpart: a client address of its own per request.
  const requests = xff === undefined ? undefined : [{
    setupRequest(request) {
      n += 1;
      const ip = `10.${(n >> 16) & 255}.${(n >> 8) & 255}.${n & 255}`;
      return { ...request, headers: { ...request.headers, 'x-forwarded-for': ip } };
    },
  }];
  // Stop is checked once per sample interval: 100 ms keeps short runs as short as asked.
  const result = await autocannon({ url, connections, duration: seconds, timeout: 10, sampleInt: 100, ...(requests && { requests }), ...(headers && { headers }) });
  const elapsed = (new Date(result.finish) - new Date(result.start)) / 1000 || seconds;
  return {
    rps: result.requests.total / elapsed,
    requests: result.requests.total,
    seconds: elapsed,
    p50: result.latency.p50,
    p75: result.latency.p75,
    p90: result.latency.p90,
    p99: result.latency.p99,
    non2xx: result.non2xx,
    socketErrors: result.errors + result.timeouts,
    bad: result.non2xx + result.errors + result.timeouts,
  };
}

/**
 * Runs `options.rounds` rounds over `targets` ({ name, url, host?, xff?, headers?, before?, after? })
 * with `tool`: one warm-up run each first (not counted), then the rounds.
 * `before`/`after` run around every counted run of a target (the apps' upstream
 * and store call counts); with `host`, the server's CPU µs per request is taken
 * too (process CPU time over the requests answered). `xff()` gives a target
 * wanting one client address per request the first address number of a run.
 */
async function runRounds(targets, tool, options, log = () => {}) {
  const run = (target, seconds) => tool.hammer(target.url, { connections: options.connections, seconds, xff: target.xff?.(), headers: target.headers });
  if (options.warmupSeconds > 0) {
    for (const target of targets) await run(target, options.warmupSeconds);
  }
  const rounds = [];
  for (let round = 1; round <= options.rounds; round += 1) {
    const runs = {};
    const order = round % 2 === 1 ? targets : [...targets].reverse();
    for (const target of order) {
      const context = target.before ? await target.before() : undefined;
      const cpuBefore = target.host ? await target.host.call('cpu') : undefined;
      const result = await run(target, options.seconds);
      if (target.host) result.cpuPerRequest = ((await target.host.call('cpu')) - cpuBefore) / result.requests;
      if (target.after) Object.assign(result, await target.after(context));
      runs[target.name] = result;
    }
    rounds.push(runs);
    log(`round ${round}/${options.rounds}: ${targets.map((t) => `${t.name} ${Math.round(runs[t.name].rps)}`).join(', ')} req/s`);
  }
  return rounds;
}

function median(values) {
  const sorted = values.filter((v) => Number.isFinite(v)).sort((a, b) => a - b);
  if (sorted.length === 0) return NaN;
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/**
 * Per target: medians over the rounds (and totals of requests, failures, calls);
 * per ratio { label, a, b }: the median of the per-round req/s ratios a/b, and the
 * same ratio from CPU cost (b's µs per request over a's).
 */
function summarise(rounds, names, ratios) {
  const targets = {};
  for (const name of names) {
    const runs = rounds.map((round) => round[name]);
    const sum = (field) => runs.reduce((total, r) => total + (r[field] ?? 0), 0);
    targets[name] = {
      rps: median(runs.map((r) => r.rps)),
      p50: median(runs.map((r) => r.p50)),
      p99: median(runs.map((r) => r.p99)),
      cpuPerRequest: median(runs.map((r) => r.cpuPerRequest)),
      requests: sum('requests'),
      bad: sum('bad'),
      ...(runs[0].upstreamCalls !== undefined && { upstreamCalls: sum('upstreamCalls'), storeCalls: sum('storeCalls') }),
    };
  }
  const ratio = {};
  for (const { label, a, b, target } of ratios) {
    const perRound = rounds.map((round) => round[a].rps / round[b].rps);
    const cpu = median(rounds.map((round) => round[b].cpuPerRequest / round[a].cpuPerRequest));
    ratio[label] = { a, b, target, median: median(perRound), perRound, cpu };
  }
  return { targets, ratio };
}

module.exports = { loadTool, runRounds, summarise, median };
