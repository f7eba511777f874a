'use strict';
/**
 * What the Redis store costs (a store that stays small):
 *   - Redis bytes per active signed-in user (one tab: a handle minted, then
 *     refreshed once), measured over `--users` users (default 10,000) as the
 *     growth of Redis' used_memory, and extrapolated to 100,000 users;
 *   - store calls per request for each route kind (anonymous warm must be 0).
 * Starts its own redis-server on a free loopback port and stops it at the end.
 * Needs `npm run build` first.
 *   node bench/redis-store.js [--users 10000]
 */
const { spawn } = require('node:child_process');
const { randomBytes } = require('node:crypto');
const net = require('node:net');
const { JwtService } = require('@nestjs/jwt');
const Redis = require('ioredis');
const { targets } = require('./targets');

const USERS = Number(process.argv[process.argv.indexOf('--users') + 1]) || 10_000;
const SAMPLE = 200;
const CONCURRENCY = 32;

async function freePort() {
  return new Promise((resolve) => {
    const server = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

async function startRedis() {
  const port = await freePort();
  const child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
  const client = new Redis(port, '127.0.0.1', { retryStrategy: () => 50 });
  client.on('error', () => undefined); // refused until the server listens: retried
  await client.ping();
  return { url: `redis://127.0.0.1:${port}`, client, stop: () => (client.disconnect(), child.kill('SIGKILL')) };
}

/** Runs `count` calls of `one(i)` with a few in flight at once. */
async function pool(count, one) {
  let next = 0;
  await Promise.all(Array.from({ length: CONCURRENCY }, async () => {
    while (next < count) await one(next++);
  }));
}

async function main() {
  const redis = await startRedis();
  const up = await targets.upstreams();
  const storeKey = randomBytes(32);
  const jwt = new JwtService();
  const bearer = (sub) => ({ authorization: `Bearer ${jwt.sign({ sub }, { secret: up.info.env.AUTH_JWT_SECRET, algorithm: 'HS256', expiresIn: 3600 })}` });
  const json = async (url, headers) => {
    const response = await fetch(url, { headers });
    if (response.status !== 200) throw new Error(`${url.replace(/refreshToken=.*/, 'refreshToken=…')}: ${response.status}`);
    return response.json();
  };
  const perRequest = async (app, count, one) => {
    const before = app.ops.storeCalls();
    for (let i = 0; i < count; i++) await one(i);
    return (app.ops.storeCalls() - before) / count;
  };
  const rows = [];
  for (const limit of ['0', '100000']) {
    const app = await targets.app({ env: { ...up.info.env, TOKEN_RATE_LIMIT: limit }, redis: { url: redis.url, prefix: `bench${limit}:` }, storeKey });
    const label = limit === '0' ? 'limits off' : 'limits on';
    rows.push([`anonymous cold (upstream call), ${label}`, await perRequest(app, 1, () => json(`${app.url}/api/client-token`))]);
    rows.push([`anonymous warm, ${label}`, await perRequest(app, SAMPLE, () => json(`${app.url}/api/client-token`))]);
    await json(`${app.url}/request_tokens`, bearer('warm-up'));
    const handles = [];
    rows.push([`signed-in, new handle, ${label}`, await perRequest(app, SAMPLE, async (i) => handles.push((await json(`${app.url}/request_tokens`, bearer(`u${i}`))).tokens.refreshToken))]);
    rows.push([`signed-in, refresh, ${label}`, await perRequest(app, SAMPLE, (i) => json(`${app.url}/request_tokens?refreshToken=${handles[i]}`, bearer(`u${i}`)))]);
    await app.close();
  }

  const app = await targets.app({ env: up.info.env, redis: { url: redis.url, prefix: 'size:' }, storeKey });
  await json(`${app.url}/request_tokens`, bearer('warm-up'));
  const memory = async () => Number(/used_memory:(\d+)/.exec(await redis.client.info('memory'))[1]);
  const keysBefore = await redis.client.dbsize();
  const before = await memory();
  const started = performance.now();
  await pool(USERS, async (i) => {
    const auth = bearer(`user-${i}`);
    const minted = await json(`${app.url}/request_tokens`, auth);
    await json(`${app.url}/request_tokens?refreshToken=${minted.tokens.refreshToken}`, auth);
  });
  const seconds = (performance.now() - started) / 1000;
  const bytes = (await memory()) - before;
  const keys = (await redis.client.dbsize()) - keysBefore;
  await app.close();
  await up.close();
  redis.stop();

  console.log('store calls per request (one call = one Redis command or script):');
  for (const [kind, calls] of rows) console.log(`  ${kind.padEnd(48)} ${calls.toFixed(2)}`);
  console.log(`active signed-in users (a handle minted, then refreshed once): ${USERS.toLocaleString('en')} in ${seconds.toFixed(1)} s`);
  console.log(`  Redis used_memory growth: ${bytes.toLocaleString('en')} bytes, ${(bytes / USERS).toFixed(0)} bytes per user, ${(keys / USERS).toFixed(2)} keys per user`);
  console.log(`  at 100,000 users (extrapolated): ${((bytes / USERS) * 100_000 / 2 ** 20).toFixed(1)} MiB`);
  process.exit(0);
}

main().catch((error) => {
  process.stderr.write(`redis-store bench: ${error && error.stack ? error.stack : error}\n`);
  process.exit(1);
});
