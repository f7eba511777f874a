import { setTimeout as sleep } from 'node:timers/promises';
import { useBuiltApp, type AppProcess } from '../contract/built-app';
import { startUpstreams, type Upstreams } from '../support/harness';
import { eachPlatform } from '../support/platforms';

const LISTENING = /listening on (http:\/\/[^\s"]+)/;

/** The built app as an orchestrator runs it: JSON logs, SIGTERM, exit codes. */
describe('the built app under an orchestrator', () => {
  const spawnApp = useBuiltApp();

  const start = async (env: Record<string, string>): Promise<{ app: AppProcess; url: string }> => {
    const app = spawnApp({ PORT: '0', HOST: '127.0.0.1', ...env });
    const url = (await app.waitFor(LISTENING, 30_000))[1].replace('localhost', '127.0.0.1');
    return { app, url };
  };
  const until = async (condition: () => boolean, withinMs: number) => {
    for (const deadline = Date.now() + withinMs; !condition(); await sleep(20)) {
      if (Date.now() > deadline) throw new Error('condition not met in time');
    }
  };

  eachPlatform((platform) => {
    let upstreams: Upstreams;
    beforeAll(async () => {
      upstreams = await startUpstreams();
    });
    afterAll(() => upstreams?.close());

    it('LOG_FORMAT=json: every stdout line is one JSON object, and the request line has fields, not a string', async () => {
      const { app, url } = await start({ ...upstreams.env, HTTP_ADAPTER: platform, LOG_FORMAT: 'json', METRICS_PORT: '0' });
      expect((await fetch(`${url}/api/client-token`)).status).toBe(200);
      expect((await fetch(`${url}/request_tokens`)).status).toBe(401);
      app.signal('SIGTERM');
      expect(await app.exit(15_000)).toBe(0);

      const lines = app.stdout.split('\n').filter((line) => line !== '');
      expect(lines.length).toBeGreaterThan(10);
      const parsed = lines.map((line) => {
        try {
          return JSON.parse(line) as { level: string; message: unknown; context?: string };
        } catch {
          throw new Error(`not one JSON object: ${line}`);
        }
      });
      const requests = parsed.filter((line) => (line.message as { event?: string }).event === 'token_request');
      expect(requests.map((line) => [line.level, line.context])).toEqual([
        ['log', 'TokenRequest'],
        ['log', 'TokenRequest'],
      ]);
      expect(requests[0].message).toEqual({
        event: 'token_request',
        method: 'GET',
        route: '/api/client-token',
        provider: 'miso',
        status: 200,
        outcome: 'issued',
        cache: 'upstream',
        upstreamMs: expect.any(Number),
        ms: expect.any(Number),
      });
      expect(requests[1].message).toEqual({
        event: 'token_request',
        method: 'GET',
        route: '/request_tokens',
        provider: 'sentifyd',
        status: 401,
        outcome: 'unauthorized',
        ms: expect.any(Number),
      });
      const { misoClientSecret, avatarApiKey, jwtSecret } = upstreams.secrets;
      for (const secret of [misoClientSecret, avatarApiKey, jwtSecret]) expect(app.stdout + app.stderr).not.toContain(secret);
    });

    it('SIGTERM while a request waits on a slow upstream: the request gets its 200, new connections are refused, the process exits 0', async () => {
      const { app, url } = await start({ ...upstreams.env, HTTP_ADAPTER: platform, METRICS_PORT: '0' });
      upstreams.miso.delayMs = 1_500;
      try {
        const calls = upstreams.miso.count;
        const pending = fetch(`${url}/api/client-token`).then(async (response) => ({ status: response.status, body: (await response.json()) as { token?: string }, at: performance.now() }));
        await until(() => upstreams.miso.count > calls, 5_000);
        const signalled = performance.now();
        app.signal('SIGTERM');
        await sleep(200);
        await expect(fetch(`${url}/health/live`)).rejects.toThrow();

        const answer = await pending;
        expect(answer.status).toBe(200);
        expect(typeof answer.body.token).toBe('string');
        expect(await app.exit(15_000)).toBe(0);
        const exited = performance.now();
        process.stdout.write(
          `shutdown (${platform}): request answered ${Math.round(answer.at - signalled)} ms after SIGTERM, exit ${Math.round(exited - answer.at)} ms after the answer\n`,
        );
        expect(exited - answer.at).toBeLessThan(3_000);
        // Text mode keeps the request line readable: one line of JSON after Nest's prefix.
        expect(app.stdout).toMatch(/\[TokenRequest\] \{"event":"token_request","method":"GET","route":"\/api\/client-token","provider":"miso","status":200,/);
      } finally {
        upstreams.miso.delayMs = 0;
      }
    });

    it('in sandbox mode (stand-in upstreams started by main.ts) SIGTERM still ends the process with exit 0', async () => {
      const { app, url } = await start({ SANDBOX: '1', NODE_ENV: 'development', HTTP_ADAPTER: platform });
      expect(app.stdout).toMatch(/SANDBOX MODE/);
      expect((await fetch(`${url}/api/client-token`)).status).toBe(200);
      const signalled = performance.now();
      app.signal('SIGTERM');
      expect(await app.exit(15_000)).toBe(0);
      expect(performance.now() - signalled).toBeLessThan(3_000);
    });
  });
});
