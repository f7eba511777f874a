'use strict';
/** Parent side of host.js: start a target in a child process, call its ops, stop it. */
const { fork } = require('node:child_process');
const path = require('node:path');

const HOST = path.join(__dirname, 'host.js');
const READY_TIMEOUT_MS = 30_000;
const STOP_TIMEOUT_MS = 5_000;

/**
 * Starts target `kind` with `options` in a child process; resolves once it listens.
 * `execArgv` adds Node flags, `env` variables (BENCH_DIST). The child's stdout goes to
 * /dev/null (the console logger, when asked for, writes there); stderr is shown.
 */
function startHost(kind, options = {}, { execArgv = [], env = {} } = {}) {
  const child = fork(HOST, [kind, JSON.stringify(options)], {
    execArgv,
    env: { ...process.env, ...env, NODE_ENV: 'production' },
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  });
  const pending = new Map();
  let nextId = 0;
  const exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  child.on('message', (message) => {
    if (message.type !== 'reply') return;
    const waiter = pending.get(message.id);
    pending.delete(message.id);
    if (waiter) message.error ? waiter.reject(new Error(message.error)) : waiter.resolve(message.result);
  });
  exited.then(() => {
    for (const waiter of pending.values()) waiter.reject(new Error(`${kind} host exited`));
    pending.clear();
  });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${kind} host did not start within ${READY_TIMEOUT_MS} ms`));
    }, READY_TIMEOUT_MS);
    exited.then(({ code, signal }) => {
      clearTimeout(timer);
      reject(new Error(`${kind} host exited before it was ready (code ${code}, signal ${signal})`));
    });
    child.once('message', (message) => {
      if (message.type !== 'ready') return;
      clearTimeout(timer);
      resolve({
        kind,
        pid: child.pid,
        url: message.url,
        info: message.info,
        call(op, args) {
          const id = nextId++;
          return new Promise((ok, fail) => {
            pending.set(id, { resolve: ok, reject: fail });
            child.send({ type: 'call', id, op, args });
          });
        },
        /** Asks the child to close and exit; kills it (this pid only) if it does not. */
        async stop() {
          if (child.exitCode === null && child.signalCode === null && child.connected) child.send({ type: 'stop' });
          let timer;
          const timeout = new Promise((done) => (timer = setTimeout(done, STOP_TIMEOUT_MS, 'timeout')));
          const outcome = await Promise.race([exited, timeout]);
          clearTimeout(timer);
          if (outcome === 'timeout') {
            child.kill('SIGKILL');
            await exited;
          }
        },
      });
    });
  });
}

module.exports = { startHost };
