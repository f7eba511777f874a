import { Cluster } from 'ioredis';
import Redis from 'ioredis';
import { randomBytes } from 'node:crypto';
import { bearer, bootApp } from '../support/harness';
import { useStack } from '../support/stack';
import { killAllPrivateRedis, type PrivateRedis } from '../support/redis-server';
import { startCluster } from '../support/redis-topologies';

interface SentifydBody {
  tokens: { accessToken: string; refreshToken: string };
}

/**
 * `REDIS_CLUSTER_NODES` + `REDIS_PASSWORD`: a 3-master Redis Cluster on
 * loopback (`redis-cli --cluster create`) and two instances of the app. Every
 * operation touches one key, so nothing is cross-slot; the keys spread over
 * the masters.
 */
/** Per minute and caller: above the 100 anonymous requests of the single-flight row. */
const LIMIT = 110;

describe('Redis Cluster: two instances, three masters', () => {
  const password = randomBytes(12).toString('hex');
  let nodes: PrivateRedis[];
  const stack = useStack({
    extra: async () => (nodes = await startCluster(password)),
    boot: async (upstreams) => {
      upstreams.miso.delayMs = 150;
      const env = { ...upstreams.env, REDIS_CLUSTER_NODES: nodes.map((n) => `127.0.0.1:${n.port}`).join(','), REDIS_PASSWORD: password, TOKEN_RATE_LIMIT: String(LIMIT) };
      return [await bootApp(env), await bootApp(env)];
    },
    after: killAllPrivateRedis,
    timeout: 40_000,
  });
  const A = () => stack.apps[0];
  const B = () => stack.apps[1];

  const auth = (user: string) => ({ authorization: bearer(stack.upstreams.secrets.jwtSecret, user) });

  it('is ready on both instances', async () => {
    for (const app of [A(), B()]) expect((await fetch(`${app.url}/health/ready`)).status).toBe(200);
  });

  it('single flight across both: 100 concurrent cold requests make one upstream call', async () => {
    const responses = await Promise.all(Array.from({ length: 100 }, (_, i) => fetch(`${[A(), B()][i % 2].url}/api/client-token`)));
    expect(responses.map((r) => r.status)).toEqual(Array(100).fill(200));
    expect(stack.upstreams.miso.count).toBe(1);
  });

  it('a handle minted on one refreshes on the other, and its successor on the first', async () => {
    const minted = await fetch(`${A().url}/request_tokens`, { headers: auth('kim') });
    const first = ((await minted.json()) as SentifydBody).tokens.refreshToken;
    const onB = await fetch(`${B().url}/request_tokens?refreshToken=${first}`, { headers: auth('kim') });
    expect(onB.status).toBe(200);
    const second = ((await onB.json()) as SentifydBody).tokens.refreshToken;
    expect((await fetch(`${A().url}/request_tokens?refreshToken=${second}`, { headers: auth('kim') })).status).toBe(200);
  });

  it(`rate limits are shared: request ${LIMIT + 1} of one user, alternating between the instances, is 429`, async () => {
    const statuses: number[] = [];
    for (let i = 0; i <= LIMIT; i++) statuses.push((await fetch(`${[A(), B()][i % 2].url}/request_tokens`, { headers: auth('lou') })).status);
    expect(statuses).toEqual([...Array(LIMIT).fill(200), 429]);
  });

  it('keys live on several masters', async () => {
    for (let i = 0; i < 20; i++) await fetch(`${[A(), B()][i % 2].url}/request_tokens`, { headers: auth(`spread${i}`) });
    const perMaster: number[] = [];
    for (const node of nodes) {
      const client = new Redis(node.port, '127.0.0.1', { password, maxRetriesPerRequest: 1 });
      try {
        perMaster.push(Number(await client.dbsize()));
      } finally {
        client.disconnect();
      }
    }
    console.log(`[figures] Cluster: keys per master ${perMaster.join(', ')}`);
    expect(perMaster.filter((n) => n > 0).length).toBeGreaterThanOrEqual(2);
  });

  it('the library store takes a Cluster client it is given', async () => {
    const { RedisTokenStore } = await import('nestjs-token-broker/redis');
    const cluster = new Cluster([{ host: '127.0.0.1', port: nodes[0].port }], { redisOptions: { password } });
    const store = new RedisTokenStore(cluster, { prefix: 'given:' });
    try {
      await store.set('a', '1', 10_000);
      expect(await store.swap('a', '1', '2', 10_000)).toBe(true);
      expect(await store.get('a')).toBe('2');
      expect(await store.enlist('list', 'm', 10, 10_000)).toEqual([]);
      await store.ping();
    } finally {
      await store.close();
      await cluster.quit();
    }
  });
});
