import Redis from 'ioredis';
import { bearer, bootApp, closeAll } from '../support/harness';
import { useStack } from '../support/stack';
import { killAllPrivateRedis, scanKeys, startPrivateRedis, type PrivateRedis } from '../support/redis-server';

interface SentifydBody {
  tokens: { accessToken: string; refreshToken: string; expiresIn: number };
}

/**
 * The example app configured by the environment alone: `REDIS_URL` picks the
 * Redis store (default prefix `token:`), so this runs against a private
 * redis-server of its own rather than the shared one. Two instances with the
 * same environment share grants, handles and rate limits.
 */
describe('example app with REDIS_URL (environment only)', () => {
  let redis: PrivateRedis;
  let raw: Redis;
  const stack = useStack({
    extra: async () => {
      redis = await startPrivateRedis();
      raw = new Redis(redis.url, { maxRetriesPerRequest: 1 });
    },
    boot: async (upstreams) => {
      upstreams.miso.delayMs = 150;
      const env = { ...upstreams.env, REDIS_URL: redis.url, TOKEN_RATE_LIMIT: '5' };
      return [await bootApp(env), await bootApp(env)];
    },
    after: () => closeAll([{ close: () => raw?.quit() }], killAllPrivateRedis),
  });

  it('two instances from the same environment share one grant, and keep it in Redis under token:', async () => {
    const responses = await Promise.all(Array.from({ length: 4 }, (_, i) => fetch(`${stack.apps[i % 2].url}/api/client-token`)));
    expect(responses.map((r) => r.status)).toEqual([200, 200, 200, 200]);
    expect(stack.upstreams.miso.count).toBe(1);
    // One grant, under a keyed digest of its name (never `grant:miso` in clear).
    expect(await scanKeys(raw, 'token:grant:')).toEqual([expect.stringMatching(/^token:grant:[A-Za-z0-9_-]{43}$/)]);
  });

  it('a handle minted by one refreshes on the other (the sealing key comes from AUTH_JWT_SECRET on both)', async () => {
    const auth = bearer(stack.upstreams.secrets.jwtSecret, 'ivy');
    const minted = await fetch(`${stack.apps[0].url}/request_tokens`, { headers: { authorization: auth } });
    expect(minted.status).toBe(200);
    const handle = ((await minted.json()) as SentifydBody).tokens.refreshToken;
    const refreshed = await fetch(`${stack.apps[1].url}/request_tokens?refreshToken=${handle}`, { headers: { authorization: auth } });
    expect(refreshed.status).toBe(200);
  });

  it('rate limits count in Redis: the 6th request of one user over both instances is 429', async () => {
    const auth = bearer(stack.upstreams.secrets.jwtSecret, 'jack');
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) statuses.push((await fetch(`${stack.apps[i % 2].url}/request_tokens`, { headers: { authorization: auth } })).status);
    expect(statuses).toEqual([200, 200, 200, 200, 200, 429]);
    expect((await scanKeys(raw, 'token:rate:')).length).toBeGreaterThanOrEqual(1);
  });

  it('closing the app closes the Redis client it made from REDIS_URL', async () => {
    const before = Number((await raw.info('clients')).match(/connected_clients:(\d+)/)![1]);
    const extra = await bootApp({ ...stack.upstreams.env, REDIS_URL: redis.url });
    expect((await fetch(`${extra.url}/api/client-token`)).status).toBe(200);
    const during = Number((await raw.info('clients')).match(/connected_clients:(\d+)/)![1]);
    await extra.close();
    await new Promise((resolve) => setTimeout(resolve, 100));
    const after = Number((await raw.info('clients')).match(/connected_clients:(\d+)/)![1]);
    expect(during).toBe(before + 1);
    expect(after).toBe(before);
  });
});
