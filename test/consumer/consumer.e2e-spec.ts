import { UpstreamSimulator } from 'nestjs-token-broker/testing';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { AppProcess } from '../contract/built-app';
import { makeScratchApp, packLibrary, readmeFiles, type Packed } from './scratch-app';

const ROOT = resolve(__dirname, '../..');
const LIBRARY_README = readFileSync(join(ROOT, 'libs/token/README.md'), 'utf8');

/**
 * A user's first afternoon: pack the library, install the tarball into a new
 * Nest app outside the repository, paste the README's quick start, compile it
 * with tsc, and boot it on Express and on Fastify.
 */
describe('the package in a fresh Nest app', () => {
  const files = readmeFiles(LIBRARY_README);
  let packDir: string;
  let packed: Packed;
  let scratch: { dir: string; cleanup(): void };
  let weather: UpstreamSimulator;

  beforeAll(async () => {
    packDir = mkdtempSync(join(tmpdir(), 'token-pack-'));
    packed = packLibrary(packDir);
    scratch = makeScratchApp(packed.tarball, files);
    weather = await new UpstreamSimulator((_call, n) => ({ status: 200, body: { access_token: `wx-${n}`, expires_in: 600 } })).start();
  }, 300_000);

  afterAll(async () => {
    await weather?.close();
    scratch?.cleanup();
    rmSync(packDir, { recursive: true, force: true });
  });

  it('ships the build, README, LICENSE and CHANGELOG, and no specs or sources', () => {
    expect(packed.files).toEqual(expect.arrayContaining(['package.json', 'README.md', 'LICENSE', 'CHANGELOG.md', 'dist/index.js', 'dist/index.d.ts', 'dist/redis.js', 'dist/testing/index.js']));
    expect(packed.files.filter((path) => /\.spec\.|^src\/|\.ts$(?<!\.d\.ts)/.test(path))).toEqual([]);
  });

  it('exports a narrow surface (at most 30 runtime names) and loads no ioredis from the main entry', () => {
    const probe = "const m = require('nestjs-token-broker'); console.log(JSON.stringify({ names: Object.keys(m).length, ioredis: Object.keys(require.cache).some((p) => p.includes('/ioredis/')) }))";
    const seen = JSON.parse(execFileSync(process.execPath, ['-e', probe], { cwd: scratch.dir, encoding: 'utf8' })) as { names: number; ioredis: boolean };
    expect(seen.names).toBeLessThanOrEqual(30);
    expect(seen.ioredis).toBe(false);
  });

  it('the README quick start has the four files, and the project README shows the same code', () => {
    expect([...files.keys()].sort()).toEqual(['src/app.module.ts', 'src/main.fastify.ts', 'src/main.ts', 'src/weather.provider.ts']);
    const projectReadme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    for (const code of files.values()) expect(projectReadme).toContain(code);
  });

  describe.each([
    ['express', 'dist/main.js'],
    ['fastify', 'dist/main.fastify.js'],
  ])('on %s', (_platform, main) => {
    let app: AppProcess;
    let url: string;

    beforeAll(async () => {
      app = new AppProcess(join(scratch.dir, main), scratch.dir, { PORT: '0', WEATHER_TOKEN_URL: `${weather.url}/oauth/token`, PATH: process.env.PATH ?? '' });
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
});
