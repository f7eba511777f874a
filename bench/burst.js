'use strict';
/**
 * Cold bursts: N requests at once against app instances whose cache is empty,
 * with the upstream answering after 100 ms. Each burst gets fresh instances
 * (new processes), so nothing is warm. One instance uses the in-memory store;
 * three share Redis (a unique key prefix per burst, deleted afterwards).
 *
 * The connections are opened before the burst, so what is measured is the app,
 * not a storm of TCP handshakes (5000 connects at once overflow the default
 * listen backlog of 511, and each dropped SYN comes back 1 s later).
 */
const net = require('node:net');
const { randomBytes } = require('node:crypto');
const { startHost } = require('./hosts');

const PATH = '/api/client-token';
const REQUEST_TIMEOUT_MS = 30_000;
const CONNECT_BATCH = 250;

/**
 * Opens `n` connections first (in batches, so the listen backlog never
 * overflows), then writes one GET on every one of them in the same tick:
 * N requests in flight at once, with no TCP handshake inside the measured
 * time. Each request's time runs from that write to the end of its response.
 */
async function fire(urls, n) {
  const sockets = [];
  try {
    for (let i = 0; i < n; i += CONNECT_BATCH) {
      const batch = Array.from({ length: Math.min(CONNECT_BATCH, n - i) }, (_, j) => connect(urls[(i + j) % urls.length]));
      sockets.push(...(await Promise.all(batch)));
    }
    return await Promise.all(sockets.map(({ socket, host }) => exchange(socket, host)));
  } finally {
    for (const { socket } of sockets) socket.destroy();
  }
}

/** An open connection to `url`'s host, and its Host header. */
function connect(url) {
  const { hostname, port, host } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host: hostname, port: Number(port) }, () => resolve({ socket, host }));
    socket.once('error', reject);
  });
}

/**
 * One `GET PATH` on an open socket (Connection: close); resolves with the
 * status, the problem's `error` code when it failed, and milliseconds.
 */
function exchange(socket, host) {
  return new Promise((resolve) => {
    const started = performance.now();
    let text = '';
    const done = (outcome) => {
      clearTimeout(timer);
      resolve({ ms: performance.now() - started, ...outcome });
    };
    const timer = setTimeout(() => socket.destroy(new Error('timeout')), REQUEST_TIMEOUT_MS);
    socket.removeAllListeners('error');
    socket.on('data', (chunk) => {
      if (text.length < 4096) text += chunk.toString('latin1');
    });
    socket.once('end', () => {
      const status = /^HTTP\/1\.1 (\d{3})/.exec(text);
      if (!status) return done({ error: 'no HTTP answer' });
      const code = Number(status[1]);
      done(code === 200 ? { status: code } : { status: code, problem: /"error":"([^"]*)"/.exec(text)?.[1] });
    });
    socket.once('error', (error) => done({ error: error.code || error.message }));
    socket.write(`GET ${PATH} HTTP/1.1\r\nHost: ${host}\r\nConnection: close\r\n\r\n`);
  });
}

function percentile(sorted, p) {
  return sorted.length === 0 ? NaN : sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

/**
 * One burst of `n` against `instances` fresh app instances. `upstreams` is the
 * running upstream host (its Miso simulator set to 100 ms by the caller);
 * `redis` is { url, client } to share a RedisTokenStore, or undefined for memory.
 */
async function burst({ n, instances, upstreams, redis, storeKey }) {
  const prefix = redis ? `bench:${process.pid}:${Date.now().toString(36)}:${randomBytes(4).toString('hex')}:` : undefined;
  const options = { env: upstreams.info.env, storeKey, ...(redis && { redis: { url: redis.url, prefix } }) };
  const hosts = await Promise.all(Array.from({ length: instances }, () => startHost('app', options)));
  try {
    const before = (await upstreams.call('counts')).miso;
    const results = await fire(hosts.map((h) => h.url), n);
    const calls = (await upstreams.call('counts')).miso - before;
    const ms = results.map((r) => r.ms).sort((a, b) => a - b);
    const errors = {};
    for (const r of results) {
      const key = r.error ?? (r.status === 200 ? undefined : `${r.status}${r.problem ? ` ${r.problem}` : ''}`);
      if (key) errors[key] = (errors[key] ?? 0) + 1;
    }
    return {
      n,
      instances,
      store: redis ? 'redis' : 'memory',
      upstreamCalls: calls,
      ok: results.filter((r) => r.status === 200).length,
      errors,
      p50: percentile(ms, 50),
      p99: percentile(ms, 99),
      max: ms[ms.length - 1],
    };
  } finally {
    await Promise.all(hosts.map((h) => h.stop()));
    if (redis) await deleteKeys(redis.client, prefix);
  }
}

/** Deletes every key under `prefix` (SCAN, never KEYS); returns how many. */
async function deleteKeys(client, prefix) {
  let deleted = 0;
  let cursor = '0';
  do {
    const [next, keys] = await client.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 500);
    cursor = next;
    if (keys.length > 0) deleted += await client.del(...keys);
  } while (cursor !== '0');
  return deleted;
}

/** A Redis client for key clean-up, or undefined (with the reason) when Redis does not answer. */
async function connectRedis(url) {
  const Redis = require('ioredis');
  const client = new Redis(url, { lazyConnect: true, connectTimeout: 2_000, maxRetriesPerRequest: 1, retryStrategy: () => null });
  client.on('error', () => undefined);
  try {
    await client.connect();
    await client.ping();
    return { client };
  } catch (error) {
    client.disconnect();
    return { reason: `Redis at ${url.replace(/\/\/[^@/]*@/, '//***@')} did not answer (${error.code || error.message})` };
  }
}

/**
 * All bursts: for each size, one instance on the memory store and, when Redis
 * answers, three instances sharing it.
 */
async function runBursts({ sizes, upstreams, redisUrl, withRedis }, log = () => {}) {
  const storeKey = randomBytes(32).toString('hex');
  const redis = withRedis ? await connectRedis(redisUrl) : { reason: 'not run (--no-redis or --quick)' };
  await upstreams.call('delay', { name: 'miso', ms: 100 });
  const results = [];
  try {
    for (const n of sizes) {
      results.push(await burst({ n, instances: 1, upstreams, storeKey }));
      log(`burst ${n} x1 memory: ${results.at(-1).upstreamCalls} upstream call(s)`);
      if (redis.client) {
        results.push(await burst({ n, instances: 3, upstreams, storeKey, redis: { url: redisUrl, client: redis.client } }));
        log(`burst ${n} x3 redis: ${results.at(-1).upstreamCalls} upstream call(s)`);
      }
    }
  } finally {
    await upstreams.call('delay', { name: 'miso', ms: 0 });
    if (redis.client) await redis.client.quit().catch(() => redis.client.disconnect());
  }
  return { results, redisSkipped: redis.client ? undefined : redis.reason };
}

module.exports = { runBursts, fire, connectRedis, deleteKeys };
