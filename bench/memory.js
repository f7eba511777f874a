'use strict';
/**
 * Memory held by live refresh handles in the in-memory store. Runs in a child
 * process of its own (with --expose-gc) so the figures hold nothing but the
 * example app and the handles:
 *   baseline: the app booted, nothing minted;  after: `count` handles minted.
 * Handles are minted through the library's RefreshHandles, as the Sentifyd
 * route does, one per user; the handle strings themselves are dropped (the
 * browsers hold them), so what remains is what the store keeps.
 */
const { fork } = require('node:child_process');
const { randomBytes } = require('node:crypto');

const CHILD_TIMEOUT_MS = 120_000;

/** Parent side: runs this file as a child and resolves with its figures. */
function measureMemory(count) {
  return new Promise((resolve, reject) => {
    const child = fork(__filename, [String(count)], {
      execArgv: ['--expose-gc'],
      env: { ...process.env, NODE_ENV: 'production' },
      stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
    });
    let result;
    const timer = setTimeout(() => child.kill('SIGKILL'), CHILD_TIMEOUT_MS);
    child.once('message', (message) => (result = message));
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      if (code === 0 && result) resolve(result);
      else reject(new Error(`memory child ended with code ${code}, signal ${signal}`));
    });
  });
}

function settle() {
  for (let i = 0; i < 4; i += 1) global.gc();
  return process.memoryUsage();
}

/** Child side. */
async function child(count) {
  const { fromDist, library, libraryFile, DISCARD_LOGGER } = require('./targets');
  const { createApp } = fromDist('src/app.factory.js');
  const { TokenStore } = library();
  const { RefreshHandles } = libraryFile('handles/refresh-handles.js');
  const env = {
    NODE_ENV: 'production',
    AVATAR_API_KEY: randomBytes(24).toString('base64url'),
    SENTIFYD_BACKEND: 'http://127.0.0.1:9', // never called: minting a handle needs no upstream
    AUTH_JWT_SECRET: randomBytes(32).toString('hex'),
    TOKEN_RATE_LIMIT: '0',
  };
  const app = await createApp(env, { logger: DISCARD_LOGGER });
  await app.init();
  const handles = app.get(RefreshHandles);
  const store = app.get(TokenStore);
  // Mint and drop a few first, so code paths are compiled before the baseline.
  for (let i = 0; i < 1000; i += 1) await handles.mint({ userId: `warm-${i}`, provider: 'sentifyd' });
  await store.close();
  const baseline = settle();
  const started = performance.now();
  for (let i = 0; i < count; i += 1) {
    await handles.mint({ userId: `user-${String(i).padStart(6, '0')}`, provider: 'sentifyd' });
  }
  const mintMs = performance.now() - started;
  const after = settle();
  process.send({
    count,
    storeEntries: store.size,
    mintMs,
    baseline: { rss: baseline.rss, heapUsed: baseline.heapUsed },
    after: { rss: after.rss, heapUsed: after.heapUsed },
    delta: { rss: after.rss - baseline.rss, heapUsed: after.heapUsed - baseline.heapUsed },
    perHandle: { rss: (after.rss - baseline.rss) / count, heapUsed: (after.heapUsed - baseline.heapUsed) / count },
  });
  await app.close();
}

if (require.main === module) {
  child(Number(process.argv[2]) || 100_000).then(
    () => process.exit(0),
    (error) => {
      process.stderr.write(`memory bench: ${error && error.stack ? error.stack : error}\n`);
      process.exit(1);
    },
  );
}

module.exports = { measureMemory };
