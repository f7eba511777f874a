'use strict';
/**
 * Child process: runs one target of targets.js and answers its parent over IPC.
 *   node bench/host.js <kind> '<options as JSON>'
 * Sends { type: 'ready', url, info }; answers { type: 'call', id, op, args };
 * on { type: 'stop' } (or when the parent goes away) closes and exits. Besides
 * the target's own ops, every host answers `cpu`, `profileStart` and `profileStop`.
 */
const fs = require('node:fs');
const inspector = require('node:inspector');
const { targets } = require('./targets');

/** Ops every host has: its CPU time, and CPU profiles of the measured runs only (through the inspector). */
function profiler() {
  let session;
  const post = (method, params) => new Promise((resolve, reject) => session.post(method, params, (e, r) => (e ? reject(e) : resolve(r))));
  return {
    /** CPU time this process has used, in µs: per-request cost that a busy machine does not distort much. */
    cpu() {
      const { user, system } = process.cpuUsage();
      return user + system;
    },
    async profileStart() {
      session = new inspector.Session();
      session.connect();
      await post('Profiler.enable');
      await post('Profiler.setSamplingInterval', { interval: 200 });
      await post('Profiler.start');
    },
    async profileStop({ file }) {
      const { profile } = await post('Profiler.stop');
      session.disconnect();
      fs.writeFileSync(file, JSON.stringify(profile));
      return file;
    },
  };
}

async function main() {
  const [kind, json] = process.argv.slice(2);
  const start = targets[kind];
  if (!start) throw new Error(`unknown target ${kind}`);
  const target = await start(JSON.parse(json || '{}'));
  const tools = profiler();
  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    await Promise.race([target.close(), new Promise((resolve) => setTimeout(resolve, 3000).unref())]);
    process.exit(0);
  };
  process.on('message', async (message) => {
    if (message.type === 'stop') return stop();
    if (message.type !== 'call') return;
    try {
      const op = target.ops[message.op] ?? tools[message.op];
      if (!op) throw new Error(`${kind} has no op ${message.op}`);
      process.send({ type: 'reply', id: message.id, result: await op(message.args) });
    } catch (error) {
      process.send({ type: 'reply', id: message.id, error: String(error && error.message ? error.message : error) });
    }
  });
  process.on('disconnect', stop);
  process.send({ type: 'ready', url: target.url, info: target.info });
}

main().catch((error) => {
  process.stderr.write(`bench host ${process.argv[2]}: ${error && error.stack ? error.stack : error}\n`);
  process.exit(1);
});
