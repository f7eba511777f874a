import { RedisTokenStore } from 'nestjs-token-broker/redis';
import { Sealer } from '../../libs/token/src/store/sealer';
import Redis from 'ioredis';
import { randomBytes } from 'node:crypto';
import { FakeClock } from 'nestjs-token-broker/testing';
import { bearer, bootApp, startUpstreams, type RunningApp, type Upstreams } from '../support/harness';
import { deleteKeys, redisCorner, scanKeys, sharedRedisUrl, uniquePrefix } from '../support/redis-server';

interface SentifydBody {
  tokens: { accessToken: string; refreshToken: string; expiresIn: number };
}

/** Every value stored under `key`, whatever its Redis type. */
async function valuesOf(raw: Redis, key: string): Promise<{ type: string; values: string[] }> {
  const type = await raw.type(key);
  switch (type) {
    case 'string':
      return { type, values: [(await raw.get(key)) ?? ''] };
    case 'hash':
      return { type, values: Object.entries(await raw.hgetall(key)).flat() };
    case 'list':
      return { type, values: await raw.lrange(key, 0, -1) };
    case 'set':
      return { type, values: await raw.smembers(key) };
    case 'zset':
      return { type, values: await raw.zrange(key, 0, -1) };
    case 'stream':
      return { type, values: (await raw.xrange(key, '-', '+')).flatMap(([id, fields]) => [id, ...fields]) };
    default:
      return { type, values: [] }; // 'none': expired between SCAN and TYPE
  }
}

/** The text itself plus what it decodes to when it (or a dot-separated part) is base64: encoding is not sealing. */
function readings(text: string): string[] {
  const out = [text];
  for (const part of [text, ...text.split(/[.:|]/)]) {
    if (part.length >= 8 && /^[A-Za-z0-9+/_=-]+$/.test(part)) {
      out.push(Buffer.from(part, 'base64url').toString('latin1'), Buffer.from(part, 'base64').toString('latin1'));
    }
  }
  return out;
}

/** Each secret found in a key under `prefix` or in its value (plain or base64), as `what in key`. */
async function findLeaks(raw: Redis, prefix: string, secrets: ReadonlyArray<readonly [string, string]>) {
  const keys = await scanKeys(raw, prefix);
  const leaks: string[] = [];
  const types = new Map<string, number>();
  const values = new Map<string, string[]>();
  for (const key of keys) {
    const found = await valuesOf(raw, key);
    types.set(found.type, (types.get(found.type) ?? 0) + 1);
    values.set(key, found.values);
    const texts = [key, ...found.values].flatMap(readings);
    for (const [what, secret] of secrets) {
      if (texts.some((text) => text.includes(secret))) leaks.push(`${what} in ${key.slice(prefix.length, prefix.length + 40)}`);
    }
  }
  return { keys, leaks, types, values };
}

describe('the scan itself', () => {
  const corner = redisCorner('test:plain-probe');
  let raw: Redis;
  beforeAll(() => void (raw = new Redis(sharedRedisUrl(), { maxRetriesPerRequest: 1 })));
  afterAll(async () => {
    await deleteKeys(raw, corner.prefix);
    await raw.quit();
  });

  it('finds a planted secret in a key name, a string, base64, a hash, a list and a set', async () => {
    const secret = `planted-${randomBytes(8).toString('hex')}`;
    await raw.set(`${corner.prefix}clean`, 'nothing here', 'PX', 60_000);
    await raw.set(`${corner.prefix}name:${secret}`, 'x', 'PX', 60_000);
    await raw.set(`${corner.prefix}plain`, `{"accessToken":"${secret}"}`, 'PX', 60_000);
    await raw.set(`${corner.prefix}b64`, `iv.${Buffer.from(`{"t":"${secret}"}`).toString('base64url')}`, 'PX', 60_000);
    await raw.hset(`${corner.prefix}hash`, 'token', secret);
    await raw.rpush(`${corner.prefix}list`, 'a', secret);
    await raw.sadd(`${corner.prefix}set`, secret);
    const { leaks, types } = await findLeaks(raw, corner.prefix, [['planted', secret]]);
    expect(leaks.sort()).toEqual(['b64', 'hash', 'list', `name:${secret}`.slice(0, 40), 'plain', 'set'].map((k) => `planted in ${k}`).sort());
    expect(Object.fromEntries(types)).toEqual({ string: 4, hash: 1, list: 1, set: 1 });
  });
});

/**
 * After a run of issues and refreshes on both providers (upstream refresh
 * tokens in use, a failing upstream, rate limits on), nothing in Redis is a
 * usable credential: no secret, no token handed out, no handle, no upstream
 * refresh token, no upstream error body, in key or value, plain or base64.
 */
describe('nothing in Redis is a credential in plain text', () => {
  const corner = redisCorner('test:plain');
  const storeKey = randomBytes(32);
  const clock = new FakeClock(Date.now());
  let upstreams: Upstreams;
  let running: RunningApp;

  beforeAll(async () => {
    upstreams = await startUpstreams();
    const env = { ...upstreams.env, SENTIFYD_REFRESH_PATH: '/api/refresh', TOKEN_RATE_LIMIT: '100000' };
    running = await bootApp(env, { store: corner.store(), storeKey, clock });
  });

  afterAll(async () => {
    await running?.close();
    await upstreams?.close();
    await corner.clear();
  });

  it('scans every key and value under the prefix and finds none of them', async () => {
    const accessTokens = new Set<string>();
    const handles = new Set<string>();
    const upstreamRefreshTokens = new Set<string>();
    const noteUpstream = () => upstreams.sentifyd.issuedRefreshTokens.forEach((t) => upstreamRefreshTokens.add(t));
    const users = ['alice', 'bob'];
    const avatars = [undefined, 'avtr_one', 'avtr_two'];

    const issueAll = async () => {
      for (const method of ['GET', 'POST']) {
        const miso = await fetch(`${running.url}/api/client-token`, { method });
        expect(miso.status).toBe(200);
        accessTokens.add(((await miso.json()) as { token: string }).token);
      }
      for (const user of users) {
        for (const avatar of avatars) {
          const response = await fetch(`${running.url}/request_tokens${avatar ? `?avatar_id=${avatar}` : ''}`, {
            headers: { authorization: bearer(upstreams.secrets.jwtSecret, user) },
          });
          expect(response.status).toBe(200);
          const body = (await response.json()) as SentifydBody;
          accessTokens.add(body.tokens.accessToken);
          handles.add(body.tokens.refreshToken);
          noteUpstream();
          // Rotate each handle twice; keep every handle ever handed out.
          let handle = body.tokens.refreshToken;
          for (let i = 0; i < 2; i++) {
            const refreshed = await fetch(`${running.url}/request_tokens`, {
              method: 'POST',
              headers: { authorization: bearer(upstreams.secrets.jwtSecret, user), 'content-type': 'application/json' },
              body: JSON.stringify({ refreshToken: handle }),
            });
            expect(refreshed.status).toBe(200);
            const next = (await refreshed.json()) as SentifydBody;
            handle = next.tokens.refreshToken;
            handles.add(handle);
            accessTokens.add(next.tokens.accessToken);
          }
        }
      }
      noteUpstream();
    };

    await issueAll();
    // Past every grant's expiry: the cache renews Sentifyd grants with the upstream refresh tokens it sealed away.
    clock.advance(2 * 3_600_000);
    await issueAll();
    expect(upstreams.sentifyd.calls.filter((call) => call.path === '/api/refresh').length).toBeGreaterThanOrEqual(avatars.length);
    // A failing upstream: its error body must not be kept either.
    upstreams.sentifyd.mode = 'reject';
    clock.advance(2 * 3_600_000);
    const failed = await fetch(`${running.url}/request_tokens?avatar_id=avtr_fail`, { headers: { authorization: bearer(upstreams.secrets.jwtSecret, 'alice') } });
    expect(failed.status).toBe(502);
    upstreams.sentifyd.mode = 'ok';

    const secrets: Array<[string, string]> = [
      ['MISO_CLIENTSECRET', upstreams.secrets.misoClientSecret],
      ['AVATAR_API_KEY', upstreams.secrets.avatarApiKey],
      ['AUTH_JWT_SECRET', upstreams.secrets.jwtSecret],
      ['upstream error body', upstreams.sentifyd.errorBody],
      ...[...accessTokens].map((t): [string, string] => ['access token handed out', t]),
      ...[...handles].map((t): [string, string] => ['refresh handle handed out', t]),
      ...[...upstreamRefreshTokens].map((t): [string, string] => ['upstream refresh token', t]),
    ];
    expect(accessTokens.size).toBeGreaterThanOrEqual(4);
    expect(handles.size).toBe(2 * users.length * avatars.length * 3);
    expect(upstreamRefreshTokens.size).toBeGreaterThanOrEqual(2 * avatars.length);

    const { keys, leaks, types, values } = await findLeaks(corner.raw, corner.prefix, secrets);
    const kinds = new Set(keys.map((key) => key.slice(corner.prefix.length).split(':')[0]));
    // The scan sees what the run wrote: grants, handle chains and their per-user lists, rate counters.
    expect([...kinds]).toEqual(expect.arrayContaining(['grant', 'chain', 'chains', 'rate']));
    // Key names hold no user id, avatar id or client IP in clear, rate-limit counters included.
    const named = keys.filter((key) => [...users, ...avatars, '127.0.0.1'].some((id) => id !== undefined && key.includes(id)));
    expect(named).toEqual([]);
    // Sealed grants do hold the tokens (so the scan was looking at the right values), and every key expires.
    const sealer = new Sealer(storeKey);
    let opened = 0;
    const forever: string[] = [];
    for (const key of keys) {
      if ((await corner.raw.pttl(key)) === -1) forever.push(key);
      if (key.startsWith(`${corner.prefix}grant:`) && sealer.open(values.get(key)?.[0] ?? '', key.slice(corner.prefix.length))?.includes('"accessToken"')) opened++;
    }
    console.log(`[figures] no-plaintext scan: ${keys.length} keys (${[...types].map(([t, n]) => `${n} ${t}`).join(', ')}), kinds ${[...kinds].join(', ')}; ${secrets.length} values checked`);
    expect(leaks).toEqual([]);
    expect(forever).toEqual([]);
    expect(opened).toBeGreaterThanOrEqual(avatars.length + 1);
  }, 60_000);
});
