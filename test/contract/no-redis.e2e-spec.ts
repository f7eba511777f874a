import { spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { freePort } from '../support/redis-server';

const ROOT = resolve(__dirname, '../..');
const BOUND_MS = 60_000;

/**
 * `npm test` without Redis once printed a thousand lines and hung. Now jest's
 * globalSetup checks Redis first: a run pointed at a closed port exits
 * non-zero on its own, well within a minute, with one line naming Redis, the
 * address tried and how to start one.
 */
describe('a test run without Redis', () => {
  it('fails fast, exits on its own, and says why in one line', async () => {
    const port = await freePort(); // free, so closed: nothing listens there
    const started = performance.now();
    const child = spawn('npx', ['jest', 'test/smoke.e2e-spec.ts'], {
      cwd: ROOT,
      env: { ...process.env, REDIS_URL: `redis://127.0.0.1:${port}`, NO_COLOR: '1', FORCE_COLOR: '0' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    const killer = setTimeout(() => child.kill('SIGKILL'), BOUND_MS);
    const code = await new Promise<number | null>((done) => child.once('close', (exitCode) => done(exitCode)));
    clearTimeout(killer);
    const ms = performance.now() - started;
    console.log(`[figures] jest without Redis: exit ${code} after ${Math.round(ms)} ms`);

    expect(ms).toBeLessThan(BOUND_MS);
    expect(code).not.toBe(0);
    expect(code).not.toBeNull(); // null: it had to be killed
    const lines = output.split('\n').filter((line) => line.trim() !== '' && !line.startsWith('npm warn'));
    expect(lines).toEqual([expect.stringMatching(new RegExp(`^Redis .*127\\.0\\.0\\.1:${port}.*redis-server --daemonize yes.*REDIS_URL`))]);
  }, BOUND_MS + 10_000);
});
