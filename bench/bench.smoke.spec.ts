import { execFileSync, spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

// Plain JS modules of the bench, required as they are.
const { parseWrk } = require('./wrk') as { parseWrk: (output: string) => Record<string, number> };

/**
 * Keeps `npm run bench` from rotting: its quick mode (one short round per
 * target on both platforms, no Redis, a burst of 100, a small memory figure)
 * runs in a child process against the built app, and must print the tables,
 * keep the warm apps off the upstream and off the store, and merge a burst of
 * 100 into one upstream call. No speed target is asserted.
 */
const ROOT = join(__dirname, '..');

interface TargetSummary {
  requests: number;
  bad: number;
  upstreamCalls?: number;
  storeCalls?: number;
}

interface QuickResults {
  failures: string[];
  load: { tool: { name: string }; summary: { targets: Record<string, TargetSummary> } };
  bursts: { results: Array<{ n: number; instances: number; upstreamCalls: number; ok: number }> };
  memory: { count: number; storeEntries: number };
}

// What `wrk -t1 -c64 -d3s --latency` prints (4.1.0), with failures.
const WRK_OUTPUT = `Running 3s test @ http://127.0.0.1:40123/api/client-token
  1 threads and 64 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency     6.81ms    2.10ms  41.02ms   91.20%
    Req/Sec     9.45k   612.33    10.20k    80.00%
  Latency Distribution
     50%  812.00us
     75%    7.20ms
     90%    8.91ms
     99%    1.02s
  28211 requests in 3.00s, 11.62MB read
  Socket errors: connect 0, read 2, write 0, timeout 1
  Non-2xx or 3xx responses: 4
Requests/sec:   9400.12
Transfer/sec:      3.87MB
`;

describe('bench wrk parser', () => {
  it('reads requests, rate, percentiles in ms and failures', () => {
    expect(parseWrk(WRK_OUTPUT)).toEqual({
      rps: 9400.12,
      requests: 28211,
      seconds: 3,
      p50: 0.812,
      p75: 7.2,
      p90: 8.91,
      p99: 1020,
      non2xx: 4,
      socketErrors: 3,
      bad: 7,
    });
  });

  it('refuses output without a summary', () => {
    expect(() => parseWrk('unable to connect to 127.0.0.1:1 Connection refused')).toThrow(/without a summary/);
  });
});

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
    const rows = ['app on Fastify', 'bare Nest on Fastify', 'raw node:http', 'app on Express', 'bare Nest on Express', 'limits on', 'per-request-upstream route'];
    for (const row of rows) expect(run.stdout).toContain(row);
    for (const ratio of ['app Fastify / raw node:http', 'app Fastify / bare Nest Fastify', 'app Express / bare Nest Express', 'app Fastify / per-request-upstream route']) {
      expect(run.stdout).toContain(ratio);
    }
    // The report names its load generator, and judges no target in quick mode.
    expect(run.stdout).toContain(`load from ${results.load.tool.name}`);
    expect(run.stdout).not.toMatch(/\b(met|MISSED)\b/);
    expect(results.failures).toEqual([]);
  });

  it('serves the warm apps, on both platforms, without calling the upstream or (limits off) the store', () => {
    for (const name of ['fastify', 'express']) {
      const target = results.load.summary.targets[name];
      expect({ name, upstreamCalls: target.upstreamCalls, storeCalls: target.storeCalls, bad: target.bad }).toEqual({ name, upstreamCalls: 0, storeCalls: 0, bad: 0 });
      expect(target.requests).toBeGreaterThan(0);
    }
    expect(results.load.summary.targets['limits-memory']).toMatchObject({ upstreamCalls: 0, bad: 0 });
  });

  it('merges a cold burst of 100 into one upstream call', () => {
    const burst = results.bursts.results.find((b) => b.n === 100 && b.instances === 1);
    expect(burst).toMatchObject({ upstreamCalls: 1, ok: 100 });
  });

  it("measures the memory of live refresh handles: two store entries each (its chain, which holds the handle's digest, and the user's chain list)", () => {
    expect(results.memory.storeEntries).toBe(2 * results.memory.count);
  });
});
