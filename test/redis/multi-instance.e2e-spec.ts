import { RedisTokenStore } from 'nestjs-token-broker/redis';
import Redis from 'ioredis';
import { randomBytes } from 'node:crypto';
import { storeKeys } from '../support/store-keys';
import { FakeClock } from 'nestjs-token-broker/testing';
import { bearer, bootApp, startUpstreams, type RunningApp, type Upstreams } from '../support/harness';
import { deleteKeys, redisCorner, sharedRedisUrl, uniquePrefix, type RedisCorner } from '../support/redis-server';
import { expectOneSentifydLogin } from './burst';

interface SentifydBody {
  tokens: { accessToken: string; refreshToken: string; expiresIn: number };
}
interface Problem {
  status: number;
  error: string;
}

/**
 * Three instances of the example app in one process, as behind a load
 * balancer: one Redis, one prefix, one storeKey, one (fake) clock, each with
 * its own RedisTokenStore and client.
 */
const storeKey = randomBytes(32);

async function bootTrio(corner: RedisCorner, env: Record<string, string>, clock: FakeClock): Promise<RunningApp[]> {
  const apps: RunningApp[] = [];
  for (let i = 0; i < 3; i++) {
    apps.push(await bootApp(env, { store: corner.store(), storeKey, clock }));
  }
  return apps;
}

function sentifyd(app: RunningApp, auth: string, query = ''): Promise<Response> {
  return fetch(`${app.url}/request_tokens${query}`, { headers: { authorization: auth } });
}

function refresh(app: RunningApp, auth: string, handle: string): Promise<Response> {
  return fetch(`${app.url}/request_tokens`, {
    method: 'POST',
    headers: { authorization: auth, 'content-type': 'application/json' },
    body: JSON.stringify({ refreshToken: handle }),
  });
}

describe('three instances sharing one Redis', () => {
  const corner = redisCorner('test:multi');
  const clock = new FakeClock(Date.now());
  let upstreams: Upstreams;
  let apps: RunningApp[] = [];
  let A: RunningApp, B: RunningApp, C: RunningApp;

  beforeAll(async () => {
    upstreams = await startUpstreams();
    upstreams.miso.delayMs = 150;
    upstreams.sentifyd.delayMs = 150;
    apps = await bootTrio(corner, upstreams.env, clock);
    [A, B, C] = apps;
  });

  afterAll(async () => {
    for (const app of apps) await app.close();
    await upstreams?.close();
    await corner.clear();
  });

  const auth = (user: string) => bearer(upstreams.secrets.jwtSecret, user);
  // Nest keeps one logger per process (the last app booted gets every line), so read all three.
  // Parsed here: CaptureLogger.requestLines() chokes on the context Nest appends after the JSON.
  const requestLines = () =>
    apps
      .flatMap((app) => app.logger.lines)
      .filter((line) => line.includes('"event":"token_request"'))
      .map((line) => JSON.parse(line.slice(line.indexOf('{'), line.lastIndexOf('}') + 1)) as { cache?: string });

  it('300 concurrent cold /api/client-token requests over three instances make one upstream call', async () => {
    const linesBefore = requestLines().length;
    const responses = await Promise.all(Array.from({ length: 300 }, (_, i) => fetch(`${apps[i % 3].url}/api/client-token`)));
    const bodies = (await Promise.all(responses.map((r) => r.json()))) as Array<{ token: string }>;
    console.log(`[figures] three instances, 300 concurrent cold /api/client-token: ${upstreams.miso.count} upstream call(s)`);
    expect(responses.map((r) => r.status)).toEqual(Array(300).fill(200));
    expect(upstreams.miso.count).toBe(1);
    expect(new Set(bodies.map((b) => b.token)).size).toBe(1);
    // The two instances that did not call found the grant in Redis.
    const sources = requestLines().slice(linesBefore).map((line) => line.cache);
    expect(sources.filter((s) => s === 'upstream')).toHaveLength(1);
    expect(sources).toContain('store');
  });

  it('300 concurrent cold /request_tokens (one avatar, several users) over three instances make one login', async () => {
    const users = ['u1', 'u2', 'u3', 'u4', 'u5'].map(auth);
    await expectOneSentifydLogin('three instances (one avatar, 5 users)', upstreams, 300, (i) => sentifyd(apps[i % 3], users[i % 5], '?avatar_id=avtr_multi'));
  });

  it('a handle minted on A refreshes on B; C sees the rotation: grace, then reuse rejected', async () => {
    const alice = auth('alice');
    const minted = await sentifyd(A, alice, '?avatar_id=avtr_rot');
    expect(minted.status).toBe(200);
    const first = ((await minted.json()) as SentifydBody).tokens.refreshToken;

    const onB = await refresh(B, alice, first);
    expect(onB.status).toBe(200);
    const second = ((await onB.json()) as SentifydBody).tokens.refreshToken;
    expect(second).not.toBe(first);

    // A second tab using the spent handle within the grace period, on another instance.
    const graceOnC = await refresh(C, alice, first);
    expect(graceOnC.status).toBe(200);
    // ...answers with the same successor, never a second one.
    expect(((await graceOnC.json()) as SentifydBody).tokens.refreshToken).toBe(second);

    clock.advance(11_000); // past the default 10 s grace
    const reuseOnC = await refresh(C, alice, first);
    expect(reuseOnC.status).toBe(401);
    expect(reuseOnC.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(((await reuseOnC.json()) as Problem).error).toBe('invalid_refresh_token');
    const reuseOnA = await refresh(A, alice, first);
    expect(reuseOnA.status).toBe(401);

    // The late reuse revoked the whole chain: the successor minted on B is refused on C too.
    expect((await refresh(C, alice, second)).status).toBe(401);
  });

  it('a handle presented by another user on another instance is 401 and revoked everywhere', async () => {
    const alice = auth('alice');
    const handles: string[] = [];
    for (const app of [A, A]) handles.push(((await (await sentifyd(app, alice, '?avatar_id=avtr_x')).json()) as SentifydBody).tokens.refreshToken);
    const [stolen, kept] = handles;
    // The store holds the chain's sealed record, under a keyed digest.
    const stolenKey = `${corner.prefix}${storeKeys(storeKey).chainOf(stolen)}`;
    expect(await corner.raw.exists(stolenKey)).toBe(1);

    const byBob = await refresh(B, auth('bob'), stolen);
    expect(byBob.status).toBe(401);
    expect(((await byBob.json()) as Problem).error).toBe('invalid_refresh_token');
    expect(await corner.raw.exists(stolenKey)).toBe(0);

    // Revoked: even its owner can no longer use it, on any instance; her other handle still works there.
    expect((await refresh(C, alice, stolen)).status).toBe(401);
    expect((await refresh(C, alice, kept)).status).toBe(200);
  });

  it('the handle decides the avatar across instances, not the request', async () => {
    const minted = await sentifyd(A, auth('frank'), '?avatar_id=avtr_frank');
    const handle = ((await minted.json()) as SentifydBody).tokens.refreshToken;
    const refreshed = await fetch(`${B.url}/request_tokens?avatar_id=avtr_other`, {
      method: 'POST',
      headers: { authorization: auth('frank'), 'content-type': 'application/json' },
      body: JSON.stringify({ refreshToken: handle }),
    });
    expect(refreshed.status).toBe(200);
    expect(((await refreshed.json()) as { avatarParameters: { avatarId: string } }).avatarParameters.avatarId).toBe('avtr_frank');
  });

  it('refresh means fresher, with a moved clock: requests inside the refresh-ahead window on all instances wait for one upstream call and all get the new token', async () => {
    const url = (app: RunningApp) => `${app.url}/api/client-token`;
    const old = ((await (await fetch(url(A))).json()) as { token: string }).token;
    const before = upstreams.miso.count;
    // Miso states 1800 s; the margin is 30..36 s and the refresh-ahead window is the last 20 % of the rest (about 353 s).
    clock.advance(1_500_000);
    const responses = await Promise.all(Array.from({ length: 30 }, (_, i) => fetch(url(apps[i % 3]))));
    const bodies = (await Promise.all(responses.map((r) => r.json()))) as Array<{ token: string; expiresIn: number }>;
    expect(responses.map((r) => r.status)).toEqual(Array(30).fill(200));
    // Never the old grant, 264..270 s from its end: the three instances' refreshes merged into one call.
    expect(new Set(bodies.map((b) => b.token)).size).toBe(1);
    expect(bodies[0].token).not.toBe(old);
    expect(Math.min(...bodies.map((b) => b.expiresIn))).toBeGreaterThan(1_700);
    expect(upstreams.miso.count - before).toBe(1);
  });

  it('expiry with a moved clock: 300 concurrent requests over three instances make one new upstream call', async () => {
    const before = upstreams.miso.count;
    clock.advance(2 * 3_600_000); // well past every grant's expiry
    const responses = await Promise.all(Array.from({ length: 300 }, (_, i) => fetch(`${apps[i % 3].url}/api/client-token`)));
    const bodies = (await Promise.all(responses.map((r) => r.json()))) as Array<{ token: string; expiresIn: number }>;
    expect(responses.map((r) => r.status)).toEqual(Array(300).fill(200));
    expect(upstreams.miso.count - before).toBe(1);
    expect(new Set(bodies.map((b) => b.token)).size).toBe(1);
    // A fresh grant: its real remainder, not what was left of the old one.
    expect(Math.min(...bodies.map((b) => b.expiresIn))).toBeGreaterThan(1_700);
  });
});

describe('rate limits across three instances sharing one Redis', () => {
  const corner = redisCorner('test:multi-rate');
  let upstreams: Upstreams;
  let apps: RunningApp[] = [];

  beforeAll(async () => {
    upstreams = await startUpstreams();
    apps = await bootTrio(corner, { ...upstreams.env, TOKEN_RATE_LIMIT: '5' }, new FakeClock(Date.now()));
  });

  afterAll(async () => {
    for (const app of apps) await app.close();
    await upstreams?.close();
    await corner.clear();
  });

  it('the 6th request of one user, spread over the instances, is 429', async () => {
    const carol = bearer(upstreams.secrets.jwtSecret, 'carol');
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) statuses.push((await sentifyd(apps[i % 3], carol)).status);
    expect(statuses).toEqual([200, 200, 200, 200, 200, 429]);
    // Another user has a budget of their own.
    expect((await sentifyd(apps[2], bearer(upstreams.secrets.jwtSecret, 'dan'))).status).toBe(200);
  });

  it('the 429 is problem+json with Retry-After, on whichever instance it lands', async () => {
    const erin = bearer(upstreams.secrets.jwtSecret, 'erin');
    for (let i = 0; i < 5; i++) expect((await sentifyd(apps[i % 3], erin)).status).toBe(200);
    for (const app of apps) {
      const limited = await sentifyd(app, erin);
      expect(limited.status).toBe(429);
      expect(Number(limited.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
      expect(limited.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      expect(((await limited.json()) as Problem).error).toBe('rate_limited');
    }
  });

  it('anonymous callers are limited by IP across instances', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) statuses.push((await fetch(`${apps[(i + 1) % 3].url}/api/client-token`)).status);
    expect(statuses).toEqual([200, 200, 200, 200, 200, 429]);
  });

  it('the tighter refresh budget holds across instances too', async () => {
    const gina = bearer(upstreams.secrets.jwtSecret, 'gina');
    const minted = await sentifyd(apps[0], gina);
    const handle = ((await minted.json()) as SentifydBody).tokens.refreshToken;
    // TOKEN_RATE_LIMIT=5 gives one refresh a minute.
    const first = await refresh(apps[1], gina, handle);
    expect(first.status).toBe(200);
    const next = ((await first.json()) as SentifydBody).tokens.refreshToken;
    expect((await refresh(apps[2], gina, next)).status).toBe(429);
  });
});

describe('locks, upstream refresh tokens and failures across three instances', () => {
  const corner = redisCorner('test:multi-lock');
  const clock = new FakeClock(Date.now());
  let upstreams: Upstreams;
  let apps: RunningApp[] = [];

  beforeAll(async () => {
    upstreams = await startUpstreams();
    const env = { ...upstreams.env, TOKEN_UPSTREAM_TIMEOUT_MS: '10000', SENTIFYD_REFRESH_PATH: '/api/refresh' };
    apps = await bootTrio(corner, env, clock);
  });

  afterAll(async () => {
    for (const app of apps) await app.close();
    await upstreams?.close();
    await corner.clear();
  });

  const auth = (user: string) => bearer(upstreams.secrets.jwtSecret, user);

  it('a lock left by a crashed instance expires, and the waiters go on with one upstream call', async () => {
    // As if an instance took the lock for Miso's grant and died: nobody renews or releases it.
    await corner.raw.set(`${corner.prefix}${storeKeys(storeKey).name('lock', 'miso')}`, 'owner-that-crashed', 'PX', 2_000);
    const started = Date.now();
    const responses = await Promise.all(Array.from({ length: 30 }, (_, i) => fetch(`${apps[i % 3].url}/api/client-token`)));
    const waited = Date.now() - started;
    expect(responses.map((r) => r.status)).toEqual(Array(30).fill(200));
    expect(upstreams.miso.count).toBe(1);
    // They did wait for the lock rather than ignore it.
    expect(waited).toBeGreaterThanOrEqual(1_500);
  });

  it('an upstream call slower than the lock TTL (5 s) still makes one call: the holder renews its lock', async () => {
    upstreams.sentifyd.delayMs = 6_500;
    try {
      const before = upstreams.sentifyd.count;
      const responses = await Promise.all(Array.from({ length: 30 }, (_, i) => sentifyd(apps[i % 3], auth(`slow${i % 3}`), '?avatar_id=avtr_slow')));
      expect(responses.map((r) => r.status)).toEqual(Array(30).fill(200));
      expect(upstreams.sentifyd.count - before).toBe(1);
    } finally {
      upstreams.sentifyd.delayMs = 0;
    }
  }, 30_000);

  it('single-use upstream refresh tokens: 300 concurrent requests after expiry over three instances redeem it once', async () => {
    const first = await sentifyd(apps[0], auth('rt'), '?avatar_id=avtr_rt');
    expect(first.status).toBe(200);
    const before = upstreams.sentifyd.calls.length;
    upstreams.sentifyd.delayMs = 150;
    try {
      clock.advance(2 * 3_600_000); // past the grant's expiry: it must be renewed with its refresh token
      const responses = await Promise.all(Array.from({ length: 300 }, (_, i) => sentifyd(apps[i % 3], auth(`rt${i % 4}`), '?avatar_id=avtr_rt')));
      expect(responses.map((r) => r.status)).toEqual(Array(300).fill(200));
    } finally {
      upstreams.sentifyd.delayMs = 0;
    }
    // One call, a refresh (no invalid_grant from a second redemption, no fallback login).
    expect(upstreams.sentifyd.calls.slice(before).map((call) => call.path)).toEqual(['/api/refresh']);
  });

  it('an upstream failure is shared across instances for a moment: 300 concurrent requests, one upstream call, all 502', async () => {
    upstreams.sentifyd.mode = 'reject';
    upstreams.sentifyd.delayMs = 150;
    try {
      const before = upstreams.sentifyd.count;
      const responses = await Promise.all(Array.from({ length: 300 }, (_, i) => sentifyd(apps[i % 3], auth(`f${i % 4}`), '?avatar_id=avtr_down')));
      const bodies = (await Promise.all(responses.map((r) => r.text()))).join('\n');
      expect(responses.map((r) => r.status)).toEqual(Array(300).fill(502));
      expect(upstreams.sentifyd.count - before).toBe(1);
      expect(bodies).not.toContain(upstreams.sentifyd.errorBody);
    } finally {
      upstreams.sentifyd.mode = 'ok';
      upstreams.sentifyd.delayMs = 0;
    }
  });
});

describe('library use: a shared store without storeKey', () => {
  // A random key per instance would make each one unable to read the others' grants: every instance
  // would call the upstream for itself, silently. The module refuses to start instead.
  it('refuses to start, naming storeKey', async () => {
    const upstreams = await startUpstreams();
    const store = RedisTokenStore.fromUrl(sharedRedisUrl(), { prefix: uniquePrefix('test:multi-nokey') });
    try {
      await expect(bootApp(upstreams.env, { store, storeKey: undefined })).rejects.toThrow(/storeKey is required/);
      expect(upstreams.miso.count).toBe(0);
    } finally {
      await store.close();
      await upstreams.close();
    }
  });
});
