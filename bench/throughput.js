'use strict';
/**
 * The throughput section: the example app on Fastify and on Express (cache
 * warm), with the memory store and with Redis, with limits off and on; bare Nest
 * on each platform, raw node:http and a per-request-upstream route. Every target
 * runs in a child process of its own; all take turns for several rounds in one
 * run, and the ratios are medians of the per-round ratios. Optionally a
 * candidate build, and CPU profiles taken after the rounds.
 */
const fs = require('node:fs');
const path = require('node:path');
const { startHost } = require('./hosts');
const { runRounds, summarise } = require('./load');
const { connectRedis, deleteKeys } = require('./burst');

const MISO_PATH = '/api/client-token';
const SENTIFYD_PATH = '/request_tokens';

/**
 * What is measured. kind: the targets.js factory; platform: the HTTP adapter;
 * redis: the app on a RedisTokenStore; limits: rate limits on (the production
 * default of 60 a minute per caller, TRUST_PROXY=1) with one caller per request
 * (X-Forwarded-For counted up by the load generator).
 */
const TARGETS = [
  { name: 'fastify', label: 'app on Fastify (memory store, limits off)', kind: 'app', platform: 'fastify' },
  { name: 'fastify-bare', label: 'bare Nest on Fastify (same JSON, same headers)', kind: 'bare', platform: 'fastify' },
  { name: 'raw', label: 'raw node:http (same JSON, same headers)', kind: 'raw' },
  { name: 'express', label: 'app on Express (memory store, limits off)', kind: 'app', platform: 'express' },
  { name: 'express-bare', label: 'bare Nest on Express (same JSON, same headers)', kind: 'bare', platform: 'express' },
  { name: 'fastify-redis', label: 'app on Fastify, Redis store (limits off)', kind: 'app', platform: 'fastify', redis: true },
  { name: 'fastify-nometrics', label: 'app on Fastify, metrics off (limits off)', kind: 'app', platform: 'fastify', metricsOff: true },
  { name: 'limits-memory', label: 'app on Fastify, limits on, memory store, a caller per request', kind: 'app', platform: 'fastify', limits: true },
  { name: 'limits-redis', label: 'app on Fastify, limits on, Redis store, a caller per request', kind: 'app', platform: 'fastify', limits: true, redis: true },
  { name: 'reference', label: 'per-request-upstream route (Express + axios, upstream 100 ms)', kind: 'reference' },
  // Signed in: the same Miso route with a valid HS256 bearer (verified on every request), and the
  // Sentifyd route, which also mints a refresh handle in the store on every request.
  { name: 'bearer', label: 'app on Fastify, Miso route with a valid bearer (limits off)', kind: 'app', platform: 'fastify', bearer: true },
  { name: 'sentifyd', label: 'app on Fastify, Sentifyd route signed in, memory store (limits off)', kind: 'app', platform: 'fastify', bearer: true, path: SENTIFYD_PATH, handles: true },
];

/** The ratios (a's req/s over b's), with the targets. */
const RATIOS = [
  { label: 'app Fastify / raw node:http', a: 'fastify', b: 'raw', target: 0.5 },
  { label: 'app Fastify / bare Nest Fastify', a: 'fastify', b: 'fastify-bare', target: 0.9 },
  { label: 'app Express / bare Nest Express', a: 'express', b: 'express-bare', target: 0.9 },
  { label: 'Fastify: Redis / memory store, limits off', a: 'fastify-redis', b: 'fastify', target: 0.95 },
  { label: 'app Fastify / per-request-upstream route', a: 'fastify', b: 'reference', target: 15 },
  { label: 'limits on: Redis / memory store', a: 'limits-redis', b: 'limits-memory' },
  { label: 'limits on / limits off, memory store', a: 'limits-memory', b: 'fastify' },
  { label: 'metrics on / metrics off, Fastify', a: 'fastify', b: 'fastify-nometrics' },
  { label: 'app Express / app Fastify', a: 'express', b: 'fastify' },
  { label: 'Miso route: valid bearer / anonymous', a: 'bearer', b: 'fastify', target: 0.8 },
  { label: 'Sentifyd signed in (memory) / Miso anonymous', a: 'sentifyd', b: 'fastify', target: 0.4 },
];

/** Headers that belong to the connection, not to the answer: left out when answers are compared. */
const TRANSPORT_HEADERS = new Set(['date', 'connection', 'keep-alive', 'content-length', 'transfer-encoding']);

/** GETs `url` once and checks the answer; returns the parsed body, its size and its headers. */
async function probe(name, url, { noStore, headers: sent }) {
  const response = await fetch(url, { headers: sent });
  const text = await response.text();
  if (response.status !== 200) throw new Error(`${name}: HTTP ${response.status} from ${url}`);
  if (noStore && (response.headers.get('cache-control') !== 'no-store' || response.headers.get('pragma') !== 'no-cache')) {
    throw new Error(`${name}: no Cache-Control: no-store / Pragma: no-cache`);
  }
  const headers = Object.fromEntries([...response.headers].filter(([key]) => !TRANSPORT_HEADERS.has(key)).sort());
  return { body: JSON.parse(text), bytes: Buffer.byteLength(text), headers };
}

/** The targets of this run: the Redis ones only when Redis answers, a candidate when asked for. */
function plan(config, redisUp) {
  // The signed-in pair stays out of the quick smoke run (two more processes booting at once).
  const targets = TARGETS.filter((t) => (redisUp || !t.redis) && (!config.targets || config.targets.includes(t.name)) && !(config.quick && !config.targets && t.bearer));
  if (config.candidate) targets.splice(1, 0, { name: 'candidate', label: `candidate on Fastify (${config.candidate})`, kind: 'app', platform: 'fastify', root: config.candidate });
  const names = new Set(targets.map((t) => t.name));
  const ratios = RATIOS.filter((r) => names.has(r.a) && names.has(r.b));
  if (config.candidate) ratios.push({ label: 'candidate / app, both on Fastify', a: 'candidate', b: 'fastify' });
  return { targets, ratios };
}

/** Starts the host of one target. */
function start(target, { config, upstreams, prefix }) {
  if (target.kind === 'bare' || target.kind === 'raw') return startHost(target.kind, { path: MISO_PATH, platform: target.platform });
  if (target.kind === 'reference') return startHost('reference', { upstream: upstreams.info.referenceUpstream, apiKey: upstreams.info.apiKey });
  const env = {
    ...upstreams.info.env,
    HTTP_ADAPTER: target.platform,
    ...(target.limits && { TOKEN_RATE_LIMIT: '60', TRUST_PROXY: '1' }),
  };
  const options = {
    env,
    log: config.log,
    ...(target.redis && { redis: { url: config.redisUrl, prefix: `${prefix}${target.name}:` } }),
    ...(target.metricsOff && { metrics: false }),
  };
  return startHost('app', options, target.root ? { env: { BENCH_ROOT: target.root } } : {});
}

/** An HS256 bearer for `secret` (jose, as the app verifies it), valid for 12 h. */
async function signBearer(secret) {
  const { SignJWT } = require('jose');
  return new SignJWT({ sub: 'bench-user' }).setProtectedHeader({ alg: 'HS256' }).setIssuedAt().setExpirationTime('12h').sign(Buffer.from(secret));
}

/** Runs the section; pushes broken invariants onto `failures`. */
async function loadBench(config, tool, upstreams, failures, progress) {
  const redis = config.redis ? await connectRedis(config.redisUrl) : { reason: 'not run (--no-redis or --quick)' };
  const { targets, ratios } = plan(config, Boolean(redis.client));
  const prefix = `bench:${process.pid}:load:`;
  const hosts = {};
  try {
    // All start at once (each in its own process); a failed start stops the others in `finally`.
    const started = await Promise.allSettled(targets.map(async (t) => (hosts[t.name] = await start(t, { config, upstreams, prefix }))));
    const failed = started.find((s) => s.status === 'rejected');
    if (failed) throw failed.reason;
    const urlOf = (t) => `${hosts[t.name].url}${t.kind === 'reference' ? '/request_tokens' : (t.path ?? MISO_PATH)}`;
    // A signed-in user's bearer for the app's secret, made once (HS256, 12 h).
    const bearer = targets.some((t) => t.bearer) ? { authorization: `Bearer ${await signBearer(upstreams.info.env.AUTH_JWT_SECRET)}` } : undefined;
    const headersOf = (t) => (t.bearer ? bearer : undefined);

    // One request fills each app's cache; bare Nest and raw then serve that platform's answer.
    const answers = {};
    for (const t of targets.filter((t) => t.kind === 'app')) answers[t.name] = await probe(t.name, urlOf(t), { noStore: true, headers: headersOf(t) });
    for (const t of targets.filter((t) => t.kind === 'bare' || t.kind === 'raw')) {
      const like = t.platform ?? 'fastify';
      await hosts[t.name].call('body', answers[like].body);
      const other = await probe(t.name, urlOf(t), { noStore: true });
      if (other.bytes !== answers[like].bytes) throw new Error(`${t.name} answers ${other.bytes} bytes, the app on ${like} ${answers[like].bytes}`);
      const [mine, theirs] = [JSON.stringify(other.headers), JSON.stringify(answers[like].headers)];
      if (mine !== theirs) throw new Error(`${t.name} answers with headers ${mine}, the app on ${like} with ${theirs}`);
    }
    const reference = targets.find((t) => t.kind === 'reference');
    if (reference) await probe('reference', urlOf(reference), { noStore: false });

    // Upstream and store calls during each counted run of an app.
    const calls = async (host, t) => ({ upstream: (await upstreams.call('counts'))[t.path === SENTIFYD_PATH ? 'sentifyd' : 'miso'], store: await host.call('storeCalls') });
    let nextCaller = 1;
    const measured = targets.map((t) => ({
      name: t.name,
      url: urlOf(t),
      host: hosts[t.name],
      headers: headersOf(t),
      ...(t.kind === 'app' && {
        before: () => calls(hosts[t.name], t),
        after: async (before) => {
          const now = await calls(hosts[t.name], t);
          return { upstreamCalls: now.upstream - before.upstream, storeCalls: now.store - before.store };
        },
      }),
      // A fresh block of 2^18 client addresses per run (10.0.0.0/8 holds 64 of them).
      ...(t.limits && { xff: () => ((nextCaller += 1 << 18) - (1 << 18)) % (1 << 24) }),
    }));
    progress(`all ${targets.length} targets up (${targets.map((t) => t.name).join(', ')}); ${config.warmupSeconds > 0 ? 'warming up' : 'no warm-up'}`);
    const rounds = await runRounds(measured, tool, config, progress);
    const summary = summarise(rounds, targets.map((t) => t.name), ratios);

    for (const t of targets) {
      const s = summary.targets[t.name];
      if (s.bad > 0) failures.push(`${t.name}: ${s.bad} requests failed or were not 2xx`);
      if (t.kind !== 'app') continue;
      if (s.upstreamCalls !== 0) failures.push(`${t.name}: the warm app called the upstream ${s.upstreamCalls} time(s)`);
      if (!t.limits && !t.handles && s.storeCalls !== 0) failures.push(`${t.name}: the warm app (limits off) called its store ${s.storeCalls} time(s)`);
    }
    const profiles = config.profile ? await profileRuns(config, tool, { fastify: hosts.fastify, 'fastify-bare': hosts['fastify-bare'] }, measured, progress) : undefined;
    return {
      tool: { name: tool.name, version: tool.version, fallback: tool.fallback },
      targets: targets.map(({ name, label, kind, platform, redis: onRedis, limits, handles }) => ({ name, label, kind, platform, redis: Boolean(onRedis), limits: Boolean(limits), handles: Boolean(handles) })),
      rounds,
      summary,
      bodyBytes: answers.fastify.bytes,
      redisSkipped: redis.client ? undefined : redis.reason,
      profiles,
    };
  } finally {
    await Promise.all(Object.values(hosts).map((h) => h.stop()));
    if (redis.client) {
      await deleteKeys(redis.client, prefix).catch(() => undefined);
      await redis.client.quit().catch(() => redis.client.disconnect());
    }
  }
}

/**
 * CPU profiles of the warm app on Fastify and of bare Nest on Fastify, each
 * under load alone for `profileSeconds`, after the counted rounds (so the
 * profiler's overhead is in no ratio). Writes bench/profiles/<target>-<time>.cpuprofile.
 */
async function profileRuns(config, tool, hosts, measured, progress) {
  const dir = path.join(__dirname, 'profiles');
  fs.mkdirSync(dir, { recursive: true });
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  const files = {};
  const requests = {};
  for (const [name, host] of Object.entries(hosts)) {
    progress(`profiling ${name} for ${config.profileSeconds} s`);
    const url = measured.find((m) => m.name === name).url;
    await host.call('profileStart');
    const run = await tool.hammer(url, { connections: config.connections, seconds: config.profileSeconds });
    files[name] = await host.call('profileStop', { file: path.join(dir, `${name}-${stamp}.cpuprofile`) });
    requests[name] = { requests: run.requests, rps: run.rps };
  }
  return { files, requests, seconds: config.profileSeconds };
}

module.exports = { loadBench, TARGETS, RATIOS };
