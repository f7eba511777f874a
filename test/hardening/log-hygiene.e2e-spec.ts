import type { SimulatorMode } from 'nestjs-token-broker/testing';
import { expectNoSecrets } from '../support/harness';
import { eachPlatform } from '../support/platforms';
import { MISO, SENTIFYD, useRig } from '../support/rig';
import { type Reply } from '../support/http';

type Line = Record<string, unknown>;
const HOURS_2 = 2 * 60 * 60_000;
const CACHE = ['upstream', 'hit', 'merged', 'store'];

/**
 * One structured `token_request` line per token request, with the fields an
 * operator needs; and after a run of successes, refreshes, refusals and
 * upstream faults, no response and no log line holds anything secret.
 */
eachPlatform(() => {
  describe('log hygiene', () => {
    const bearers: string[] = [];
    const auth = (user: string) => {
      const headers = rig.auth(user);
      bearers.push(headers.authorization.slice('Bearer '.length));
      return headers;
    };

    const rig = useRig('all', { SENTIFYD_REFRESH_PATH: '/api/refresh', TOKEN_UPSTREAM_TIMEOUT_MS: '300' },
        { rateLimit: { perMinute: 100, refreshPerMinute: 2 }, circuitThreshold: 100 },);
    const lines = () => rig.running.logger.requestLines();

    /** Sends one request and returns its reply and its one log line. */
    const logged = async (send: () => Promise<Reply>): Promise<{ reply: Reply; line: Line }> => {
      const before = lines().length;
      const reply = await send();
      for (let n = 0; n < 50 && lines().length === before; n++) await new Promise((resolve) => setTimeout(resolve, 5));
      await new Promise((resolve) => setTimeout(resolve, 20));
      const added = lines().slice(before);
      expect(added).toHaveLength(1);
      expect(added[0]).toMatchObject({ event: 'token_request', status: reply.status, ms: expect.any(Number) });
      return { reply, line: added[0] };
    };
    const expectMiss = (line: Line, provider: string, outcome = 'issued') => {
      expect(line).toMatchObject({ provider, status: 200, outcome, cache: 'upstream', upstreamMs: expect.any(Number) });
    };

    it('logs issues, hits, merges and refreshes with route, provider, outcome, cache and upstream latency', async () => {
      const first = await logged(() => rig.client.get(MISO));
      expectMiss(first.line, 'miso');
      expect(first.line).toMatchObject({ route: MISO, method: 'GET' });
      const hit = await logged(() => rig.client.post(MISO));
      expect(hit.line).toMatchObject({ route: MISO, provider: 'miso', method: 'POST', status: 200, outcome: 'issued', cache: 'hit' });
      expect(hit.line.upstreamMs).toBeUndefined();

      const alice = await logged(() => rig.client.get(`${SENTIFYD}?avatar_id=avtr_1`, auth('alice')));
      expectMiss(alice.line, 'sentifyd');
      expect(alice.line.route).toBe(SENTIFYD);

      rig.upstreams.sentifyd.delayMs = 100;
      const before = lines().length;
      const replies = await Promise.all(Array.from({ length: 4 }, () => rig.client.get(`${SENTIFYD}?avatar_id=avtr_2`, auth('bob'))));
      rig.upstreams.sentifyd.delayMs = 0;
      expect(replies.map((reply) => reply.status)).toEqual([200, 200, 200, 200]);
      await new Promise((resolve) => setTimeout(resolve, 50));
      const merged = lines().slice(before);
      expect(merged.map((line) => line.cache).sort()).toEqual(['merged', 'merged', 'merged', 'upstream']);

      rig.clock.advance(HOURS_2); // the grant expired: this refresh spends the upstream refresh token
      const handle = alice.reply.body.tokens.refreshToken as string;
      const refreshed = await logged(() => rig.client.post(SENTIFYD, { refreshToken: handle }, auth('alice')));
      expectMiss(refreshed.line, 'sentifyd', 'refreshed');
      expect(rig.upstreams.sentifyd.calls.at(-1)?.path).toBe('/api/refresh');
      const again = await logged(() => rig.client.get(`${SENTIFYD}?refreshToken=${refreshed.reply.body.tokens.refreshToken}`, auth('alice')));
      expect(again.line).toMatchObject({ status: 200, outcome: 'refreshed', cache: 'hit' });
    });

    it.each([
      ['bad input', () => rig.client.get(`${SENTIFYD}?refreshToken=a&refreshToken=b`, auth('dave')), SENTIFYD, 400, 'invalid_request'],
      ['bad avatar', () => rig.client.get(`${SENTIFYD}?avatar_id=../x`, auth('dave')), SENTIFYD, 400, 'invalid_avatar_id'],
      ['anonymous', () => rig.client.get(SENTIFYD), SENTIFYD, 401, 'unauthorized'],
      ['bad bearer', () => rig.client.get(SENTIFYD, { authorization: 'Bearer not.a.jwt' }), SENTIFYD, 401, 'unauthorized'],
      ['unknown handle', () => rig.client.post(SENTIFYD, { refreshToken: 'x'.repeat(43) }, auth('erin')), SENTIFYD, 401, 'invalid_refresh_token'],
      // alice spent her 2 refreshes of this minute above
      ['refresh budget', () => rig.client.post(SENTIFYD, { refreshToken: 'y'.repeat(43) }, auth('alice')), SENTIFYD, 429, 'rate_limited'],
      ['miso refresh', () => rig.client.get(`${MISO}?refreshToken=abc`), MISO, 400, 'invalid_request'],
      ['bad JSON', () => rig.client.post(MISO, '{"refreshToken":'), MISO, 400, 'invalid_json'],
      ['huge body', () => rig.client.post(SENTIFYD, { pad: 'x'.repeat(64 * 1024) }, auth('dave')), SENTIFYD, 400, 'body_too_large'],
    ] as const)('a refusal (%s) is one line with route, provider, status and error code', async (_name, send, route, status, outcome) => {
      const { reply, line } = await logged(send);
      expect(reply.status).toBe(status);
      expect(line).toMatchObject({ route, provider: route === MISO ? 'miso' : 'sentifyd', status: reply.status, outcome });
    });

    it('a refused body on a path that is no token route logs no token_request line', async () => {
      const before = lines().length;
      const reply = await rig.client.post('/not-a-token-route', '{"oops":');
      expect(reply.status).toBeGreaterThanOrEqual(400);
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(lines().length).toBe(before);
    });

    it("another user's handle is refused and revoked, and the handle is not logged", async () => {
      const issued = await logged(() => rig.client.get(SENTIFYD, auth('carol')));
      const handle = issued.reply.body.tokens.refreshToken as string;
      const stolen = await logged(() => rig.client.post(SENTIFYD, { refreshToken: handle }, auth('mallory')));
      expect(stolen.line).toMatchObject({ status: 401, outcome: 'invalid_refresh_token' });
      expect(rig.running.logger.lines.some((line) => line.includes('handle revoked'))).toBe(true);
    });

    it.each<[SimulatorMode, number]>([
      ['reject', 502],
      ['fail', 502],
      ['garbage', 502],
      ['html', 502],
      ['denied', 502],
      ['reset', 503],
      ['hang', 504],
    ])('an upstream in mode %s is one %d line per provider', async (mode, status) => {
      rig.clock.advance(HOURS_2); // cold caches, no failure memo
      rig.upstreams.miso.mode = mode;
      rig.upstreams.sentifyd.mode = mode;
      const miso = await logged(() => rig.client.get(MISO));
      const sentifyd = await logged(() => rig.client.get(`${SENTIFYD}?avatar_id=avtr_1`, auth('alice')));
      rig.upstreams.miso.mode = 'ok';
      rig.upstreams.sentifyd.mode = 'ok';
      expect(miso.line).toMatchObject({ provider: 'miso', status, outcome: expect.stringMatching(/^upstream_/) });
      expect(sentifyd.line).toMatchObject({ provider: 'sentifyd', status, outcome: expect.stringMatching(/^upstream_/) });
    });

    it('no response and no log line holds a secret, an upstream refresh token, an error body, a bearer or a handle', () => {
      const { miso, sentifyd, secrets } = rig.upstreams;
      const upstreamRefreshTokens = [
        ...sentifyd.issuedRefreshTokens,
        ...sentifyd.calls.filter((call) => call.path === '/api/refresh').map((call) => JSON.parse(call.body).refresh_token as string),
      ];
      expect(upstreamRefreshTokens.length).toBeGreaterThan(3);
      const logs = rig.running.logger.lines;
      const responses = rig.client.transcript;
      expect(lines().length).toBeGreaterThan(25);
      expectNoSecrets([...responses, ...logs], [
        secrets.misoClientSecret,
        secrets.avatarApiKey,
        secrets.jwtSecret,
        miso.errorBody,
        sentifyd.errorBody,
        ...upstreamRefreshTokens,
        ...bearers,
      ]);
      const bodies = responses.map((text) => (text.startsWith('{"tokens"') ? JSON.parse(text) : undefined));
      const handles = bodies.flatMap((body) => (body ? [body.tokens.refreshToken as string] : []));
      const accessTokens = bodies.flatMap((body) => (body ? [body.tokens.accessToken as string] : []));
      expect(handles.length).toBeGreaterThan(5);
      expectNoSecrets(logs, [...handles, ...accessTokens]);
      for (const handle of handles) expect(responses.filter((text) => text.includes(handle))).toHaveLength(1);
    });
  });
});
