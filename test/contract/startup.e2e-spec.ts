import { randomBytes } from 'node:crypto';
import { useBuiltApp, type AppProcess } from './built-app';
import { expectProblem } from '../support/expect-reply';
import { METHODS, send } from '../support/http';

const SECRET = `miso-secret-${randomBytes(8).toString('hex')}`;
const API_KEY = `avatar-key-${randomBytes(8).toString('hex')}`;
const JWT_SECRET = randomBytes(32).toString('hex');
const BAD_URL = `not-a-url-${randomBytes(4).toString('hex')}`;
const LISTENING = /listening on (http:\/\/\S+)/;

describe('the built app (node dist/src/main.js)', () => {
  const start = useBuiltApp();

  describe('refuses to start on a bad environment, in one line that names the variable', () => {
    const cases: Array<[string, Record<string, string>, RegExp]> = [
      ['only MISO_CLIENTID', { MISO_CLIENTID: 'ctrl-app' }, /MISO_CLIENTSECRET|MISO_CONTROLLER_URL/],
      ['Miso without its controller URL', { MISO_CLIENTID: 'ctrl-app', MISO_CLIENTSECRET: SECRET }, /MISO_CONTROLLER_URL/],
      ['Miso without its client id', { MISO_CLIENTSECRET: SECRET, MISO_CONTROLLER_URL: 'http://127.0.0.1:9' }, /MISO_CLIENTID/],
      [
        'a malformed MISO_CONTROLLER_URL',
        { MISO_CLIENTID: 'ctrl-app', MISO_CLIENTSECRET: SECRET, MISO_CONTROLLER_URL: BAD_URL },
        /MISO_CONTROLLER_URL/,
      ],
      [
        'a malformed SENTIFYD_BACKEND',
        { AVATAR_API_KEY: API_KEY, SENTIFYD_BACKEND: BAD_URL, AUTH_JWT_SECRET: JWT_SECRET },
        /SENTIFYD_BACKEND/,
      ],
      ['AVATAR_API_KEY without SENTIFYD_BACKEND', { AVATAR_API_KEY: API_KEY, AUTH_JWT_SECRET: JWT_SECRET }, /SENTIFYD_BACKEND/],
      ['Sentifyd without AUTH_JWT_SECRET', { AVATAR_API_KEY: API_KEY, SENTIFYD_BACKEND: 'http://127.0.0.1:9' }, /AUTH_JWT_SECRET/],
      ['the same in production', { NODE_ENV: 'production', AVATAR_API_KEY: API_KEY, SENTIFYD_BACKEND: 'http://127.0.0.1:9' }, /AUTH_JWT_SECRET/],
      // Never a sandbox, nor a service of 404s, in production.
      ['production with no provider at all', { NODE_ENV: 'production' }, /^Configuration error: SANDBOX\b.*no provider.*MISO_.*AVATAR_API_KEY/],
      // Finding 1: the sandbox only on request, never beside production, a provider, the operator's secrets or Redis.
      ['no provider and no SANDBOX=1', {}, /^Configuration error: SANDBOX\b.*no provider/],
      ['SANDBOX=1 with NODE_ENV=Production', { SANDBOX: '1', NODE_ENV: 'Production' }, /^Configuration error: SANDBOX\b.*NODE_ENV=production/],
      ['SANDBOX=1 with a provider', { SANDBOX: '1', MISO_CLIENTID: 'ctrl-app', MISO_CLIENTSECRET: SECRET, MISO_CONTROLLER_URL: 'http://127.0.0.1:9' }, /^Configuration error: SANDBOX\b.*MISO_CLIENTID/],
      ['SANDBOX=1 with AUTH_JWT_SECRET', { SANDBOX: '1', AUTH_JWT_SECRET: JWT_SECRET }, /^Configuration error: SANDBOX\b.*AUTH_JWT_SECRET/],
      ['SANDBOX=1 with REDIS_URL', { SANDBOX: '1', REDIS_URL: 'redis://127.0.0.1:6379' }, /^Configuration error: SANDBOX\b.*REDIS_URL/],
    ];
    const exited = new Map<string, AppProcess>();

    // Four at a time: each is a short-lived process, and every wait is bounded.
    beforeAll(async () => {
      for (let i = 0; i < cases.length; i += 4) {
        const apps = cases.slice(i, i + 4).map(([name, env]) => [name, start({ PORT: '0', ...env })] as const);
        for (const [name, app] of apps) exited.set(name, app);
        await Promise.all(apps.map(([, app]) => app.exit(25_000)));
      }
    }, 60_000);
    afterAll(async () => {
      await Promise.all([...exited.values()].map((app) => app.stop()));
    });

    it.each(cases)('%s', (name, _env, variable) => {
      const app = exited.get(name)!;
      expect({ exitCode: app.exitCode, stderr: app.stderr }).toEqual({ exitCode: expect.any(Number), stderr: expect.any(String) });
      expect(app.exitCode).not.toBe(0);
      const lines = app.stderr.split('\n').filter((line) => line.trim() !== '');
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(variable);
      expect(app.stdout).not.toMatch(LISTENING);
      for (const value of [SECRET, API_KEY, JWT_SECRET, BAD_URL]) expect(app.stdout + app.stderr).not.toContain(value);
    });
  });

  it('never runs the sandbox in production: with one provider configured, the other route is 404', async () => {
    const app = start({ NODE_ENV: 'production', PORT: '0', MISO_CLIENTID: 'ctrl-app', MISO_CLIENTSECRET: SECRET, MISO_CONTROLLER_URL: 'http://127.0.0.1:9' });
    const url = (await app.waitFor(LISTENING, 30_000))[1].replace('localhost', '127.0.0.1');
    expect(app.stdout + app.stderr).not.toMatch(/sandbox/i);
    for (const method of METHODS) expectProblem(await send(url, '/request_tokens', method), 404);
    // No demo page, no demo sign-in.
    expect((await fetch(`${url}/`)).status).toBe(404);
    expect((await fetch(`${url}/demo/session`, { method: 'POST' })).status).toBe(404);
    expect((await fetch(`${url}/demo/token-client.js`)).status).toBe(404);
  }, 45_000);

  it.each([
    ['true', true],
    ['1', false],
  ])('TRUST_PROXY=%s: a start-up warning naming it and suggesting a hop count: %s', async (value, warned) => {
    const app = start({ PORT: '0', SANDBOX: '1', TRUST_PROXY: value });
    await app.waitFor(LISTENING, 30_000);
    const warning = (app.stdout + app.stderr).split('\n').filter((line) => /TRUST_PROXY/.test(line));
    expect(warning).toHaveLength(warned ? 1 : 0);
    if (warned) expect(warning[0]).toMatch(/WARN.*TRUST_PROXY=true.*hop count.*TRUST_PROXY=1/);
  }, 45_000);

  it('serves no demo page when a real provider is configured', async () => {
    const app = start({ PORT: '0', MISO_CLIENTID: 'ctrl-app', MISO_CLIENTSECRET: SECRET, MISO_CONTROLLER_URL: 'http://127.0.0.1:9' });
    const url = (await app.waitFor(LISTENING, 30_000))[1].replace('localhost', '127.0.0.1');
    expect((await fetch(`${url}/`)).status).toBe(404);
    expect((await fetch(`${url}/demo/session`, { method: 'POST' })).status).toBe(404);
  }, 45_000);

  it('runs the sandbox with SANDBOX=1 alone, says so once, and its curl lines work', async () => {
    const app = start({ PORT: '0', SANDBOX: '1' });
    const url = (await app.waitFor(LISTENING, 30_000))[1].replace('localhost', '127.0.0.1');
    const output = app.stdout + app.stderr;
    expect(output).toMatch(/SANDBOX MODE/);
    expect(output).toMatch(/curl .*\/api\/client-token/);
    expect(output).toMatch(/curl .*-H "Authorization: Bearer \$DEMO_BEARER".*\/request_tokens/);
    // Finding 1: the bearer was printed in six log lines; now once, in the banner.
    const demoBearer = output.match(/export DEMO_BEARER='([\w.-]+)'/)?.[1];
    expect(demoBearer).toEqual(expect.any(String));
    expect(output.split(demoBearer!).length - 1).toBe(1);
    for (const method of METHODS) {
      const miso = await send(url, '/api/client-token', method);
      expect(miso.status).toBe(200);
      expect(miso.body).toEqual(expect.objectContaining({ token: expect.any(String), expiresIn: expect.any(Number) }));
      const sentifyd = await send(url, '/request_tokens', method, { headers: { authorization: `Bearer ${demoBearer}` } });
      expect(sentifyd.status).toBe(200);
      expect(sentifyd.body.tokens).toEqual(expect.objectContaining({ accessToken: expect.any(String), refreshToken: expect.any(String) }));
      // The sandbox does not open the signed-in route to anonymous callers.
      expectProblem(await send(url, '/request_tokens', method), 401);
    }
    // The demo page, its sign-in (the same demo bearer) and the built browser client.
    expect(output).toMatch(/Demo page: http:\/\/localhost:\d+\//);
    const page = await fetch(`${url}/`);
    expect([page.status, page.headers.get('content-type')]).toEqual([200, 'text/html; charset=utf-8']);
    expect(await page.text()).toContain('<script type="module" src="/demo/demo.js"></script>');
    const session = await fetch(`${url}/demo/session`, { method: 'POST' });
    expect(await session.json()).toEqual({ bearer: demoBearer });
    for (const file of ['demo.js', 'index.js', 'token-client.js', 'token-client-error.js', 'types.js']) {
      const script = await fetch(`${url}/demo/${file}`);
      expect([file, script.status, script.headers.get('content-type')]).toEqual([file, 200, 'text/javascript; charset=utf-8']);
    }
    expect(await (await fetch(`${url}/demo/token-client.js`)).text()).toContain('export function createTokenClient');
    expect((await fetch(`${url}/demo/..%2Fpackage.json`)).status).toBe(404);
  }, 45_000);
});
