import { UpstreamSimulator } from 'nestjs-token-broker/testing';
import Redis from 'ioredis';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { AppProcess } from '../contract/built-app';
import { deleteKeys, scanKeys, uniquePrefix } from '../support/redis-server';
import { VARIANTS, type ConsumerVariant } from './apps';
import { describeQuickStart } from './quick-start.tests';
import { registryNode } from './registry-node';
import { makeScratchApp, packLibrary, readmeFiles, readmeSection, type Packed, type ScratchApp } from './scratch-app';

const ROOT = resolve(__dirname, '../..');
const LIBRARY_README = readFileSync(join(ROOT, 'libs/token/README.md'), 'utf8');
const REDIS_URL = process.env.REDIS_URL || 'redis://127.0.0.1:6379';

/** Loads the package both ways from an ES module in the app: one copy of it and of Nest, every named export seen. */
const ONE_COPY_PROBE = `
import * as esm from 'nestjs-token-broker';
import * as nest from '@nestjs/common';
import { createRequire } from 'node:module';
const require = createRequire(process.cwd() + '/');
const cjs = require('nestjs-token-broker');
const names = Object.keys(cjs).filter((name) => name !== '__esModule');
console.log(JSON.stringify({
  names: names.length,
  missingFromEsm: names.filter((name) => !(name in esm)),
  samePackage: esm.TokenService === cjs.TokenService,
  sameNest: nest.Injectable === require('@nestjs/common').Injectable,
}));`;

/**
 * A user's first afternoon, for each kind of app users have (see apps.ts):
 * pack the library, install the tarball into a new app outside the
 * repository, paste the README's quick start, compile it with the app's own
 * TypeScript, and boot it on Express and on Fastify; then the optional
 * integrations (terminus, Redis) on that app's majors.
 */
describe('the package in fresh apps (NestJS 11 and 12, CommonJS and ESM, TypeScript 5.9, 6 and 7)', () => {
  const quickStart = readmeFiles(LIBRARY_README);
  const ours = (file: string) => readFileSync(join(__dirname, file), 'utf8');
  const sources = new Map([...quickStart, ['src/integrations.ts', ours('integrations.app.ts')], ['src/entries.ts', ours('entries.app.ts')]]);
  const built = new Map<string, ScratchApp | Error>();
  let packDir: string;
  let packed: Packed;
  let weather: UpstreamSimulator;
  let node22: string;

  /** The variant's app, or its install/compile error as this test's failure. */
  const appOf = (variant: ConsumerVariant): ScratchApp => {
    const app = built.get(variant.id);
    if (!app || app instanceof Error) throw app ?? new Error(`${variant.id} was not built`);
    return app;
  };

  beforeAll(async () => {
    packDir = mkdtempSync(join(tmpdir(), 'token-pack-'));
    packed = packLibrary(packDir);
    weather = await new UpstreamSimulator((_call, n) => ({ status: 200, body: { access_token: `wx-${n}`, expires_in: 600 } })).start();
    const [node, older] = await Promise.all([registryNode(24), registryNode(22)]);
    node22 = older.bin;
    const results = await Promise.allSettled(
      VARIANTS.map((variant) => {
        const files = variant.vitest ? new Map([...sources, ['src/weather.provider.spec.ts', readmeSection(LIBRARY_README, 'Testing your provider')]]) : sources;
        return makeScratchApp(variant, packed.tarball, files, variant.node === '24' ? node.bin : process.execPath);
      }),
    );
    results.forEach((result, i) => built.set(VARIANTS[i].id, result.status === 'fulfilled' ? result.value : (result.reason as Error)));
    const times = [...built.values()].map((app) => (app instanceof Error ? 'failed' : `${app.variant.id}: install ${app.installMs} ms, compile ${app.compileMs} ms`));
    const fetched = (n: typeof node) => `${n.version} ${n.downloadMs ? `downloaded in ${n.downloadMs} ms` : 'cached'}`;
    console.log(`consumer apps (${fetched(node)}, ${fetched(older)}): ${times.join('; ')}`);
  }, 600_000);

  afterAll(async () => {
    await weather?.close();
    for (const app of built.values()) if (!(app instanceof Error)) app.cleanup();
    if (packDir) rmSync(packDir, { recursive: true, force: true });
  });

  it('ships the build, README, LICENSE and CHANGELOG, and no specs or sources', () => {
    expect(packed.files).toEqual(expect.arrayContaining(['package.json', 'README.md', 'LICENSE', 'CHANGELOG.md', 'dist/index.js', 'dist/index.d.ts', 'dist/redis.js', 'dist/testing/index.js']));
    expect(packed.files.filter((path) => /\.spec\.|^src\/|\.ts$(?<!\.d\.ts)/.test(path))).toEqual([]);
  });

  it('the README quick start has the four files, their relative imports end in .js (ESM apps need it, CommonJS ones accept it)', () => {
    expect([...quickStart.keys()].sort()).toEqual(['src/app.module.ts', 'src/main.fastify.ts', 'src/main.ts', 'src/weather.provider.ts']);
    const relative = [...quickStart.values()].flatMap((code) => [...code.matchAll(/from '(\.[^']*)'/g)].map((m) => m[1]));
    expect(relative.length).toBeGreaterThan(0);
    expect(relative.filter((path) => !path.endsWith('.js'))).toEqual([]);
  });

  it('exports a narrow surface (at most 30 runtime names) and loads no ioredis from the main entry', async () => {
    const probe = "const m = require('nestjs-token-broker'); console.log(JSON.stringify({ names: Object.keys(m).length, ioredis: Object.keys(require.cache).some((p) => p.includes('/ioredis/')) }))";
    const seen = JSON.parse(await appOf(VARIANTS[0]).exec(['-e', probe])) as { names: number; ioredis: boolean };
    expect(seen.names).toBeLessThanOrEqual(30);
    expect(seen.ioredis).toBe(false);
  });

  describe.each(VARIANTS.map((variant) => [variant.title, variant] as const))('%s', (_title, variant) => {
    it('installs from the registry with no flag, on the majors it stands for', () => {
      const majors = Object.fromEntries(Object.entries(appOf(variant).versions).map(([name, version]) => [name, Number(version.split('.')[0])]));
      expect(majors).toEqual(variant.majors);
    });

    it('loads one copy of the package and of Nest, from import and require() alike, every named export included', async () => {
      const seen = JSON.parse(await appOf(variant).exec(['--input-type=module', '-e', ONE_COPY_PROBE])) as Record<string, unknown>;
      expect(seen).toEqual({ names: expect.any(Number), missingFromEsm: [], samePackage: true, sameNest: true });
    });

    describeQuickStart({ dir: () => appOf(variant).dir, node: () => appOf(variant).node, weatherUrl: () => weather.url });

    it('runs the terminus health indicator and the Redis store on its own majors', async () => {
      const scratch = appOf(variant);
      const prefix = uniquePrefix(`consumer-${variant.id}`);
      const app = new AppProcess(join(scratch.dir, 'dist/integrations.js'), scratch.dir, { REDIS_URL, STORE_PREFIX: prefix, STORE_KEY: randomBytes(32).toString('base64'), PATH: process.env.PATH ?? '', NODE_PATH: '' }, scratch.node);
      const redis = new Redis(REDIS_URL, { lazyConnect: true });
      try {
        const url = (await app.waitFor(/listening on (http:\/\/\S+)/, 30_000))[1];
        const health = await fetch(`${url}/health`);
        expect({ status: health.status, body: await health.json() }).toMatchObject({ status: 200, body: { status: 'ok', info: { store: { status: 'up' } } } });
        const tokens = [];
        for (let i = 0; i < 2; i++) tokens.push(await (await fetch(`${url}/api/stamp`)).json());
        expect(tokens).toEqual([{ token: 'stamp-1' }, { token: 'stamp-1' }]);
        expect((await scanKeys(redis, prefix)).length).toBeGreaterThan(0);
      } finally {
        await app.stop();
        await deleteKeys(redis, prefix);
        redis.disconnect();
      }
    }, 40_000);

    if (variant.vitest) {
      it("runs the README's testing example (simulator, FakeClock) under vitest, NestJS 12's runner", async () => {
        const out = await appOf(variant).exec([join(appOf(variant).dir, 'node_modules/vitest/vitest.mjs'), 'run'], { NO_COLOR: '1' });
        expect(out).toMatch(/Tests\s+1 passed/);
      }, 60_000);
    }

    // Last, so that the checks (started after the build) run while the tests above do.
    it('type-checks under its other module resolutions (and its specs, where it has some)', async () => {
      console.log(`${variant.id}: type checks ${await appOf(variant).typeChecks} ms`);
    }, 180_000);
  });

  describe('the NestJS 12 app (TypeScript 6) on Node 22, the other Node it supports', () => {
    describeQuickStart({ dir: () => appOf(VARIANTS[1]).dir, node: () => node22, weatherUrl: () => weather.url });
  });
});
