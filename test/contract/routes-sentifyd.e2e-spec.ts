import { bearer, bootApp, startUpstreams, type RunningApp, type Upstreams, recordMethods, unsignedBearer, closeAll } from '../support/harness';
import { FakeClock } from 'nestjs-token-broker/testing';
import { eachPlatform } from '../support/platforms';
import { expectNoStore, expectProblem } from '../support/expect-reply';
import { METHODS, send, type Method, type Reply } from '../support/http';

const ROUTE = '/request_tokens';

eachPlatform(() => {
  describe.each(METHODS)('%s /request_tokens', (method: Method) => {
    let upstreams: Upstreams;
    let running: RunningApp;
    let clock: FakeClock;

    async function boot(env: Record<string, string> = {}): Promise<void> {
      clock = new FakeClock();
      upstreams = await startUpstreams();
      running = await bootApp({ ...upstreams.env, ...env }, { clock });
    }
    const as = (user: string) => ({ authorization: bearer(upstreams.secrets.jwtSecret, user) });
    const ask = (user: string, params: Record<string, string> = {}) => send(running.url, ROUTE, method, { headers: as(user), params });
    const refresh = (user: string, handle: string) => ask(user, { refreshToken: handle });
    const logins = () => upstreams.sentifyd.calls.filter((call) => call.path === '/api/login').length;

    function expectTokens(reply: Reply): void {
      expect(reply.status).toBe(200);
      expectNoStore(reply);
      expect(reply.body).toEqual({
        tokens: { accessToken: expect.any(String), refreshToken: expect.any(String), expiresIn: expect.any(Number) },
        avatarParameters: expect.any(Object),
      });
      const { refreshToken, expiresIn } = reply.body.tokens;
      expect(upstreams.sentifyd.issuedRefreshTokens.has(refreshToken)).toBe(false);
      expect(Number.isInteger(expiresIn) && expiresIn >= 1 && expiresIn < 3600).toBe(true);
    }

    afterEach(() => closeAll([running, upstreams]));

    describe('signed-in only', () => {
      beforeEach(() => boot());

      it.each([
        ['no bearer', () => ({})],
        ['a bearer with a bad signature', () => ({ authorization: bearer('another-secret-that-is-long-enough-000', 'alice') })],
        ['an expired bearer', () => ({ authorization: bearer(upstreams.secrets.jwtSecret, 'alice', { expiresInSeconds: -60 }) })],
        ['an unsigned alg:none bearer', () => ({ authorization: unsignedBearer('alice') })],
        ['a bearer that is not a JWT', () => ({ authorization: 'Bearer not-a-jwt' })],
      ])('refuses %s with 401 and no upstream call', async (_name, headers) => {
        expectProblem(await send(running.url, ROUTE, method, { headers: headers() }), 401);
        expect(upstreams.sentifyd.count).toBe(0);
      });
    });

    describe('tokens', () => {
      beforeEach(() => boot());

      it('answers the contract shape after POST /api/login with the API key', async () => {
        const methods = recordMethods(upstreams.sentifyd);
        const reply = await ask('alice');
        expectTokens(reply);
        expect(reply.body.tokens.accessToken).toMatch(/^sentifyd-at-/);
        expect(reply.body.avatarParameters).toEqual({ avatarId: 'default', theme: 'light', voice: 'alloy', language: 'en' });
        expect(upstreams.sentifyd.calls.map((call) => call.path)).toEqual(['/api/login']);
        expect(methods).toEqual(['POST']);
        expect(upstreams.sentifyd.calls[0].headers['content-type']).toMatch(/^application\/json/);
        expect(JSON.parse(upstreams.sentifyd.calls[0].body)).toEqual({ avatar_api_key: upstreams.secrets.avatarApiKey });
      });

      it('sends avatar_id only when asked, checked against SENTIFYD_AVATAR_IDS', async () => {
        await Promise.all([running.close(), upstreams.close()]);
        await boot({ SENTIFYD_AVATAR_IDS: 'avtr_1,avtr_2' });
        const reply = await ask('alice', { avatar_id: 'avtr_2' });
        expectTokens(reply);
        expect(reply.body.avatarParameters.avatarId).toBe('avtr_2');
        expect(JSON.parse(upstreams.sentifyd.calls[0].body)).toEqual({ avatar_api_key: upstreams.secrets.avatarApiKey, avatar_id: 'avtr_2' });
        expectProblem(await ask('alice', { avatar_id: 'avtr_3' }), 400);
        expect(upstreams.sentifyd.count).toBe(1);
      });

      it('shares tokens per avatar but mints handles per user', async () => {
        const alice = await ask('alice', { avatar_id: 'avtr_1' });
        const bob = await ask('bob', { avatar_id: 'avtr_1' });
        expectTokens(alice);
        expectTokens(bob);
        expect(logins()).toBe(1);
        expect(bob.body.tokens.accessToken).toBe(alice.body.tokens.accessToken);
        expect(bob.body.tokens.refreshToken).not.toBe(alice.body.tokens.refreshToken);
        const other = await ask('bob', { avatar_id: 'avtr_2' });
        expect(other.body.tokens.accessToken).not.toBe(alice.body.tokens.accessToken);
        expect(logins()).toBe(2);
      });

      it('counts expiresIn down with the clock', async () => {
        const first = (await ask('alice')).body.tokens.expiresIn as number;
        clock.advance(100_000);
        expect((await ask('alice')).body.tokens.expiresIn).toBe(first - 100);
      });
    });

    describe('refresh', () => {
      beforeEach(() => boot());

      it('rotates the handle; the old one answers the same successor for the grace period, then is 401 and revokes the chain', async () => {
        const first = await ask('alice', { avatar_id: 'avtr_2' });
        const old = first.body.tokens.refreshToken as string;
        const renewed = await refresh('alice', old);
        expectTokens(renewed);
        expect(renewed.body.tokens.refreshToken).not.toBe(old);
        // The handle keeps its avatar.
        expect(renewed.body.avatarParameters.avatarId).toBe('avtr_2');
        clock.advance(9_000);
        const again = await refresh('alice', old);
        expectTokens(again);
        expect(again.body.tokens.refreshToken).toBe(renewed.body.tokens.refreshToken);
        clock.advance(2_000);
        expectProblem(await refresh('alice', old), 401);
        expectProblem(await refresh('alice', renewed.body.tokens.refreshToken), 401);
      });

      it('refuses a handle presented by another user, and it is then dead for its owner too', async () => {
        const handle = (await ask('alice')).body.tokens.refreshToken as string;
        expectProblem(await refresh('bob', handle), 401);
        expectProblem(await refresh('alice', handle), 401);
        expectTokens(await ask('alice'));
      });

      it('refuses an unknown handle with 401', async () => {
        await ask('alice');
        expectProblem(await refresh('alice', 'A'.repeat(43)), 401);
      });

      it('refuses a handle past its lifetime (default 24 h) with 401', async () => {
        const handle = (await ask('alice')).body.tokens.refreshToken as string;
        clock.advance(24 * 3_600_000 + 1_000);
        expectProblem(await refresh('alice', handle), 401);
      });

      it('refuses a handle without a signed-in user with 401', async () => {
        const handle = (await ask('alice')).body.tokens.refreshToken as string;
        expectProblem(await send(running.url, ROUTE, method, { params: { refreshToken: handle } }), 401);
      });

      it('logs in again to refresh an expired grant when Sentifyd has no refresh endpoint', async () => {
        const first = await ask('alice');
        clock.advance(3_600_000);
        const renewed = await refresh('alice', first.body.tokens.refreshToken);
        expectTokens(renewed);
        expect(renewed.body.tokens.accessToken).not.toBe(first.body.tokens.accessToken);
        expect(upstreams.sentifyd.calls.map((call) => call.path)).toEqual(['/api/login', '/api/login']);
      });
    });

    it('calls SENTIFYD_REFRESH_PATH with the upstream refresh token once the grant expired', async () => {
      await boot({ SENTIFYD_REFRESH_PATH: '/api/refresh' });
      const first = await ask('alice');
      const [upstreamRefresh] = [...upstreams.sentifyd.issuedRefreshTokens];
      clock.advance(3_600_000);
      const renewed = await refresh('alice', first.body.tokens.refreshToken);
      expectTokens(renewed);
      expect(renewed.body.tokens.accessToken).not.toBe(first.body.tokens.accessToken);
      expect(upstreams.sentifyd.calls.map((call) => call.path)).toEqual(['/api/login', '/api/refresh']);
      expect(JSON.parse(upstreams.sentifyd.calls[1].body)).toEqual({ refresh_token: upstreamRefresh });
    });
  });
});
