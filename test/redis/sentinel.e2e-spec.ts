import Redis from 'ioredis';
import { randomBytes } from 'node:crypto';
import { bearer, bootApp } from '../support/harness';
import { useStack } from '../support/stack';
import { killAllPrivateRedis } from '../support/redis-server';
import { startSentinelSet, until, type SentinelSet } from '../support/redis-topologies';

interface SentifydBody {
  tokens: { refreshToken: string };
}

/**
 * `REDIS_SENTINELS` + `REDIS_SENTINEL_NAME` + `REDIS_PASSWORD`: a primary, a
 * replica and one Sentinel on loopback. The primary is killed; the app is not
 * restarted. Cached tokens are served throughout, store-dependent requests
 * answer 503 at most while the replica is promoted, then 200, and a handle
 * minted before the kill (replicated) still refreshes.
 */
describe('Redis Sentinel: a primary failover without restart', () => {
  const password = randomBytes(12).toString('hex');
  let set: SentinelSet;
  const stack = useStack({
    extra: async () => (set = await startSentinelSet(password)),
    boot: (upstreams) =>
      bootApp({ ...upstreams.env, REDIS_SENTINELS: `127.0.0.1:${set.sentinel.port}`, REDIS_SENTINEL_NAME: set.name, REDIS_PASSWORD: password }),
    after: killAllPrivateRedis,
    timeout: 30_000,
  });

  const auth = (user: string) => ({ authorization: bearer(stack.upstreams.secrets.jwtSecret, user) });

  it('serves cached tokens throughout, 503s store-dependent requests at most during promotion, then 200; old handles still refresh', async () => {
    expect((await fetch(`${stack.app.url}/health/ready`)).status).toBe(200);
    expect((await fetch(`${stack.app.url}/api/client-token`)).status).toBe(200);
    const minted = await fetch(`${stack.app.url}/request_tokens`, { headers: auth('olga') });
    expect(minted.status).toBe(200);
    const handle = ((await minted.json()) as SentifydBody).tokens.refreshToken;
    // Replicated before the primary dies (what a handle minted "before the failover" means).
    const primary = new Redis(set.primary.port, '127.0.0.1', { password, maxRetriesPerRequest: 1 });
    expect(await primary.call('WAIT', '1', '2000')).toBe(1);
    primary.disconnect();

    await set.primary.kill();
    const killedAt = performance.now();
    const cached: number[] = [];
    const dependent: number[] = [];
    let window = 0;
    for (let i = 0; performance.now() - killedAt < 20_000; i++) {
      cached.push((await fetch(`${stack.app.url}/api/client-token`)).status);
      const status = (await fetch(`${stack.app.url}/request_tokens`, { headers: auth(`user${i}`) })).status;
      dependent.push(status);
      if (status === 200) {
        window = (performance.now() - killedAt) / 1000;
        break;
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    console.log(`[figures] Sentinel failover: first store-dependent 200 after ${window.toFixed(2)} s (${dependent.length - 1} answers 503 before it)`);
    expect(window).toBeGreaterThan(0);
    expect(new Set(cached)).toEqual(new Set([200]));
    expect(new Set(dependent.slice(0, -1))).toEqual(new Set(dependent.length > 1 ? [503] : []));

    const refreshed = await fetch(`${stack.app.url}/request_tokens?refreshToken=${handle}`, { headers: auth('olga') });
    expect(refreshed.status).toBe(200);
    await until('ready again', async () => (await fetch(`${stack.app.url}/health/ready`)).status === 200, 5_000);
    const promoted = new Redis(set.replica.port, '127.0.0.1', { password, maxRetriesPerRequest: 1 });
    try {
      expect(((await promoted.call('ROLE')) as string[])[0]).toBe('master');
    } finally {
      promoted.disconnect();
    }
  }, 40_000);
});
