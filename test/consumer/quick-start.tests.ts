import { join } from 'node:path';
import { AppProcess } from '../contract/built-app';

/** Where the quick start's app is, the Node that runs it, and the weather upstream's URL. */
export interface QuickStartRun {
  dir(): string;
  node(): string;
  weatherUrl(): string;
}

/**
 * Declares the quick start's checks for one compiled app, on Express and on
 * Fastify: the README's route, `TokenService` in the app's own controller, and
 * the app's own ThrottlerModule, body parsing and CORS left as they were.
 */
export function describeQuickStart(run: QuickStartRun): void {
  describe.each([
    ['express', 'dist/main.js'],
    ['fastify', 'dist/main.fastify.js'],
  ])('on %s', (_platform, main) => {
    let app: AppProcess;
    let url: string;

    beforeAll(async () => {
      const env = { PORT: '0', WEATHER_TOKEN_URL: `${run.weatherUrl()}/oauth/token`, PATH: process.env.PATH ?? '', NODE_PATH: '' };
      app = new AppProcess(join(run.dir(), main), run.dir(), env, run.node());
      url = (await app.waitFor(/listening on (http:\/\/\S+)/, 30_000))[1].replace('[::1]', '127.0.0.1');
    }, 40_000);

    afterAll(() => app?.stop());

    it('serves the mounted route of a provider the app wrote, with the token headers', async () => {
      const reply = await fetch(`${url}/api/weather-token`, { method: 'POST' });
      expect(reply.status).toBe(200);
      expect(await reply.json()).toEqual({ token: expect.stringMatching(/^wx-/), expiresIn: expect.any(Number) });
      expect(reply.headers.get('cache-control')).toBe('no-store');
      expect(reply.headers.get('x-content-type-options')).toBe('nosniff');
    });

    it("injects TokenService into the app's own controller", async () => {
      const reply = await fetch(`${url}/forecast/token`);
      expect(await reply.json()).toEqual({ forecastToken: expect.stringMatching(/^wx-/) });
    });

    it("keeps the app's own ThrottlerModule limit: 3 a minute per route, one spent above", async () => {
      const statuses: number[] = [];
      for (let i = 0; i < 3; i++) statuses.push((await fetch(`${url}/forecast/token`)).status);
      expect(statuses).toEqual([200, 200, 429]);
    });

    it("keeps the app's own body handling; the token route's 8 kB limit is its own", async () => {
      const big = JSON.stringify({ text: 'x'.repeat(20 * 1024) });
      const json = { 'content-type': 'application/json' };
      const own = await fetch(`${url}/notes`, { method: 'POST', headers: json, body: big });
      expect({ status: own.status, body: await own.json() }).toEqual({ status: 201, body: { saved: 1 } });
      const form = await fetch(`${url}/notes`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'a=1&b=2' });
      expect(await form.json()).toEqual({ saved: 2 }); // Nest parses forms by default on both platforms
      const token = await fetch(`${url}/api/weather-token`, { method: 'POST', headers: json, body: big });
      expect(token.status).toBe(400);
      expect(token.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    });

    it('answers CORS preflights for listed origins only', async () => {
      const preflight = (origin: string) =>
        fetch(`${url}/api/weather-token`, { method: 'OPTIONS', headers: { origin, 'access-control-request-method': 'POST' } });
      const listed = await preflight('http://localhost:5173');
      expect(listed.headers.get('access-control-allow-origin')).toBe('http://localhost:5173');
      expect((await preflight('https://evil.example')).headers.get('access-control-allow-origin')).toBeNull();
    });
  });
}
