import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const ROOT = resolve(__dirname, '../..');
const MARKER = /^\/\/ file: (\S+)\n/;

/** The code blocks of a README that start with `// file: <path>`, by path. */
export function readmeFiles(readme: string): Map<string, string> {
  const files = new Map<string, string>();
  for (const [, code] of readme.matchAll(/```ts\n([\s\S]*?)```/g)) {
    const marker = MARKER.exec(code);
    if (marker) files.set(marker[1], code);
  }
  return files;
}

/** What `npm pack --json` says of the tarball. */
export interface Packed {
  tarball: string;
  size: number;
  unpackedSize: number;
  entryCount: number;
  files: string[];
}

/** Packs the built library (`npm pack ./libs/token`) into `dir`. */
export function packLibrary(dir: string): Packed {
  const out = execFileSync('npm', ['pack', './libs/token', '--json', '--pack-destination', dir], { cwd: ROOT, encoding: 'utf8' });
  const [info] = JSON.parse(out.slice(out.indexOf('['))) as { filename: string; size: number; unpackedSize: number; entryCount: number; files: { path: string }[] }[];
  return { tarball: join(dir, info.filename), size: info.size, unpackedSize: info.unpackedSize, entryCount: info.entryCount, files: info.files.map((f) => f.path) };
}

/** The version of `name` this workspace installed, so the scratch app resolves the same from the registry. */
function installed(name: string): string {
  return (JSON.parse(readFileSync(join(ROOT, 'node_modules', name, 'package.json'), 'utf8')) as { version: string }).version;
}

/**
 * A new Nest app outside the repository, as a user would make one: its own
 * package.json with dependencies from the registry and the library from its
 * tarball, the README's quick-start files, Nest's default tsconfig, compiled
 * with `tsc`.
 */
export function makeScratchApp(tarball: string, files: Map<string, string>): { dir: string; cleanup(): void } {
  const dir = mkdtempSync(join(tmpdir(), 'token-consumer-'));
  const dependencies: Record<string, string> = { 'nestjs-token-broker': `file:${tarball}` };
  for (const name of ['@nestjs/common', '@nestjs/core', '@nestjs/platform-express', '@nestjs/platform-fastify', '@nestjs/throttler', 'reflect-metadata', 'rxjs']) {
    dependencies[name] = installed(name);
  }
  const devDependencies = { typescript: installed('typescript'), '@types/node': installed('@types/node') };
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'scratch-consumer', private: true, dependencies, devDependencies }, null, 2));
  writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify(NEST_DEFAULT_TSCONFIG, null, 2));
  for (const [path, code] of files) {
    mkdirSync(join(dir, path, '..'), { recursive: true });
    writeFileSync(join(dir, path), code);
  }
  execFileSync('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', '--loglevel=error'], { cwd: dir, stdio: 'pipe', timeout: 240_000 });
  execFileSync(process.execPath, [join(dir, 'node_modules/typescript/bin/tsc'), '-p', dir], { cwd: dir, stdio: 'pipe', timeout: 120_000 });
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** The tsconfig `nest new` writes (Nest 11). */
const NEST_DEFAULT_TSCONFIG = {
  compilerOptions: {
    module: 'nodenext',
    moduleResolution: 'nodenext',
    resolvePackageJsonExports: true,
    esModuleInterop: true,
    isolatedModules: true,
    declaration: true,
    removeComments: true,
    emitDecoratorMetadata: true,
    experimentalDecorators: true,
    allowSyntheticDefaultImports: true,
    target: 'ES2023',
    sourceMap: true,
    outDir: './dist',
    baseUrl: './',
    incremental: true,
    skipLibCheck: true,
    strictNullChecks: true,
    forceConsistentCasingInFileNames: true,
    noImplicitAny: false,
    strictBindCallApply: false,
    noFallthroughCasesInSwitch: false,
  },
  include: ['src'],
};
