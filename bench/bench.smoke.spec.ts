import { execFileSync, spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Keeps `npm run bench` from rotting: its quick mode (one short round per
 * target, a burst of 100, a small memory figure) runs in a child process
 * against the built app, and must print the table, keep the warm app off the
 * upstream, and merge a burst of 100 into one upstream call.
 */
const ROOT = join(__dirname, '..');

interface QuickResults {
  failures: string[];
  load: { warmUpstreamCalls: number; summary: { targets: Record<string, { requests: number; bad: number }> } };
  bursts: { results: Array<{ n: number; instances: number; upstreamCalls: number; ok: number }> };
  memory: { count: number; storeEntries: number };
}

describe('bench (quick mode)', () => {
  let dir: string;
  let run: SpawnSyncReturns<string>;
  let results: QuickResults;

  beforeAll(() => {
    // The app (dist/src) and the workspace library it resolves as nestjs-token-broker (libs/token/dist).
    if (!['dist/src/app.factory.js', 'libs/token/dist/index.js'].every((file) => existsSync(join(ROOT, file)))) {
      execFileSync('npm', ['run', 'build'], { cwd: ROOT, stdio: 'ignore', timeout: 120_000 });
    }
    dir = mkdtempSync(join(tmpdir(), 'bench-smoke-'));
    const json = join(dir, 'results.json');
    run = spawnSync(process.execPath, ['bench/run.js', '--quick', '--json', json], { cwd: ROOT, encoding: 'utf8', timeout: 50_000 });
    if (existsSync(json)) results = JSON.parse(readFileSync(json, 'utf8')) as QuickResults;
  }, 180_000);

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('exits 0 and prints the table', () => {
    expect({ status: run.status, stderr: run.status === 0 ? '' : run.stderr }).toEqual({ status: 0, stderr: '' });
    expect(run.stdout).toContain('req/s');
    for (const row of ['app', 'bare Nest', 'raw node:http', 'reference style', 'app/bare-Nest', 'app/raw', 'app/reference']) {
      expect(run.stdout).toContain(row);
    }
    expect(results.failures).toEqual([]);
  });

  it('serves the warm app without calling the upstream', () => {
    expect(results.load.warmUpstreamCalls).toBe(0);
    expect(results.load.summary.targets.app.requests).toBeGreaterThan(0);
    expect(results.load.summary.targets.app.bad).toBe(0);
  });

  it('merges a cold burst of 100 into one upstream call', () => {
    const burst = results.bursts.results.find((b) => b.n === 100 && b.instances === 1);
    expect(burst).toMatchObject({ upstreamCalls: 1, ok: 100 });
  });

  it('measures the memory of live refresh handles', () => {
    expect(results.memory.storeEntries).toBe(results.memory.count);
  });
});
