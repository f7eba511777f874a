import { randomBytes } from 'node:crypto';
import { FakeClock } from 'nestjs-token-broker/testing';
import { bearer, bootApp, startUpstreams, type RunningApp, type Upstreams } from '../support/harness';
import { redisCorner, scanKeys } from '../support/redis-server';

interface SentifydBody {
  tokens: { refreshToken: string };
}

/**
 * However often one user calls, the store holds at most 10 chains for that
 * user and provider (each its current handle and, within the grace, its
 * predecessor): 300 calls leave at most 30 keys and 12 kB. Spent, retired and
 * revoked handles are deleted, not left to expire.
 */
describe('the store stays small: one user calling 300 times (real Redis)', () => {
  const corner = redisCorner('test:bound');
  const clock = new FakeClock(Date.now());
  let upstreams: Upstreams;
  let app: RunningApp;

  beforeAll(async () => {
    upstreams = await startUpstreams();
    app = await bootApp(upstreams.env, { store: corner.store(), storeKey: randomBytes(32), clock });
  });
  afterAll(async () => {
    await app?.close();
    await upstreams?.close();
    await corner.clear();
  });

  it('leaves at most 30 keys and 12 kB for that user', async () => {
    const auth = { authorization: bearer(upstreams.secrets.jwtSecret, 'heavy-user') };
    let handle = '';
    for (let call = 0; call < 300; call++) {
      // A new tab every third call, refreshes in between; a minute apart, so every grace has passed.
      const url = call % 3 === 0 ? `${app.url}/request_tokens` : `${app.url}/request_tokens?refreshToken=${handle}`;
      const response = await fetch(url, { headers: auth });
      expect(response.status).toBe(200);
      handle = ((await response.json()) as SentifydBody).tokens.refreshToken;
      clock.advance(60_000);
    }
    const keys = (await scanKeys(corner.raw, corner.prefix)).filter((key) => /:(chain|chains):/.test(key));
    let bytes = 0;
    for (const key of keys) bytes += Number(await corner.raw.memory('USAGE', key));
    console.log(`[figures] one user, 300 calls: ${keys.length} keys, ${bytes} bytes (Redis MEMORY USAGE) for that user`);
    expect(keys.length).toBeLessThanOrEqual(30);
    expect(keys.filter((key) => key.includes(':chain:')).length).toBe(10);
    expect(bytes).toBeLessThanOrEqual(12_000);
  });
});
