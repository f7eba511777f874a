import { createTokenClient } from './token-client';
import { TokenClientError } from './token-client-error';
import type { TokenClientOptions } from './types';

type Answer = { status?: number; json?: unknown; throws?: Error };

/** A token route in memory: records every request, answers what `answer` says. */
function fakeRoute(answer: (n: number, body: Record<string, unknown>) => Answer) {
  const calls: Array<{ url: string; init: RequestInit; body: Record<string, unknown> }> = [];
  const fetch = async (url: string, init: RequestInit) => {
    const body = JSON.parse(String(init.body));
    calls.push({ url, init, body });
    const a = answer(calls.length, body);
    if (a.throws) throw a.throws;
    const type = (a.status ?? 200) < 400 ? 'application/json' : 'application/problem+json';
    return new Response(JSON.stringify(a.json), { status: a.status ?? 200, headers: { 'content-type': type } });
  };
  return { fetch, calls };
}

const miso = (n: number): Answer => ({ json: { token: `miso-${n}`, expiresIn: 100, config: { clientId: 'c' } } });
const sentifyd = (n: number): Answer => ({
  json: { tokens: { accessToken: `acc-${n}`, refreshToken: `h${n}`, expiresIn: 100 }, avatarParameters: { voice: 'alloy' } },
});
const problem = (status: number, error: string): Answer => ({
  status,
  json: { type: 'about:blank', title: 'Nope', status, detail: `detail of ${error}`, error },
});

let now: number;
const clock = { now: () => now };
beforeEach(() => (now = 1_000_000));

const client = (route: ReturnType<typeof fakeRoute>, extra: Partial<TokenClientOptions> = {}) =>
  createTokenClient({ url: '/api/client-token', fetch: route.fetch, clock, locks: null, channel: null, ...extra });

const caught = (p: Promise<unknown>) =>
  p.then(
    () => Promise.reject(new Error('expected a rejection')),
    (e: TokenClientError) => e,
  );

describe('createTokenClient', () => {
  it('POSTs JSON with credentials, merged with fetchInit and body, and answers the token', async () => {
    const route = fakeRoute(miso);
    const init = { headers: { 'x-app': 'demo' }, credentials: 'same-origin' as const };
    const result = await client(route, { fetchInit: init, body: { avatar_id: 'a1' } }).getToken();
    expect(result).toEqual({ token: 'miso-1', expiresIn: 100, expiresAt: now + 100_000, refreshAt: now + 81_000, body: miso(1).json });
    const { url, init: sent, body } = route.calls[0];
    expect([url, sent.method, sent.credentials, body]).toEqual(['/api/client-token', 'POST', 'same-origin', { avatar_id: 'a1' }]);
    const headers = sent.headers as Headers;
    expect([headers.get('content-type'), headers.get('x-app')]).toEqual(['application/json', 'demo']);
  });

  it('sends credentials by default', async () => {
    const route = fakeRoute(miso);
    await client(route).getToken();
    expect(route.calls[0].init.credentials).toBe('include');
  });

  it("times other providers' tokens on the browser clock, keeping their body whole", async () => {
    const body = { token: 't', expiresIn: 60, expiresAt: '2030-01-01T00:00:00.000Z', scope: 'read' };
    const result = await client(fakeRoute(() => ({ json: body }))).getToken();
    expect(result).toEqual({ token: 't', expiresIn: 60, expiresAt: now + 60_000, refreshAt: now + 49_000, body });
  });

  it("keeps the token until the route's refresh-ahead window (a fifth, the stated whole seconds plus the second they may hide) and fetches then", async () => {
    const route = fakeRoute(miso);
    const c = client(route);
    await c.getToken();
    now += 80_999;
    expect((await c.getToken()).token).toBe('miso-1');
    expect(route.calls).toHaveLength(1);
    now += 1;
    expect((await c.getToken()).token).toBe('miso-2');
    expect(route.calls).toHaveLength(2);
  });

  it.each([
    // [expiresIn, refresh after]: a fifth of the life; at least 10 s; at most half; never past the stated expiry.
    [100, 81_000],
    [1764, 1_412_200],
    [26, 17_000],
    [12, 7_000],
    [8, 5_000],
    [1, 1_000],
  ])('with expiresIn %i refreshes after %i ms, as the route does', async (expiresIn, after) => {
    const route = fakeRoute((n) => ({ json: { token: `t-${n}`, expiresIn } }));
    const c = client(route);
    expect((await c.getToken()).refreshAt).toBe(now + after);
  });

  it('honours refreshAhead and minRefreshAheadMs', async () => {
    const route = fakeRoute(miso);
    const c = client(route, { refreshAhead: 0.5 });
    await c.getToken();
    now += 51_000;
    await c.getToken();
    expect(route.calls).toHaveLength(2);
    const floor = client(fakeRoute(miso), { minRefreshAheadMs: 30_000 });
    expect((await floor.getToken()).refreshAt).toBe(now + 71_000);
  });

  it('shares one request among concurrent calls', async () => {
    const route = fakeRoute(miso);
    const c = client(route);
    const results = await Promise.all(Array.from({ length: 10 }, () => c.getToken()));
    expect(route.calls).toHaveLength(1);
    expect(new Set(results.map((r) => r.token))).toEqual(new Set(['miso-1']));
  });

  it('refreshes with the held handle, keeps the rotated one and never shows it in body', async () => {
    const route = fakeRoute(sentifyd);
    const c = client(route);
    const first = await c.getToken();
    expect(first.token).toBe('acc-1');
    expect(first.body).toEqual({ tokens: { accessToken: 'acc-1', expiresIn: 100 }, avatarParameters: { voice: 'alloy' } });
    expect(JSON.stringify(first)).not.toContain('h1');
    now += 81_000;
    expect((await c.getToken()).token).toBe('acc-2');
    now += 81_000;
    await c.getToken();
    expect(route.calls.map((call) => call.body)).toEqual([{}, { refreshToken: 'h1' }, { refreshToken: 'h2' }]);
  });

  it('answers a 401 on refresh with exactly one fresh issue, then refreshes with its handle', async () => {
    const route = fakeRoute((n) => (n === 2 ? problem(401, 'invalid_refresh_token') : sentifyd(n)));
    const c = client(route);
    await c.getToken();
    now += 81_000;
    expect((await c.getToken()).token).toBe('acc-3');
    now += 81_000;
    await c.getToken();
    expect(route.calls.map((call) => call.body)).toEqual([{}, { refreshToken: 'h1' }, {}, { refreshToken: 'h3' }]);
  });

  it('surfaces a 401 on the fresh issue as unauthorized, and drops the dead handle', async () => {
    const route = fakeRoute((n) => (n === 1 ? sentifyd(n) : problem(401, n === 2 ? 'invalid_refresh_token' : 'unauthorized')));
    const c = client(route);
    await c.getToken();
    now += 81_000;
    const e = await caught(c.getToken());
    expect(e).toBeInstanceOf(TokenClientError);
    expect([e.name, e.status, e.code]).toEqual(['TokenClientError', 401, 'unauthorized']);
    expect(route.calls.map((call) => call.body)).toEqual([{}, { refreshToken: 'h1' }, {}]);
    await caught(c.getToken());
    expect(route.calls.map((call) => call.body).slice(3)).toEqual([{}]);
  });

  it('does not retry a 401 on a first issue', async () => {
    const route = fakeRoute(() => problem(401, 'unauthorized'));
    expect((await caught(client(route).getToken())).code).toBe('unauthorized');
    expect(route.calls).toHaveLength(1);
  });

  it.each([
    ['problem+json', problem(429, 'rate_limited'), 429, 'rate_limited', 'detail of rate_limited'],
    ['an error without problem', { status: 502, json: '<html>' }, 502, 'http_error', 'HTTP 502'],
    ['a network failure', { throws: new TypeError('Failed to fetch') }, 0, 'network_error', 'Token request failed: Failed to fetch'],
    ['a success without token', { json: { config: {} } }, 200, 'invalid_response', 'The token route answered without a token'],
    ['a token without lifetime', { json: { token: 't' } }, 200, 'invalid_response', 'The token route answered without a token'],
  ])('surfaces %s as a TokenClientError', async (_, answer, status, code, message) => {
    const e = await caught(client(fakeRoute(() => answer as Answer)).getToken());
    expect(e).toBeInstanceOf(Error);
    expect([e.status, e.code, e.message]).toEqual([status, code, message]);
  });

  it('tries again on the next call after an error', async () => {
    const route = fakeRoute((n) => (n === 1 ? problem(503, 'upstream_unavailable') : miso(n)));
    const c = client(route);
    await caught(c.getToken());
    expect((await c.getToken()).token).toBe('miso-2');
  });

  it('tells listeners of every new token until they unsubscribe or the client closes', async () => {
    const c = client(fakeRoute(miso));
    const seen: string[] = [];
    const kept: string[] = [];
    const off = c.onToken((r) => seen.push(r.token));
    c.onToken((r) => kept.push(r.token));
    await c.getToken();
    await c.getToken();
    off();
    now += 81_000;
    await c.getToken();
    c.close();
    now += 81_000;
    await c.getToken();
    expect([seen, kept]).toEqual([['miso-1'], ['miso-1', 'miso-2']]);
  });
});
