import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { cleanEnv, run } from './run';

/** Where the Node binaries are kept between runs (`$XDG_CACHE_HOME` or `~/.cache`). */
const CACHE = join(process.env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'nestjs-token-broker');

/** `vN.x.y` when `bin` runs, else undefined (missing, or a half-finished download). */
function versionOf(bin: string): string | undefined {
  if (!existsSync(bin)) return undefined;
  try {
    return execFileSync(bin, ['--version'], { encoding: 'utf8', timeout: 10_000 }).trim();
  } catch {
    return undefined;
  }
}

/**
 * A Node binary of the given major for the consumer apps (24 for NestJS 12):
 * this process's own when it is that major, else the npm registry's
 * `node-<platform>-<arch>@<major>` package (its `bin/node`), installed once
 * under ~/.cache/nestjs-token-broker/node-<major> and reused by later runs. A
 * fresh machine downloads it here, through npm.
 */
export async function registryNode(major: number): Promise<{ bin: string; version: string; downloadMs: number }> {
  if (process.versions.node.startsWith(`${major}.`)) return { bin: process.execPath, version: process.version, downloadMs: 0 };
  const pkg = `node-${process.platform}-${process.arch}`;
  const dir = join(CACHE, `node-${major}`);
  const bin = join(dir, 'node_modules', pkg, 'bin', process.platform === 'win32' ? 'node.exe' : 'node');
  const cached = versionOf(bin);
  if (cached?.startsWith(`v${major}.`)) return { bin, version: cached, downloadMs: 0 };
  const started = Date.now();
  mkdirSync(dir, { recursive: true });
  await run('npm', ['install', `${pkg}@${major}`, '--prefix', dir, '--prefer-offline', '--no-save', '--no-package-lock', '--no-audit', '--no-fund', '--loglevel=error'], { cwd: dir, env: cleanEnv(), timeout: 300_000 });
  const version = versionOf(bin);
  if (!version?.startsWith(`v${major}.`)) throw new Error(`${pkg}@${major} did not give a working Node ${major} at ${bin}`);
  return { bin, version, downloadMs: Date.now() - started };
}
