import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';

const DIST = resolve(__dirname, '../../libs/token/dist');

/** Which optional peers a fresh Node process loads when it requires `entry` of the built package. */
function optionalPeersLoadedBy(entry: string): string[] {
  const script = `require(${JSON.stringify(join(DIST, entry))});
    const peers = Object.keys(require.cache).map((path) => /node_modules\\/(@nestjs\\/terminus|prom-client|ioredis)\\//.exec(path)?.[1]).filter(Boolean);
    process.stdout.write(JSON.stringify([...new Set(peers)].sort()));`;
  return JSON.parse(execFileSync(process.execPath, ['-e', script], { encoding: 'utf8', timeout: 20_000 })) as string[];
}

/** Optional peers stay optional: each is loaded by its own entry only, never by the main one. */
describe('entries of the built package', () => {
  beforeAll(() => {
    if (!existsSync(join(DIST, 'index.js'))) execFileSync('npm', ['run', 'build:lib'], { cwd: resolve(DIST, '../../..'), stdio: 'ignore', timeout: 120_000 });
  }, 150_000);

  it('the main entry loads neither @nestjs/terminus, prom-client nor ioredis', () => {
    expect(optionalPeersLoadedBy('index.js')).toEqual([]);
  });

  it('nestjs-token-broker/health loads @nestjs/terminus, and only that', () => {
    expect(optionalPeersLoadedBy('health.js')).toEqual(['@nestjs/terminus']);
  });
});
