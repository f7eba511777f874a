import { createHash, randomBytes } from 'node:crypto';
import { FakeClock } from 'nestjs-token-broker/testing';
import { Sealer } from '../../libs/token/src/store/sealer';
import { bearer, bootApp, startUpstreams, type RunningApp, type Upstreams } from '../support/harness';
import { redisCorner } from '../support/redis-server';

/**
 * Someone who can write to Redis (but does not hold the store key) can neither
 * move a sealed credential to another key nor plant a refresh handle record,
 * and a record edited to a forbidden avatar never reaches the upstream.
 */
describe('a store writer cannot forge or move credentials (real Redis)', () => {
  const corner = redisCorner('test:writer');
  const prefix = corner.prefix;
  const storeKey = randomBytes(32);
  const clock = new FakeClock(Date.now());
  let upstreams: Upstreams;
  let running: RunningApp;

  beforeAll(async () => {
    upstreams = await startUpstreams();
    const env = { ...upstreams.env, SENTIFYD_AVATAR_IDS: 'avtr_ok,avtr_other' };
    running = await bootApp(env, { store: corner.store(), storeKey, clock });
  });
  afterAll(async () => {
    await running?.close();
    await upstreams?.close();
    await corner.clear();
  });

  const auth = (user: string) => ({ authorization: bearer(upstreams.secrets.jwtSecret, user) });
  const sentifyd = async (user: string, avatar: string) => {
    const response = await fetch(`${running.url}/request_tokens?avatar_id=${avatar}`, { headers: auth(user) });
    expect(response.status).toBe(200);
    return (await response.json()) as { tokens: { accessToken: string; refreshToken: string } };
  };
  const refresh = (user: string, handle: string) =>
    fetch(`${running.url}/request_tokens`, {
      method: 'POST',
      headers: { ...auth(user), 'content-type': 'application/json' },
      body: JSON.stringify({ refreshToken: handle }),
    });

  it("a signed-in avatar's sealed grant copied over the Miso grant key is not handed out by the anonymous Miso route", async () => {
    const { accessToken } = (await sentifyd('alice', 'avtr_ok')).tokens;
    const sealed = await corner.raw.get(`${prefix}grant:sentifyd|a:avtr_ok`);
    expect(sealed).toEqual(expect.any(String));
    await corner.raw.set(`${prefix}grant:miso`, sealed!, 'PX', 60_000);
    const miso = await fetch(`${running.url}/api/client-token`);
    expect(miso.status).toBe(200);
    expect(JSON.stringify(await miso.json())).not.toContain(accessToken);
    expect(upstreams.miso.count).toBe(1); // it fetched its own
    expect(running.logger.lines.filter((line) => /could not be opened/.test(line))).toHaveLength(1);
  });

  it('a handle record planted under the plain SHA-256 of a chosen value is refused', async () => {
    const real = (await sentifyd('alice', 'avtr_ok')).tokens.refreshToken;
    const record = await corner.raw.get(`${prefix}handle:${new Sealer(storeKey).digest(real)}`);
    expect(record).toEqual(expect.any(String));
    const chosen = randomBytes(32).toString('base64url');
    await corner.raw.set(`${prefix}handle:${createHash('sha256').update(chosen).digest('base64url')}`, record!, 'PX', 60_000);
    expect((await refresh('alice', chosen)).status).toBe(401);
  });

  it('a record edited to a forbidden avatar id is refused before any upstream call', async () => {
    const real = (await sentifyd('alice', 'avtr_other')).tokens.refreshToken;
    const key = `${prefix}handle:${new Sealer(storeKey).digest(real)}`;
    const record = JSON.parse((await corner.raw.get(key))!) as { audience: string };
    await corner.raw.set(key, JSON.stringify({ ...record, audience: 'avtr_forbidden' }), 'PX', 60_000);
    const before = upstreams.sentifyd.count;
    const reply = await refresh('alice', real);
    expect(reply.status).toBe(401);
    expect(upstreams.sentifyd.count).toBe(before);
    expect(upstreams.sentifyd.calls.some((call) => call.body.includes('avtr_forbidden'))).toBe(false);
  });
});
