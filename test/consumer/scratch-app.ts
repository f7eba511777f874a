import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import type { ConsumerVariant } from './apps';
import { cleanEnv, run } from './run';

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

/** The first code block of the README's `## <title>` section. */
export function readmeSection(readme: string, title: string): string {
  const section = readme.split(`\n## ${title}\n`)[1]?.split('\n## ')[0] ?? '';
  const code = /```ts\n([\s\S]*?)```/.exec(section);
  if (!code) throw new Error(`the README has no code in "## ${title}"`);
  return code[1];
}

/** What `npm pack --json` says of the tarball. */
export interface Packed {
  tarball: string;
  size: number;
  unpackedSize: number;
  entryCount: number;
  files: string[];
}

/**
 * Packs the library (`npm pack ./libs/token`) into `dir`. `npm test` has just
 * built it, so the `prepack` build is skipped here: rebuilding dist/ would pull
 * it away from the suites running beside this one.
 */
export function packLibrary(dir: string): Packed {
  if (!existsSync(join(ROOT, 'libs/token/dist/index.js'))) execFileSync('npm', ['run', 'build:lib'], { cwd: ROOT, stdio: 'ignore', timeout: 180_000 });
  const out = execFileSync('npm', ['pack', './libs/token', '--ignore-scripts', '--json', '--pack-destination', dir], { cwd: ROOT, encoding: 'utf8' });
  const [info] = JSON.parse(out.slice(out.indexOf('['))) as { filename: string; size: number; unpackedSize: number; entryCount: number; files: { path: string }[] }[];
  return { tarball: join(dir, info.filename), size: info.size, unpackedSize: info.unpackedSize, entryCount: info.entryCount, files: info.files.map((f) => f.path) };
}

/** A consumer app, installed and compiled, and what it took. */
export interface ScratchApp {
  variant: ConsumerVariant;
  dir: string;
  /** The Node that runs it. */
  node: string;
  installMs: number;
  compileMs: number;
  /** Installed versions of the packages whose majors the variant pins down. */
  versions: Record<string, string>;
  /**
   * The variant's further type checks, started once the build is done and
   * running while the app's other tests do; resolves with how long they took.
   */
  typeChecks: Promise<number>;
  /** `node <file> ...args` in the app, with its Node; answers stdout. */
  exec(args: string[], env?: Record<string, string>): Promise<string>;
  cleanup(): void;
}

/**
 * A new app outside the repository, as a user makes one: the variant's
 * package.json with dependencies from the registry (npm adds the library's
 * peers) and the library from its tarball, `sources` (the README's files and
 * ours), installed with no flag, compiled with the app's own TypeScript.
 */
export async function makeScratchApp(variant: ConsumerVariant, tarball: string, sources: Map<string, string>, node: string): Promise<ScratchApp> {
  const dir = mkdtempSync(join(tmpdir(), `token-consumer-${variant.id}-`));
  const packageJson = structuredClone(variant.packageJson) as { dependencies: Record<string, string> };
  packageJson.dependencies['nestjs-token-broker'] = `file:${tarball}`;
  const files = new Map([...Object.entries(variant.files), ...sources, ['package.json', JSON.stringify(packageJson, null, 2)]]);
  for (const [path, code] of files) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), code);
  }
  const env = cleanEnv(node === process.execPath ? undefined : dirname(node));
  const exec = (args: string[], extra: Record<string, string> = {}) => run(node, args, { cwd: dir, env: { ...env, ...extra }, timeout: 120_000 });
  const app: ScratchApp = { variant, dir, node, installMs: 0, compileMs: 0, versions: {}, typeChecks: Promise.resolve(0), exec, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
  try {
    let started = Date.now();
    await run('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', '--loglevel=error'], { cwd: dir, env, timeout: 300_000 });
    app.installMs = Date.now() - started;
    for (const name of Object.keys(variant.majors)) {
      app.versions[name] = (JSON.parse(readFileSync(join(dir, 'node_modules', name, 'package.json'), 'utf8')) as { version: string }).version;
    }
    const tsc = join(dir, 'node_modules/typescript/bin/tsc');
    started = Date.now();
    await exec([tsc, '-p', variant.build]);
    app.compileMs = Date.now() - started;
    app.typeChecks = (async () => {
      const checking = Date.now();
      for (const args of variant.typeChecks) await exec([tsc, ...args]);
      return Date.now() - checking;
    })();
    app.typeChecks.catch(() => undefined); // awaited (and reported) by its own test
    return app;
  } catch (error) {
    app.cleanup();
    throw error;
  }
}
