#!/usr/bin/env node
'use strict';
/**
 * The token route against its baselines, in one run (`npm run bench`).
 *
 *   node bench/run.js [--quick] [--rounds 10] [--duration 3] [--warmup 2] [--connections 64]
 *                     [--tool auto|wrk|autocannon] [--bursts 100,1000,5000] [--handles 100000]
 *                     [--log discard|console] [--redis-url redis://127.0.0.1:6379]
 *                     [--no-load] [--no-burst] [--no-redis] [--no-memory] [--no-verify]
 *                     [--profile] [--profile-seconds 5] [--json out.json]
 *                     [--candidate /path/to/another/checkout] [--targets fastify,fastify-nometrics]
 *
 * Throughput: the example app (cache warm, request log on and handed to a
 * discarding logger) on Fastify and on Express, on the memory store and on
 * Redis, with limits off and on; bare Nest on each platform, raw node:http and
 * a per-request-upstream route, each in a process of its own, taking turns for
 * --rounds rounds. Load comes from wrk when installed (else autocannon; the
 * report says which). Redis targets and Redis bursts need Redis at --redis-url.
 *
 * --quick is the smoke run (`bench/bench.smoke.spec.ts`): one short round, no
 * warm-up, no Redis, a burst of 100, 10 000 handles; ratios printed, no target judged.
 *
 * --candidate runs a second build of the app (another checkout of the repo with
 * a library patch, its node_modules installed and `npm run build` done there) as
 * one more target in every round, so a patch is measured side by side with the
 * current code.
 *
 * --profile, after the rounds, takes CPU profiles of the warm app on Fastify
 * and of bare Nest on Fastify, each under load alone, writes them to
 * bench/profiles/ and prints where the time goes (node bench/profile.js <file>
 * summarises one).
 *
 * Environment: BENCH_ROUNDS, BENCH_DURATION, BENCH_CONNECTIONS, BENCH_REDIS_URL.
 * Needs the built app (dist/src) and library (libs/token/dist); `npm run bench`
 * builds both first. Everything listens on 127.0.0.1, every load run is bounded
 * in time, and every child process is stopped at the end. Exits 1 when a
 * correctness check fails (a warm app calling the upstream, or its store with
 * limits off; a burst making other than one upstream call; failed requests); a
 * missed speed target is reported, not an error.
 */
const fs = require('node:fs');
const os = require('node:os');
const { startHost } = require('./hosts');
const { options } = require('./options');
const { loadTool } = require('./load');
const { loadBench } = require('./throughput');
const { runBursts } = require('./burst');
const { measureMemory } = require('./memory');
const { measureVerify } = require('./verify');
const { report } = require('./report');
const profile = require('./profile');

const t0 = Date.now();
const progress = (line) => process.stderr.write(`[bench +${((Date.now() - t0) / 1000).toFixed(1)}s] ${line}\n`);

async function main() {
  const config = options();
  const startedAt = Date.now();
  // Bounded: whatever hangs, the run ends (children exit when this process goes).
  const budgetS = config.quick ? 90 : 20 * 60;
  setTimeout(() => {
    process.stderr.write(`bench: gave up after ${budgetS} s\n`);
    process.exit(1);
  }, budgetS * 1000).unref();
  const results = { failures: [], machine: machine() };
  const tool = await loadTool(config.tool);
  progress(`node ${process.version}, ${os.availableParallelism()} cores, ${tool.version}${tool.fallback ? ' (wrk is not installed)' : ''}, ${config.quick ? 'quick mode' : 'full run'}`);
  const upstreams = await startHost('upstreams');
  try {
    if (config.load) results.load = await loadBench(config, tool, upstreams, results.failures, progress);
    if (config.burst && config.bursts.length) {
      results.bursts = await runBursts({ sizes: config.bursts, upstreams, redisUrl: config.redisUrl, withRedis: config.redis }, progress);
      for (const b of results.bursts.results) {
        const what = `burst of ${b.n} on ${b.instances} ${b.store} instance(s)`;
        if (b.upstreamCalls !== 1) results.failures.push(`${what} made ${b.upstreamCalls} upstream calls`);
        if (b.ok !== b.n) results.failures.push(`${what}: ${b.n - b.ok} requests failed`);
      }
    }
  } finally {
    await upstreams.stop();
  }
  if (config.verify) {
    progress('verification cost: the app\'s JWT verifier, HS256 and a JWKS (RS256, PS256, ES256, EdDSA)');
    results.verify = await measureVerify(config.quick ? { count: 300, warmup: 200 } : { count: 3000, warmup: 2000 });
  }
  if (config.memory) {
    progress(`memory: minting ${config.handles} refresh handles in a child process`);
    results.memory = await measureMemory(config.handles);
  }
  results.machine.loadAverageAfter = os.loadavg()[0];
  results.seconds = (Date.now() - startedAt) / 1000;
  const lines = report(results, config);
  if (results.load?.profiles) lines.push('', ...profile.compare(results.load.profiles.files, results.load.profiles.requests));
  lines.push('', `took ${results.seconds.toFixed(1)} s; 1-minute load average ${results.machine.loadAverageBefore.toFixed(2)} before, ${results.machine.loadAverageAfter.toFixed(2)} after`);
  process.stdout.write(`${lines.join('\n')}\n`);
  if (config.json) fs.writeFileSync(config.json, JSON.stringify({ config, node: process.version, ...results }, null, 2));
  return results.failures.length === 0 ? 0 : 1;
}

/** What the figures were measured on. */
function machine() {
  return {
    node: process.version,
    cores: os.availableParallelism(),
    cpu: os.cpus()[0]?.model,
    platform: `${os.type()} ${os.release()}`,
    loadAverageBefore: os.loadavg()[0],
    date: new Date().toISOString(),
  };
}

main().then(
  (code) => process.exit(code),
  (error) => {
    process.stderr.write(`bench failed: ${error && error.stack ? error.stack : error}\n`);
    process.exit(1);
  },
);
