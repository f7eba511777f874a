import Redis from 'ioredis';
import { bearer, bootApp } from '../support/harness';
import { useStack } from '../support/stack';
import { killAllPrivateRedis } from '../support/redis-server';
import { startTlsRedis, type TlsRedis } from '../support/redis-topologies';

interface SentifydBody {
  tokens: { refreshToken: string };
}

/**
 * `REDIS_URL=rediss://…` with `REDIS_TLS_CA`: a TLS-only redis-server whose
 * certificate a CA made by the test (openssl) signed. The certificate is
 * always verified: without the CA the store never answers (readiness 503).
 */
describe('Redis over TLS (rediss:// and REDIS_TLS_CA)', () => {
  let redis: TlsRedis;
  const stack = useStack({
    extra: async () => (redis = await startTlsRedis()),
    boot: async (upstreams) => [
      await bootApp({ ...upstreams.env, REDIS_URL: redis.url, REDIS_TLS_CA: redis.caPath }),
      await bootApp({ ...upstreams.env, REDIS_URL: redis.url }),
    ],
    after: async () => {
      await killAllPrivateRedis();
      redis?.cleanup();
    },
    timeout: 30_000,
  });
  /** The app that trusts the test CA, and one that does not. */
  const app = () => stack.apps[0];
  const untrusted = () => stack.apps[1];

  it('is ready, serves grants and refreshes handles through the TLS server, and keeps its keys there', async () => {
    expect((await fetch(`${app().url}/health/ready`)).status).toBe(200);
    expect((await fetch(`${app().url}/api/client-token`)).status).toBe(200);
    const auth = { authorization: bearer(stack.upstreams.secrets.jwtSecret, 'tess') };
    const minted = await fetch(`${app().url}/request_tokens`, { headers: auth });
    expect(minted.status).toBe(200);
    const handle = ((await minted.json()) as SentifydBody).tokens.refreshToken;
    expect((await fetch(`${app().url}/request_tokens?refreshToken=${handle}`, { headers: auth })).status).toBe(200);
    const raw = new Redis(redis.url, { tls: { ca: redis.ca }, maxRetriesPerRequest: 1 });
    try {
      expect((await raw.keys('token:grant:*')).length).toBe(2);
      expect((await raw.keys('token:chain:*')).length).toBe(1);
    } finally {
      raw.disconnect();
    }
  });

  it('never trusts a certificate it cannot verify: without the CA the store is not ready and store-dependent routes are 503', async () => {
    const ready = await fetch(`${untrusted().url}/health/ready`);
    expect(ready.status).toBe(503);
    const minted = await fetch(`${untrusted().url}/request_tokens`, { headers: { authorization: bearer(stack.upstreams.secrets.jwtSecret, 'tom') } });
    expect(minted.status).toBe(503);
    expect(untrusted().logger.lines.join('\n')).not.toContain(redis.url);
  });
});
