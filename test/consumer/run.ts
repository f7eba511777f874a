import { execFile } from 'node:child_process';

/**
 * Runs a command without blocking the event loop (so installs of several apps
 * overlap), and fails with its output, which says what went wrong.
 */
export function run(file: string, args: string[], options: { cwd: string; env: NodeJS.ProcessEnv; timeout: number }): Promise<string> {
  return new Promise((done, fail) => {
    execFile(file, args, { ...options, encoding: 'utf8', maxBuffer: 32 * 1024 * 1024 }, (error, stdout, stderr) => {
      if (error) fail(new Error(`${file} ${args.join(' ')} (in ${options.cwd}) failed: ${error.message}\n${stdout}\n${stderr}`));
      else done(stdout);
    });
  });
}

/**
 * This process's environment without what `npm test` exports to its scripts
 * (`npm_config_*`, `npm_package_*`, `npm_lifecycle_*`): an app outside the
 * repository must install and run as its own project, not as part of this
 * workspace. The npm cache and registry settings are kept. `pathFirst` puts a
 * directory (Node 24's) first on PATH.
 */
export function cleanEnv(pathFirst?: string): NodeJS.ProcessEnv {
  const keep = new Set(['npm_config_cache', 'npm_config_registry', 'npm_config_userconfig']);
  const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => !/^npm_/i.test(name) || keep.has(name)));
  if (pathFirst) env.PATH = `${pathFirst}:${env.PATH ?? ''}`;
  return env;
}
