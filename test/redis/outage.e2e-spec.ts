import { RedisTokenStore } from 'nestjs-token-broker/redis';
import Redis from 'ioredis';
import Module from 'node:module';
import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { bearer, bootApp, expectNoSecrets, startUpstreams, type RunningApp, type Upstreams, closeAll } from '../support/harness';
import { useStack } from '../support/stack';
import { killAllPrivateRedis, scanKeys, startPrivateRedis, uniquePrefix, type PrivateRedis } from '../support/redis-server';

interface SentifydBody {
  tokens: { accessToken: string; refreshToken: string; expiresIn: number };
}
interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  error: string;
}

/** The real `process` (Jest hands test files a copy whose listeners are never called). */
function realNodeProcess(): NodeJS.Process {
  const loader = (Module as unknown as { _load?: (request: string) => unknown })._load;
  const real = loader?.('process') as NodeJS.Process | undefined;
  return real && typeof real.on === 'function' ? real : process;
}

async function timed(request: () => Promise<Response>): Promise<{ response: Response; ms: number; body: unknown }> {
  const started = performance.now();
  const response = await request();
  const body = await response.json();
  return { response, body, ms: performance.now() - started };
}

/**
 * Redis goes away mid-run (a private redis-server, SIGKILLed) and comes back
 * on the same port: cached tokens keep being served, what needs the store
 * answers 503 problem+json within seconds, nothing crashes, and the app
 * recovers on its own.
 */
describe('Redis outage and recovery', () => {
  const prefix = uniquePrefix('test:outage');
  // `process` in a Jest test file is a copy whose listeners never fire; these go on the real one
  // (jest-circus listens there too, and fails the running test on its own as well).
  const realProcess = realNodeProcess();
  const rejections: unknown[] = [];
  const exceptions: unknown[] = [];
  const onRejection = (reason: unknown) => void rejections.push(reason);
  const onException = (error: unknown) => void exceptions.push(error);
  let redis: PrivateRedis;
  let upstreams: Upstreams;
  let running: RunningApp;
  const statuses: number[] = [];

  beforeAll(async () => {
    realProcess.on('unhandledRejection', onRejection);
    realProcess.on('uncaughtException', onException);
    redis = await startPrivateRedis();
    upstreams = await startUpstreams();
    // Rate limiting on: its counters live in Redis too, and must fall back without slowing cached answers.
    const env = { ...upstreams.env, TOKEN_RATE_LIMIT: '100000' };
    running = await bootApp(env, { store: RedisTokenStore.fromUrl(redis.url, { prefix }), storeKey: randomBytes(32) });
  });

  afterAll(() => closeAll([running, upstreams], async () => {
    await killAllPrivateRedis();
    realProcess.off('unhandledRejection', onRejection);
    realProcess.off('uncaughtException', onException);
  }));

  const alice = () => bearer(upstreams.secrets.jwtSecret, 'alice');
  const miso = () => fetch(`${running.url}/api/client-token`);
  const avatar = (id: string, auth = alice()) => fetch(`${running.url}/request_tokens?avatar_id=${id}`, { headers: { authorization: auth } });
  const refresh = (handle: string) =>
    fetch(`${running.url}/request_tokens`, {
      method: 'POST',
      headers: { authorization: alice(), 'content-type': 'application/json' },
      body: JSON.stringify({ refreshToken: handle }),
    });

  it('the recorder sees an unhandled rejection in this process', async () => {
    const probe = Promise.reject(new Error('probe: an unhandled rejection'));
    await sleep(20);
    expect(rejections).toHaveLength(1);
    // Handled after all: Jest (which also saw it) forgets it, and so does the recorder.
    probe.catch(() => undefined);
    await sleep(1);
    rejections.length = 0;
  });

  let misoToken: string;
  let handle: string;

  it('with Redis up: tokens are issued and land in the private Redis', async () => {
    const m = await miso();
    expect(m.status).toBe(200);
    misoToken = ((await m.json()) as { token: string }).token;
    const s = await avatar('avtr_warm');
    expect(s.status).toBe(200);
    handle = ((await s.json()) as SentifydBody).tokens.refreshToken;
    const client = new Redis(redis.url, { maxRetriesPerRequest: 1 });
    try {
      expect((await scanKeys(client, `${prefix}grant:`)).length).toBe(2);
    } finally {
      await client.quit();
    }
  });

  it('Redis killed: the cached Miso token is still served, quickly', async () => {
    await redis.kill();
    expect(redis.alive).toBe(false);
    const timings: number[] = [];
    for (let i = 0; i < 20; i++) {
      const { response, body, ms } = await timed(miso);
      statuses.push(response.status);
      expect(response.status).toBe(200);
      expect((body as { token: string }).token).toBe(misoToken);
      timings.push(ms);
    }
    console.log(`[figures] outage: cached Miso token served, 20 requests, max ${Math.max(...timings).toFixed(1)} ms`);
    // Not a benchmark: a bound that a store round trip waiting for its timeout would break.
    expect(Math.max(...timings)).toBeLessThan(1_000);
  });

  it('Redis down: a cold Sentifyd request answers 503 problem+json within a few seconds, without calling the upstream', async () => {
    const logins = upstreams.sentifyd.count;
    const { response, body, ms } = await timed(() => avatar('avtr_cold'));
    statuses.push(response.status);
    console.log(`[figures] outage: cold Sentifyd request answered ${response.status} in ${ms.toFixed(0)} ms`);
    expect(response.status).toBe(503);
    expect(ms).toBeLessThan(5_000);
    expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(response.headers.get('cache-control')).toMatch(/no-store/);
    const problem = body as Problem;
    expect(problem).toEqual(expect.objectContaining({ status: 503, error: 'store_unavailable', type: expect.any(String), title: expect.any(String), detail: expect.any(String) }));
    // The grant could not be shared or kept: the upstream was not called for nothing.
    expect(upstreams.sentifyd.count).toBe(logins);
  });

  it('Redis down: everything that needs the store is 503 (new handle, refresh), a burst included, never 500 or a hang', async () => {
    const started = performance.now();
    const responses = await Promise.all([
      avatar('avtr_warm'), // grant cached, but its handle must be stored
      refresh(handle),
      ...Array.from({ length: 50 }, (_, i) => avatar(`avtr_burst_${i % 5}`)),
    ]);
    const ms = performance.now() - started;
    statuses.push(...responses.map((r) => r.status));
    console.log(`[figures] outage: burst of 52 store-needing requests all answered in ${ms.toFixed(0)} ms`);
    expect(responses.map((r) => r.status)).toEqual(Array(52).fill(503));
    expect(ms).toBeLessThan(5_000);
    // The Miso route still answers meanwhile.
    expect((await miso()).status).toBe(200);
  });

  it('nothing crashed: no unhandled rejection, no uncaught exception, no 500, no error log; the process still answers', async () => {
    await sleep(500); // let background work (lock renewals, refreshes, log writes) settle inside this test
    expect(rejections).toEqual([]);
    expect(exceptions).toEqual([]);
    expect(statuses.filter((s) => s >= 500 && s !== 503)).toEqual([]);
    expect(running.logger.lines.filter((line) => line.startsWith('error '))).toEqual([]);
    expect((await miso()).status).toBe(200);
  });

  it('Redis back on the same port: the app reconnects by itself and serves Sentifyd tokens again', async () => {
    redis = await startPrivateRedis({ port: redis.port });
    const started = performance.now();
    let last = 0;
    let body: SentifydBody | undefined;
    while (performance.now() - started < 15_000) {
      const response = await avatar('avtr_cold');
      last = response.status;
      if (last === 200) {
        body = (await response.json()) as SentifydBody;
        break;
      }
      await response.arrayBuffer();
      expect(last).toBe(503);
      await sleep(200);
    }
    console.log(`[figures] outage: Sentifyd served again ${(performance.now() - started).toFixed(0)} ms after redis-server restarted`);
    expect(last).toBe(200);
    // The handle just minted is in the restarted Redis and refreshes.
    const refreshed = await refresh(body!.tokens.refreshToken);
    expect(refreshed.status).toBe(200);
    expect((await miso()).status).toBe(200);
    expect(rejections).toEqual([]);
    expect(exceptions).toEqual([]);
  });

  it('logs said what happened, without the Redis URL or a secret', () => {
    const lines = running.logger.lines;
    expect(lines.some((line) => /Redis unavailable/.test(line))).toBe(true);
    expectNoSecrets(lines, [upstreams.secrets.misoClientSecret, upstreams.secrets.avatarApiKey, upstreams.sentifyd.errorBody]);
  });
});

/**
 * Redis hangs instead of dying (SIGSTOP: connections stay open, nothing
 * answers; what a network partition or a stuck failover looks like). Cached
 * tokens must not each wait for a store timeout; what needs the store is
 * 503 within seconds; the app carries on once Redis answers again.
 */
describe('Redis hanging (SIGSTOP) and resuming', () => {
  const prefix = uniquePrefix('test:hang');
  let redis: PrivateRedis;
  // Declared first, so it runs first: a stopped Redis would hold up the apps' close.
  afterAll(() => redis?.resume());
  const stack = useStack({
    extra: async () => (redis = await startPrivateRedis()),
    boot: (upstreams) =>
      bootApp({ ...upstreams.env, TOKEN_RATE_LIMIT: '100000' }, { store: RedisTokenStore.fromUrl(redis.url, { prefix }), storeKey: randomBytes(32) }),
    after: killAllPrivateRedis,
  });

  const avatar = (id: string) =>
    fetch(`${stack.app.url}/request_tokens?avatar_id=${id}`, { headers: { authorization: bearer(stack.upstreams.secrets.jwtSecret, 'hank') } });

  it('cached tokens are served without each request waiting for a store timeout; the rest is 503 within seconds', async () => {
    const warm = await fetch(`${stack.app.url}/api/client-token`);
    expect(warm.status).toBe(200);
    const token = ((await warm.json()) as { token: string }).token;
    redis.pause();

    const timings: number[] = [];
    for (let i = 0; i < 10; i++) {
      const { response, body, ms } = await timed(() => fetch(`${stack.app.url}/api/client-token`));
      expect(response.status).toBe(200);
      expect((body as { token: string }).token).toBe(token);
      timings.push(ms);
    }
    console.log(`[figures] hang: cached Miso token, 10 requests: ${timings.map((t) => t.toFixed(0)).join(', ')} ms`);
    // The first may wait for one store timeout; the others must not.
    expect(timings.slice(1).filter((ms) => ms > 500)).toEqual([]);
    expect(timings.reduce((a, b) => a + b, 0)).toBeLessThan(5_000);

    const cold = await timed(() => avatar('avtr_hang'));
    console.log(`[figures] hang: cold Sentifyd request answered ${cold.response.status} in ${cold.ms.toFixed(0)} ms`);
    expect(cold.response.status).toBe(503);
    expect(cold.ms).toBeLessThan(5_000);
    expect((cold.body as Problem).error).toBe('store_unavailable');
  }, 30_000);

  it('once Redis answers again, Sentifyd tokens are served again within a bounded wait', async () => {
    redis.resume();
    const started = performance.now();
    let status = 0;
    while (performance.now() - started < 10_000) {
      const response = await avatar('avtr_hang');
      status = response.status;
      await response.arrayBuffer();
      if (status === 200) break;
      await sleep(200);
    }
    console.log(`[figures] hang: Sentifyd served again ${(performance.now() - started).toFixed(0)} ms after SIGCONT`);
    expect(status).toBe(200);
  });
});
