'use strict';
/**
 * Throughput rounds with autocannon's API: every target in turn (A B C D, A B C D, ...),
 * so slow drift of the machine (other jobs, thermal) hits all of them alike, and
 * ratios taken within a round compare runs seconds apart.
 */
const autocannon = require('autocannon');

/** One autocannon run against `url`. */
async function hammer(url, { connections, pipelining, seconds, headers }) {
  // Stop is checked once per sample interval: 100 ms keeps short runs as short as asked.
  const result = await autocannon({ url, connections, pipelining, duration: seconds, headers, timeout: 10, sampleInt: 100 });
  const elapsed = (new Date(result.finish) - new Date(result.start)) / 1000 || seconds;
  return {
    rps: result.requests.total / elapsed,
    p50: result.latency.p50,
    p99: result.latency.p99,
    requests: result.requests.total,
    bad: result.non2xx + result.errors + result.timeouts,
  };
}

/**
 * Runs `rounds` rounds over `targets` ({ name, url, before?, after? }): one
 * warm-up run each first (not counted), then `options.onWarm()`, then the
 * rounds. `before`/`after` run around every counted run of a target (the app's
 * upstream call count); with `host`, the server's CPU µs per request is taken too.
 */
async function runRounds(targets, options, log = () => {}) {
  for (const target of targets) {
    if (options.warmupSeconds > 0) await hammer(target.url, { ...options, seconds: options.warmupSeconds });
  }
  if (options.onWarm) await options.onWarm();
  const rounds = [];
  for (let round = 1; round <= options.rounds; round += 1) {
    const runs = {};
    for (const target of targets) {
      const context = target.before ? await target.before() : undefined;
      const cpuBefore = target.host ? await target.host.call('cpu') : undefined;
      const run = await hammer(target.url, { ...options, seconds: options.seconds });
      if (target.host) run.cpuPerRequest = ((await target.host.call('cpu')) - cpuBefore) / run.requests;
      if (target.after) Object.assign(run, await target.after(context));
      runs[target.name] = run;
    }
    rounds.push(runs);
    log(`round ${round}/${options.rounds}: ${targets.map((t) => `${t.name} ${Math.round(runs[t.name].rps)} req/s`).join(', ')}`);
  }
  return rounds;
}

function median(values) {
  const sorted = values.filter((v) => Number.isFinite(v)).sort((a, b) => a - b);
  if (sorted.length === 0) return NaN;
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** Per target: medians over the rounds; per pair: the median of the per-round ratios. */
function summarise(rounds, names, ratios) {
  const targets = {};
  for (const name of names) {
    const runs = rounds.map((round) => round[name]);
    targets[name] = {
      rps: median(runs.map((r) => r.rps)),
      p50: median(runs.map((r) => r.p50)),
      p99: median(runs.map((r) => r.p99)),
      cpuPerRequest: median(runs.map((r) => r.cpuPerRequest)),
      requests: runs.reduce((sum, r) => sum + r.requests, 0),
      bad: runs.reduce((sum, r) => sum + r.bad, 0),
    };
  }
  const ratio = {};
  for (const [label, [a, b]] of Object.entries(ratios)) {
    const perRound = rounds.map((round) => round[a].rps / round[b].rps);
    // The same ratio from CPU cost (b's µs per request over a's): steadier on a busy machine.
    const cpu = median(rounds.map((round) => round[b].cpuPerRequest / round[a].cpuPerRequest));
    ratio[label] = { median: median(perRound), perRound, cpu };
  }
  return { targets, ratio };
}

module.exports = { hammer, runRounds, summarise, median };
