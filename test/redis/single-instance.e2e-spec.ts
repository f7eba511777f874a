import { RedisTokenStore } from 'nestjs-token-broker/redis';
import Redis from 'ioredis';
import { randomBytes } from 'node:crypto';
import { bearer, bootApp, startUpstreams, type RunningApp, type Upstreams } from '../support/harness';
import { expectOneSentifydLogin } from './burst';
import { deleteKeys, redisCorner, scanKeys, sharedRedisUrl, uniquePrefix } from '../support/redis-server';

interface SentifydBody {
  tokens: { accessToken: string; refreshToken: string; expiresIn: number };
}

/** One app instance on a RedisTokenStore (the real Redis at REDIS_URL, a prefix of this run only). */
describe('one instance on Redis', () => {
  const corner = redisCorner('test:single');
  const storeKey = randomBytes(32);
  let upstreams: Upstreams;
  let running: RunningApp;

  beforeAll(async () => {
    upstreams = await startUpstreams();
    // A slow upstream keeps the first call in flight while the whole burst arrives.
    upstreams.miso.delayMs = 150;
    upstreams.sentifyd.delayMs = 150;
    running = await bootApp(upstreams.env, { store: corner.store(), storeKey });
  });

  afterAll(async () => {
    await running?.close();
    await upstreams?.close();
    await corner.clear();
  });

  it('200 concurrent cold requests to /api/client-token make one upstream call', async () => {
    const responses = await Promise.all(Array.from({ length: 200 }, () => fetch(`${running.url}/api/client-token`)));
    const bodies = (await Promise.all(responses.map((r) => r.json()))) as Array<{ token: string }>;
    console.log(`[figures] single instance, 200 concurrent cold /api/client-token: ${upstreams.miso.count} upstream call(s)`);
    expect(responses.map((r) => r.status)).toEqual(Array(200).fill(200));
    expect(upstreams.miso.count).toBe(1);
    expect(new Set(bodies.map((b) => b.token)).size).toBe(1);
    // The grant went to Redis (sealed), not only to this process.
    expect((await scanKeys(corner.raw, `${corner.prefix}grant:`)).length).toBeGreaterThanOrEqual(1);
  });

  it('200 concurrent cold /request_tokens for one avatar from a few users make one login; each user gets own handles', async () => {
    const users = ['alice', 'bob', 'carol', 'dave'];
    const auth = Object.fromEntries(users.map((u) => [u, bearer(upstreams.secrets.jwtSecret, u)]));
    await expectOneSentifydLogin('single instance (one avatar, 4 users)', upstreams, 200, (i) =>
      fetch(`${running.url}/request_tokens?avatar_id=avtr_shared`, { headers: { authorization: auth[users[i % users.length]] } }),
    );
  });

  it('different avatar ids make one login each', async () => {
    const avatars = ['avtr_a', 'avtr_b', 'avtr_c', 'avtr_d', 'avtr_e'];
    const auth = bearer(upstreams.secrets.jwtSecret, 'erin');
    const before = upstreams.sentifyd.calls.length;
    const responses = await Promise.all(
      Array.from({ length: 100 }, (_, i) =>
        fetch(`${running.url}/request_tokens?avatar_id=${avatars[i % avatars.length]}`, { headers: { authorization: auth } }),
      ),
    );
    const bodies = (await Promise.all(responses.map((r) => r.json()))) as Array<SentifydBody & { avatarParameters: { avatarId: string } }>;
    expect(responses.map((r) => r.status)).toEqual(Array(100).fill(200));
    const logins = upstreams.sentifyd.calls.slice(before).map((call) => (JSON.parse(call.body) as { avatar_id?: string }).avatar_id);
    expect(logins.sort()).toEqual([...avatars].sort());
    // Each avatar's callers got that avatar's grant, never another's.
    for (const avatar of avatars) {
      const tokens = new Set(bodies.filter((b) => b.avatarParameters.avatarId === avatar).map((b) => b.tokens.accessToken));
      expect(tokens.size).toBe(1);
    }
    expect(new Set(bodies.map((b) => b.tokens.accessToken)).size).toBe(avatars.length);
  });
});

/**
 * Cache-hit latency, Redis store against memory store (printed, never asserted:
 * a shared 2-core machine makes timings noisy). With rate limiting on, every
 * request also counts in the store, which is a Redis round trip.
 */
describe('cache-hit latency (figures only)', () => {
  const corner = redisCorner('test:latency');
  let upstreams: Upstreams;
  const apps: RunningApp[] = [];

  beforeAll(async () => {
    upstreams = await startUpstreams();
  });

  afterAll(async () => {
    for (const app of apps) await app.close();
    await upstreams?.close();
    await corner.clear();
  });

  async function measure(label: string, env: Record<string, string>, redis: boolean): Promise<void> {
    const overrides = redis ? { store: RedisTokenStore.fromUrl(sharedRedisUrl(), { prefix: `${corner.prefix}${label}:` }) } : {};
    const running = await bootApp(env, overrides);
    apps.push(running);
    const url = `${running.url}/api/client-token`;
    const before = upstreams.miso.count;
    for (let i = 0; i < 50; i++) expect((await fetch(url)).status).toBe(200); // warm up
    const samples: number[] = [];
    for (let i = 0; i < 2_000; i++) {
      const started = performance.now();
      const response = await fetch(url);
      await response.arrayBuffer();
      samples.push(performance.now() - started);
      if (response.status !== 200) throw new Error(`${label}: status ${response.status}`);
    }
    samples.sort((a, b) => a - b);
    const at = (q: number) => samples[Math.min(samples.length - 1, Math.floor(q * samples.length))].toFixed(3);
    console.log(`[figures] cache hit, ${label}: 2000 sequential GET /api/client-token: median ${at(0.5)} ms, p99 ${at(0.99)} ms`);
    expect(upstreams.miso.count - before).toBe(1);
  }

  it('memory store vs Redis store, rate limiting off and on', async () => {
    const off = { ...upstreams.env, TOKEN_RATE_LIMIT: '0' };
    const on = { ...upstreams.env, TOKEN_RATE_LIMIT: '1000000' };
    await measure('memory, rate limit off', off, false);
    await measure('redis, rate limit off', off, true);
    await measure('memory, rate limit on', on, false);
    await measure('redis, rate limit on', on, true);
  }, 120_000);
});
