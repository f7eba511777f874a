import { bearer, bootApp, startUpstreams, type RunningApp, type Upstreams } from '../support/harness';
import { eachPlatform } from '../support/platforms';
import { expectProblem } from '../support/expect-reply';
import { METHODS, send, type Method } from '../support/http';

const MISO = '/api/client-token';
const SENTIFYD = '/request_tokens';
const MISO_VARS = ['MISO_CLIENTID', 'MISO_CLIENTSECRET', 'MISO_CONTROLLER_URL'];
const SENTIFYD_VARS = ['AVATAR_API_KEY', 'SENTIFYD_BACKEND'];

let upstreams: Upstreams;
let running: RunningApp;

async function boot(without: string[] = [], extra: Record<string, string> = {}): Promise<void> {
  upstreams = await startUpstreams();
  const env: Record<string, string | undefined> = { ...upstreams.env, ...extra };
  for (const name of without) delete env[name];
  running = await bootApp(env);
}

async function shutdown(): Promise<void> {
  await running?.close();
  await upstreams?.close();
}

eachPlatform(() => {
  describe.each(METHODS)('%s: route of a provider that is not configured', (method: Method) => {
    afterEach(shutdown);

    it('answers 404 on /api/client-token without the Miso variables', async () => {
      await boot(MISO_VARS);
      expectProblem(await send(running.url, MISO, method), 404);
      expectProblem(await send(running.url, MISO, method, { headers: { origin: 'https://app.example' } }), 404);
      expect(upstreams.miso.count).toBe(0);
      // The other route is unaffected.
      const sentifyd = await send(running.url, SENTIFYD, method, { headers: { authorization: bearer(upstreams.secrets.jwtSecret, 'alice') } });
      expect(sentifyd.status).toBe(200);
    });

    it('answers 404 on /request_tokens without the Sentifyd variables, with or without a bearer', async () => {
      await boot(SENTIFYD_VARS);
      const signedIn = { authorization: bearer(upstreams.secrets.jwtSecret, 'alice') };
      expectProblem(await send(running.url, SENTIFYD, method), 404);
      expectProblem(await send(running.url, SENTIFYD, method, { headers: signedIn }), 404);
      expectProblem(await send(running.url, SENTIFYD, method, { headers: signedIn, params: { refreshToken: 'A'.repeat(43) } }), 404);
      expect(upstreams.sentifyd.count).toBe(0);
      expect((await send(running.url, MISO, method)).status).toBe(200);
    });
  });

  describe('malformed input is 400', () => {
    let signedIn: Record<string, string>;

    beforeAll(async () => {
      await boot([], { SENTIFYD_AVATAR_IDS: 'avtr_1' });
      signedIn = { authorization: bearer(upstreams.secrets.jwtSecret, 'alice') };
    });
    afterAll(shutdown);

    it.each([SENTIFYD, MISO])('a POST to %s with a body that is not JSON', async (route) => {
      const headers = route === SENTIFYD ? signedIn : {};
      expectProblem(await send(running.url, route, 'POST', { headers, rawBody: '{"refreshToken":' }), 400);
    });

    it.each(METHODS)('%s with a repeated refreshToken', async (method) => {
      const reply = await send(running.url, `${SENTIFYD}?refreshToken=a&refreshToken=b`, method, { headers: signedIn });
      expectProblem(reply, 400);
    });

    it('a POST whose JSON refreshToken is not one string', async () => {
      const rawBody = JSON.stringify({ refreshToken: ['a', 'b'] });
      expectProblem(await send(running.url, SENTIFYD, 'POST', { headers: signedIn, rawBody }), 400);
    });

    it.each(METHODS)('%s with an oversized refreshToken', async (method) => {
      expectProblem(await send(running.url, SENTIFYD, method, { headers: signedIn, params: { refreshToken: 'A'.repeat(5000) } }), 400);
    });

    it('a POST whose JSON refreshToken is far too long (10 KB)', async () => {
      expectProblem(await send(running.url, SENTIFYD, 'POST', { headers: signedIn, params: { refreshToken: 'A'.repeat(10_000) } }), 400);
    });

    it.each(METHODS)('%s with an avatar_id outside SENTIFYD_AVATAR_IDS', async (method) => {
      for (const avatarId of ['avtr_9', '../../admin', 'x'.repeat(300)]) {
        expectProblem(await send(running.url, SENTIFYD, method, { headers: signedIn, params: { avatar_id: avatarId } }), 400);
      }
    });

    it('GET with a repeated avatar_id', async () => {
      expectProblem(await send(running.url, `${SENTIFYD}?avatar_id=avtr_1&avatar_id=avtr_1`, 'GET', { headers: signedIn }), 400);
    });

    it('made no upstream call for any of them', () => {
      expect(upstreams.sentifyd.count).toBe(0);
      expect(upstreams.miso.count).toBe(0);
    });
  });
});
