'use strict';
/** Flags and environment of bench/run.js (see its header for the list). */
const path = require('node:path');
const { parseArgs } = require('node:util');

function options(argv = process.argv.slice(2)) {
  const { values } = parseArgs({
    args: argv,
    options: {
      quick: { type: 'boolean', default: false },
      rounds: { type: 'string' },
      duration: { type: 'string' },
      warmup: { type: 'string' },
      connections: { type: 'string' },
      pipelining: { type: 'string' },
      bursts: { type: 'string' },
      handles: { type: 'string' },
      log: { type: 'string', default: 'discard' },
      'app-store': { type: 'string', default: 'memory' },
      'redis-url': { type: 'string' },
      'no-load': { type: 'boolean', default: false },
      'no-burst': { type: 'boolean', default: false },
      'no-redis': { type: 'boolean', default: false },
      'no-memory': { type: 'boolean', default: false },
      profile: { type: 'boolean', default: false },
      json: { type: 'string' },
      candidate: { type: 'string' },
    },
  });
  const env = process.env;
  const quick = values.quick;
  const number = (flag, envName, full, short) => {
    const value = Number(values[flag] ?? (envName && env[envName]) ?? (quick ? short : full));
    if (!(value > 0)) throw new Error(`--${flag} must be a positive number`);
    return value;
  };
  if (!['discard', 'console'].includes(values.log)) throw new Error('--log is discard or console');
  if (!['memory', 'redis'].includes(values['app-store'])) throw new Error('--app-store is memory or redis');
  return {
    quick,
    rounds: number('rounds', 'BENCH_ROUNDS', 10, 1),
    seconds: number('duration', 'BENCH_DURATION', 2.5, 1),
    warmupSeconds: number('warmup', undefined, 2, 0.25),
    connections: number('connections', 'BENCH_CONNECTIONS', 50, 50),
    pipelining: number('pipelining', undefined, 1, 1),
    bursts: (values.bursts ?? (quick ? '100' : '100,1000,5000')).split(',').map(Number).filter((n) => n > 0),
    handles: number('handles', undefined, 100_000, 10_000),
    log: values.log,
    appStore: values['app-store'],
    redisUrl: values['redis-url'] ?? env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379',
    load: !values['no-load'],
    burst: !values['no-burst'],
    redis: !values['no-redis'] && !quick,
    memory: !values['no-memory'],
    profile: values.profile,
    json: values.json,
    candidate: values.candidate && path.resolve(values.candidate),
  };
}

module.exports = { options };
