import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { cleanEnv, run } from './run';

/** Where the Node 24 binary is kept between runs (`$XDG_CACHE_HOME` or `~/.cache`). */
const CACHE = join(process.env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'nestjs-token-broker', 'node-24');

/** `v24.x.y` when `bin` runs, else undefined (missing, or a half-finished download). */
function versionOf(bin: string): string | undefined {
  if (!existsSync(bin)) return undefined;
  try {
    return execFileSync(bin, ['--version'], { encoding: 'utf8', timeout: 10_000 }).trim();
  } catch {
    return undefined;
  }
}

/**
 * A Node 24 binary for the NestJS 12 consumer apps: this process's own when it
 * is Node 24, else the npm registry's `node-<platform>-<arch>@24` package
 * (its `bin/node`), installed once under ~/.cache/nestjs-token-broker/ and
 * reused by later runs. A fresh machine downloads it here, through npm.
 */
export async function node24(): Promise<{ bin: string; version: string; downloadMs: number }> {
  if (process.versions.node.startsWith('24.')) return { bin: process.execPath, version: process.version, downloadMs: 0 };
  const pkg = `node-${process.platform}-${process.arch}`;
  const bin = join(CACHE, 'node_modules', pkg, 'bin', process.platform === 'win32' ? 'node.exe' : 'node');
  const cached = versionOf(bin);
  if (cached?.startsWith('v24.')) return { bin, version: cached, downloadMs: 0 };
  const started = Date.now();
  mkdirSync(CACHE, { recursive: true });
  await run('npm', ['install', `${pkg}@24`, '--prefix', CACHE, '--prefer-offline', '--no-save', '--no-package-lock', '--no-audit', '--no-fund', '--loglevel=error'], { cwd: CACHE, env: cleanEnv(), timeout: 300_000 });
  const version = versionOf(bin);
  if (!version?.startsWith('v24.')) throw new Error(`${pkg}@24 did not give a working Node 24 at ${bin}`);
  return { bin, version, downloadMs: Date.now() - started };
}
