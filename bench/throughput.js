'use strict';
/**
 * The throughput section: the example app (cache warm), bare Nest, raw
 * node:http and the vendors' reference style, each in a child process, run in
 * turn for several rounds; optionally a candidate build and CPU profiles.
 */
const fs = require('node:fs');
const path = require('node:path');
const { startHost } = require('./hosts');
const { runRounds, summarise } = require('./load');
const { connectRedis, deleteKeys } = require('./burst');

const MISO_PATH = '/api/client-token';

/** GETs `url` once and checks the answer; returns the parsed body. */
async function probe(name, url, { noStore }) {
  const response = await fetch(url);
  const text = await response.text();
  if (response.status !== 200) throw new Error(`${name}: HTTP ${response.status} from ${url}`);
  if (noStore && (response.headers.get('cache-control') !== 'no-store' || response.headers.get('pragma') !== 'no-cache')) {
    throw new Error(`${name}: no Cache-Control: no-store / Pragma: no-cache`);
  }
  return { body: JSON.parse(text), bytes: Buffer.byteLength(text) };
}

/** Runs the section; pushes broken invariants onto `failures`. */
async function loadBench(config, upstreams, failures, progress) {
  // --app-store redis: the app (and candidate) share a RedisTokenStore under a prefix of their own.
  const redis = config.appStore === 'redis' ? await connectRedis(config.redisUrl) : undefined;
  if (redis && !redis.client) throw new Error(`--app-store redis: ${redis.reason}`);
  const prefix = `bench:${process.pid}:load:`;
  const appOptions = { env: upstreams.info.env, log: config.log, ...(redis && { redis: { url: config.redisUrl, prefix } }) };
  // All start at once; bare and raw get the app's own answer once it has one.
  const [app, bare, raw, reference, candidate] = await Promise.all([
    startHost('app', appOptions),
    startHost('bare', { path: MISO_PATH }),
    startHost('raw', { path: MISO_PATH }),
    startHost('reference', { upstream: upstreams.info.referenceUpstream, apiKey: upstreams.info.apiKey }),
    config.candidate && startHost('app', { ...appOptions, redis: redis && { url: config.redisUrl, prefix: `${prefix}candidate:` } }, { env: { BENCH_ROOT: config.candidate } }),
  ]);
  const hosts = [app, bare, raw, reference, candidate].filter(Boolean);
  try {
    const appUrl = `${app.url}${MISO_PATH}`;
    const { body, bytes } = await probe('app', appUrl, { noStore: true }); // fills the cache
    if (candidate) await probe('candidate', `${candidate.url}${MISO_PATH}`, { noStore: true });
    await Promise.all([bare.call('body', body), raw.call('body', body)]);
    for (const [name, host] of [['bare', bare], ['raw', raw]]) {
      const other = await probe(name, `${host.url}${MISO_PATH}`, { noStore: true });
      if (other.bytes !== bytes) throw new Error(`${name} answers ${other.bytes} bytes, the app ${bytes}`);
    }
    await probe('reference', `${reference.url}/request_tokens`, { noStore: false });
    // Upstream and store calls made during each counted run of an app: both must stay 0 when warm.
    const calls = async (host) => ({ upstream: (await upstreams.call('counts')).miso, store: await host.call('storeCalls') });
    const countCalls = (host) => ({
      before: () => calls(host),
      after: async (before) => {
        const now = await calls(host);
        return { upstreamCalls: now.upstream - before.upstream, storeCalls: now.store - before.store };
      },
    });
    const targets = [
      { name: 'app', url: appUrl, host: app, ...countCalls(app) },
      ...(candidate ? [{ name: 'candidate', url: `${candidate.url}${MISO_PATH}`, host: candidate, ...countCalls(candidate) }] : []),
      { name: 'bare', url: `${bare.url}${MISO_PATH}`, host: bare },
      { name: 'raw', url: `${raw.url}${MISO_PATH}`, host: raw },
      { name: 'reference', url: `${reference.url}/request_tokens`, host: reference },
    ];
    progress('all targets up; warming up');
    // Profiles (--profile) cover the counted runs of the app and of bare Nest, not start-up or warm-up.
    const profiled = { app, bare, ...(candidate && { candidate }) };
    const onWarm = config.profile ? () => Promise.all(Object.values(profiled).map((h) => h.call('profileStart'))) : undefined;
    const rounds = await runRounds(targets, { ...config, onWarm }, progress);
    const profiles = config.profile ? await saveProfiles(profiled) : undefined;
    const ratios = { 'app/bare-Nest': ['app', 'bare'], 'app/raw': ['app', 'raw'], 'app/reference': ['app', 'reference'] };
    if (candidate) {
      for (const [label, [, base]] of Object.entries(ratios)) ratios[label.replace('app/', 'candidate/')] = ['candidate', base];
      ratios['candidate/app'] = ['candidate', 'app'];
    }
    const summary = summarise(rounds, targets.map((t) => t.name), ratios);
    const total = (field) => rounds.reduce((sum, round) => sum + round.app[field] + (round.candidate?.[field] ?? 0), 0);
    const warmUpstreamCalls = total('upstreamCalls');
    const warmStoreCalls = total('storeCalls');
    if (warmUpstreamCalls !== 0) failures.push(`the warm app called the upstream ${warmUpstreamCalls} time(s)`);
    if (warmStoreCalls !== 0) failures.push(`the warm app called its store ${warmStoreCalls} time(s)`);
    if (summary.targets.app.bad > 0) failures.push(`${summary.targets.app.bad} app requests failed or were not 2xx`);
    return { rounds, summary, warmUpstreamCalls, warmStoreCalls, appStore: config.appStore, bodyBytes: bytes, profiles };
  } finally {
    await Promise.all(hosts.map((h) => h.stop()));
    if (redis) {
      await deleteKeys(redis.client, prefix);
      await redis.client.quit().catch(() => redis.client.disconnect());
    }
  }
}

/** Stops the profilers and writes bench/profiles/<target>-<time>.cpuprofile; returns the files. */
async function saveProfiles(hosts) {
  const dir = path.join(__dirname, 'profiles');
  fs.mkdirSync(dir, { recursive: true });
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  const files = {};
  for (const [name, host] of Object.entries(hosts)) {
    files[name] = await host.call('profileStop', { file: path.join(dir, `${name}-${stamp}.cpuprofile`) });
  }
  return files;
}

module.exports = { loadBench };
