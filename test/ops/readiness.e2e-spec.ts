import { setTimeout as sleep } from 'node:timers/promises';
import { bootApp } from '../support/harness';
import { useStack } from '../support/stack';
import { eachPlatform } from '../support/platforms';
import { killAllPrivateRedis, startPrivateRedis, type PrivateRedis } from '../support/redis-server';

interface Probe {
  status: number;
  cacheControl: string | null;
  body: { status: string; info?: Record<string, { status: string }>; error?: Record<string, { status: string; message?: string }> };
}

/**
 * Readiness follows the store: a private redis-server is killed and started
 * again on the same port; /health/ready goes 200 → 503 → 200 on its own,
 * while /health/live stays 200 throughout.
 */
describe('health probes follow Redis', () => {
  eachPlatform(() => {
    let redis: PrivateRedis;
    const liveness: number[] = [];
    const stack = useStack({
      extra: async () => (redis = await startPrivateRedis()),
      boot: (upstreams) => bootApp({ ...upstreams.env, REDIS_URL: redis.url }),
      after: killAllPrivateRedis,
    });

    const probe = async (path: string): Promise<Probe> => {
      const response = await fetch(`${stack.app.url}${path}`);
      return { status: response.status, cacheControl: response.headers.get('cache-control'), body: (await response.json()) as Probe['body'] };
    };
    /** Polls readiness (and liveness alongside) until it answers `status`; resolves with the ms it took. */
    const readyBecomes = async (status: number, withinMs: number): Promise<{ ms: number; last: Probe }> => {
      const started = performance.now();
      for (;;) {
        const [ready, live] = await Promise.all([probe('/health/ready'), probe('/health/live')]);
        liveness.push(live.status);
        if (ready.status === status) return { ms: Math.round(performance.now() - started), last: ready };
        if (performance.now() - started > withinMs) throw new Error(`/health/ready still ${ready.status} after ${withinMs} ms`);
        await sleep(100);
      }
    };

    it('answers 200, then 503 while Redis is gone, then 200 again once it is back; liveness 200 throughout', async () => {
      const up = await readyBecomes(200, 5_000);
      expect(up.last.cacheControl).toBe('no-store');
      expect(up.last.body).toEqual({ status: 'ok', info: { store: { status: 'up' } }, error: {}, details: { store: { status: 'up' } } });

      await redis.kill();
      const down = await readyBecomes(503, 5_000);
      expect(down.last.cacheControl).toBe('no-store');
      expect(down.last.body.status).toBe('error');
      expect(down.last.body.error?.store.status).toBe('down');
      // Our own words only: never the Redis URL (it may hold a password).
      expect(JSON.stringify(down.last.body)).not.toContain(String(redis.port));

      redis = await startPrivateRedis({ port: redis.port });
      const back = await readyBecomes(200, 10_000);

      expect(liveness.every((status) => status === 200)).toBe(true);
      expect(liveness.length).toBeGreaterThan(2);
      process.stdout.write(`readiness (${stack.app.app.getHttpAdapter().getType()}): 503 ${down.ms} ms after the kill, 200 ${back.ms} ms after the restart\n`);
    }, 30_000);

    it('is neither rate-limited nor logged as a token request', async () => {
      const limited = await bootApp({ ...stack.upstreams.env, TOKEN_RATE_LIMIT: '1' });
      try {
        const statuses = [];
        for (let i = 0; i < 5; i++) statuses.push((await fetch(`${limited.url}/health/ready`)).status, (await fetch(`${limited.url}/health/live`)).status);
        expect(statuses.every((status) => status === 200)).toBe(true);
        expect(limited.logger.requestLines()).toEqual([]);
      } finally {
        await limited.close();
      }
    });
  });
});
