import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

const ROOT = resolve(__dirname, '../..');

/** One kind of app a user has, that the packed library must install into, compile in and run in. */
export interface ConsumerVariant {
  /** Short id, also the temp dir's prefix. */
  id: string;
  title: string;
  /** `machine`: the Node running the tests (20.19+); `24`: Node 24 from the registry. */
  node: 'machine' | '24';
  packageJson: Record<string, unknown>;
  files: Record<string, string>;
  /** The project `tsc -p` compiles into dist/ (what `nest build` compiles). */
  build: string;
  /** More `tsc` runs (no emit): the entries (and the spec) under nodenext and other module resolutions. */
  typeChecks: string[][];
  /** The majors npm must have installed, so a resolution gone astray cannot pass unseen. */
  majors: Record<string, number>;
  /** Runs the README's testing example under vitest. */
  vitest: boolean;
}

/** The version of `name` this workspace installed (its pins: NestJS 11). */
function installed(name: string): string {
  return (JSON.parse(readFileSync(join(ROOT, 'node_modules', name, 'package.json'), 'utf8')) as { version: string }).version;
}

const json = (value: unknown) => `${JSON.stringify(value, null, 2)}\n`;

/** The tsconfig `nest new` writes with CLI 11 (CommonJS). */
const NEST11_TSCONFIG = {
  compilerOptions: {
    module: 'nodenext', moduleResolution: 'nodenext', resolvePackageJsonExports: true, esModuleInterop: true, isolatedModules: true,
    declaration: true, removeComments: true, emitDecoratorMetadata: true, experimentalDecorators: true, allowSyntheticDefaultImports: true,
    target: 'ES2023', sourceMap: true, outDir: './dist', baseUrl: './', incremental: true, skipLibCheck: true, strictNullChecks: true,
    forceConsistentCasingInFileNames: true, noImplicitAny: false, strictBindCallApply: false, noFallthroughCasesInSwitch: false,
  },
  include: ['src'],
};

/** The tsconfig `nest new` writes with CLI 12 (`--type esm`, the default), and its build project. */
const nest12Tsconfig = (vitest: boolean) => ({
  compilerOptions: {
    module: 'nodenext', moduleResolution: 'nodenext', resolvePackageJsonExports: true, esModuleInterop: true, isolatedModules: true,
    declaration: true, removeComments: true, emitDecoratorMetadata: true, experimentalDecorators: true, allowSyntheticDefaultImports: true,
    target: 'ES2023', sourceMap: true, outDir: './dist', rootDir: '.', incremental: true, skipLibCheck: true, strict: true,
    strictPropertyInitialization: false, types: vitest ? ['vitest/globals', 'node'] : ['node'],
  },
});
const NEST12_BUILD = { extends: './tsconfig.json', compilerOptions: { rootDir: './src' }, include: ['src'], exclude: ['node_modules', 'test', 'dist', '**/*.spec.ts'] };
/** Nest 12's vitest.config.ts. */
const VITEST_CONFIG = `import { defineConfig } from 'vitest/config';

export default defineConfig({
  resolve: { tsconfigPaths: true },
  test: { globals: true, root: './', include: ['**/*.spec.ts'] },
});
`;

/**
 * The browser client's types, from an ESM app. The browser entry is an ES module, so a CommonJS
 * file reaches its types only with `import type ... with { 'resolution-mode': 'import' }` (TS1541).
 */
const BROWSER_ENTRY = "import type { TokenClient } from 'nestjs-token-broker/browser';\n\nexport type BrowserEntry = TokenClient;\n";

/**
 * The project of the type checks: the app's settings, only the files that import the package's
 * entries (src/entries.ts from entries.app.ts, the browser entry, the spec), not the whole app.
 */
const entriesProject = (files: string[]) => json({ extends: './tsconfig.json', compilerOptions: { noEmit: true, incremental: false }, include: [], files });
const ENTRIES = 'tsconfig.entries.json';
/** A type check under another module resolution, with the app's other settings. */
const check = (module: string, moduleResolution: string) => ['-p', ENTRIES, '--module', module, '--moduleResolution', moduleResolution];

/** (a) An existing NestJS 11 app: CommonJS, TypeScript 5.9, the machine's Node 20, the workspace's pinned versions. */
export const NEST11_CJS: ConsumerVariant = {
  id: 'nest11-cjs',
  title: 'NestJS 11, TypeScript 5.9, CommonJS, Node 20',
  node: 'machine',
  packageJson: {
    name: 'consumer-nest11', private: true,
    dependencies: Object.fromEntries(
      ['@nestjs/axios', '@nestjs/common', '@nestjs/core', '@nestjs/platform-express', '@nestjs/platform-fastify', '@nestjs/terminus', '@nestjs/throttler', 'axios', 'ioredis', 'reflect-metadata', 'rxjs'].map((name) => [name, installed(name)]),
    ),
    devDependencies: { '@types/node': installed('@types/node'), typescript: installed('typescript') },
  },
  files: { 'tsconfig.json': json(NEST11_TSCONFIG), [ENTRIES]: entriesProject(['src/entries.ts']) },
  build: 'tsconfig.json',
  typeChecks: [check('node16', 'node16'), check('preserve', 'bundler'), [...check('commonjs', 'node10'), '--resolvePackageJsonExports', 'false']],
  majors: { '@nestjs/core': 11, '@nestjs/axios': 4, '@nestjs/terminus': 11, ioredis: 5, typescript: 5 },
  vitest: false,
};

/** (b)/(c) A new app as `nest new` (CLI 12) makes it, plus what our README has the user add. */
function nest12(typescript: 6 | 7, vitest: boolean): ConsumerVariant {
  const devDependencies: Record<string, string> = { '@types/node': '^24.0.0', typescript: typescript === 6 ? '^6.0.2' : '^7.0.2' };
  if (vitest) Object.assign(devDependencies, { '@nestjs/testing': '^12.0.1', vite: '^8.0.0', vitest: '^4.1.2' });
  return {
    id: `nest12-ts${typescript}`,
    title: `NestJS 12 (ESM, nodenext), TypeScript ${typescript}, Node 24`,
    node: '24',
    packageJson: {
      name: `consumer-nest12-ts${typescript}`, private: true, type: 'module',
      dependencies: {
        '@nestjs/common': '^12.0.1', '@nestjs/core': '^12.0.1', '@nestjs/platform-express': '^12.0.1', 'reflect-metadata': '^0.2.2', rxjs: '^7.8.1',
        // What the README and this test add to `nest new`'s list:
        '@nestjs/platform-fastify': '^12.0.1', '@nestjs/throttler': '^6.7.1', '@nestjs/terminus': '^12.1.0', ioredis: '^6.1.0',
      },
      devDependencies,
    },
    files: {
      'tsconfig.json': json(nest12Tsconfig(vitest)),
      'tsconfig.build.json': json(NEST12_BUILD),
      'src/browser-entry.ts': BROWSER_ENTRY,
      [ENTRIES]: entriesProject(['src/entries.ts', 'src/browser-entry.ts', ...(vitest ? ['src/weather.provider.spec.ts'] : [])]),
      ...(vitest ? { 'vitest.config.ts': VITEST_CONFIG } : {}),
    },
    build: 'tsconfig.build.json',
    typeChecks: [['-p', ENTRIES], check('preserve', 'bundler')],
    majors: { '@nestjs/core': 12, '@nestjs/axios': 12, '@nestjs/terminus': 12, ioredis: 6, typescript },
    vitest,
  };
}

/** The matrix `npm test` runs. */
export const VARIANTS: ConsumerVariant[] = [NEST11_CJS, nest12(6, true), nest12(7, false)];
