import { bootApp, startUpstreams, type RunningApp, type Upstreams, recordMethods, closeAll } from '../support/harness';
import { FakeClock, startMisoSimulator } from 'nestjs-token-broker/testing';
import { eachPlatform } from '../support/platforms';
import { describeSharedRoute } from './provider-table';
import { tokenProvider } from './provider-rig';
import { expectNoStore, expectProblem } from '../support/expect-reply';
import { METHODS, send, type Method } from '../support/http';

const ROUTE = '/api/client-token';

/** Boots simulators and the app; `env` adds to (or, with undefined, removes from) the harness env. */
async function setup(options: Parameters<typeof startUpstreams>[0] = {}, env: Record<string, string | undefined> = {}, clock?: FakeClock) {
  const upstreams = await startUpstreams(options);
  const running = await bootApp({ ...upstreams.env, ...env }, clock ? { clock } : {});
  return { upstreams, running };
}

const miso = tokenProvider(
  ROUTE,
  (clientSecret) => startMisoSimulator({ clientId: 'ctrl-test-app', clientSecret }),
  (clientSecret, url) => ({ MISO_CLIENTID: 'ctrl-test-app', MISO_CLIENTSECRET: clientSecret, MISO_CONTROLLER_URL: url }),
  { signedIn: false },
);

eachPlatform(() => {
  describeSharedRoute(miso);

  describe.each(METHODS)('%s /api/client-token', (method: Method) => {
    let upstreams: Upstreams;
    let running: RunningApp;
    let clock: FakeClock;

    afterEach(() => closeAll([running, upstreams]));

    describe('with the default configuration', () => {
      beforeEach(async () => {
        clock = new FakeClock();
        ({ upstreams, running } = await setup({}, {}, clock));
      });

      it('answers the contract shape with no-store headers', async () => {
        const reply = await send(running.url, ROUTE, method);
        expect(reply.status).toBe(200);
        expect(reply.headers['content-type']).toMatch(/^application\/json/);
        expectNoStore(reply);
        expect(reply.body).toEqual({
          token: expect.stringMatching(/^[\w-]+\.[\w-]+\.[\w-]+$/),
          expiresIn: expect.any(Number),
          config: {
            baseUrl: running.url,
            controllerUrl: upstreams.miso.url,
            clientId: upstreams.secrets.misoClientId,
            clientTokenUri: ROUTE,
          },
        });
        expect(reply.body.config).not.toHaveProperty('controllerPublicUrl');
        expect(Number.isInteger(reply.body.expiresIn)).toBe(true);
        // 1800 s stated, minus a safety margin: less than 1800, never more.
        expect(reply.body.expiresIn).toBeGreaterThanOrEqual(1700);
        expect(reply.body.expiresIn).toBeLessThan(1800);
      });

      it('calls POST /api/v1/auth/token with the client id and secret in headers and no body', async () => {
        const methods = recordMethods(upstreams.miso);
        await send(running.url, ROUTE, method);
        expect(upstreams.miso.count).toBe(1);
        const [call] = upstreams.miso.calls;
        expect(call.path).toBe('/api/v1/auth/token');
        expect(methods).toEqual(['POST']);
        expect(call.headers['x-client-id']).toBe(upstreams.secrets.misoClientId);
        expect(call.headers['x-client-secret']).toBe(upstreams.secrets.misoClientSecret);
        expect(call.body).toBe('');
      });

      it('reports the real remainder: expiresIn goes down with the clock, and never hands out a token inside its refresh-ahead window', async () => {
        const first = (await send(running.url, ROUTE, method)).body.expiresIn as number;
        clock.advance(600_000);
        const later = await send(running.url, ROUTE, method);
        expect(later.body.expiresIn).toBe(first - 600);
        // The last second before the window (a fifth of the lifetime): still this token.
        const window = Math.ceil(first / 5);
        clock.advance((first - 600 - window - 1) * 1000);
        const last = await send(running.url, ROUTE, method);
        expect(last.body.token).toBe(later.body.token);
        expect(last.body.expiresIn).toBeGreaterThanOrEqual(window);
        // Inside the window (whole seconds hide up to one): a new token, with a full lifetime again (refresh means fresher).
        clock.advance(3_000);
        const next = await send(running.url, ROUTE, method);
        expect(next.status).toBe(200);
        expect(next.body.token).not.toBe(later.body.token);
        expect(next.body.expiresIn).toBeGreaterThanOrEqual(1700);
        expect(upstreams.miso.count).toBe(2);
      });

    });

    it('caps expiresIn at 1800 when the controller states a longer lifetime', async () => {
      ({ upstreams, running } = await setup({ miso: { expiresIn: 7200 } }, {}, new FakeClock()));
      const reply = await send(running.url, ROUTE, method);
      expect(reply.status).toBe(200);
      expect(reply.body.expiresIn).toBe(1800);
    });

    it('shows the public controller URL only when MISO_WEB_SERVER_URL is set', async () => {
      const publicUrl = 'https://miso.example.com';
      ({ upstreams, running } = await setup({}, { MISO_WEB_SERVER_URL: publicUrl }));
      const reply = await send(running.url, ROUTE, method);
      expect(reply.body.config).toEqual(expect.objectContaining({ controllerUrl: publicUrl, controllerPublicUrl: publicUrl }));
      // The token itself still comes from MISO_CONTROLLER_URL.
      expect(upstreams.miso.count).toBe(1);
    });

    it.each<[string, { flat?: boolean; expiresIn?: null }]>([
      ['the flat reply of older controllers', { flat: true }],
      ['a reply without expiresIn (JWT exp)', { expiresIn: null }],
    ])('accepts %s', async (_name, miso) => {
      // The system clock: the simulator's JWT exp is real time.
      ({ upstreams, running } = await setup({ miso }));
      const reply = await send(running.url, ROUTE, method);
      expect(reply.status).toBe(200);
      expect(reply.body.token).toEqual(expect.any(String));
      // Flat: 1800 s stated; no expiresIn: the JWT lives 900 s.
      const stated = miso.expiresIn === null ? 900 : 1800;
      expect(reply.body.expiresIn).toBeLessThan(stated);
      expect(reply.body.expiresIn).toBeGreaterThanOrEqual(stated * 0.9 - 10);
    });

    describe('with MISO_ALLOWED_ORIGINS', () => {
      beforeEach(async () => {
        ({ upstreams, running } = await setup({}, { MISO_ALLOWED_ORIGINS: 'https://App.Example.com/, http://localhost:*' }));
      });

      it.each([
        ['no Origin or Referer', {}],
        ['a foreign Origin', { origin: 'https://evil.example' }],
        ['a foreign Referer', { referer: 'https://evil.example/page' }],
        ['an allowed host on another scheme', { origin: 'http://app.example.com' }],
        ['a look-alike of localhost', { origin: 'http://localhost.evil.example:5173' }],
        ['a foreign Origin with an allowed Referer', { origin: 'https://evil.example', referer: 'https://app.example.com/' }],
      ])('refuses %s with 403 and no upstream call', async (_name, headers) => {
        expectProblem(await send(running.url, ROUTE, method, { headers }), 403);
        expect(upstreams.miso.count).toBe(0);
      });

      it.each([
        ['an allowed Origin', { origin: 'https://app.example.com' }],
        ['an Origin in another case with a trailing slash', { origin: 'HTTPS://APP.EXAMPLE.COM/' }],
        ['an allowed Referer without Origin', { referer: 'https://app.example.com/some/page?x=1' }],
        ['http://localhost on any port', { origin: 'http://localhost:5173' }],
      ])('serves %s', async (_name, headers) => {
        const reply = await send(running.url, ROUTE, method, { headers });
        expect(reply.status).toBe(200);
        expectNoStore(reply);
        expect(reply.body.token).toEqual(expect.any(String));
      });
    });
  });
});
