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
      tool: { type: 'string', default: 'auto' },
      bursts: { type: 'string' },
      handles: { type: 'string' },
      log: { type: 'string', default: 'discard' },
      'redis-url': { type: 'string' },
      'no-load': { type: 'boolean', default: false },
      'no-burst': { type: 'boolean', default: false },
      'no-redis': { type: 'boolean', default: false },
      'no-memory': { type: 'boolean', default: false },
      'no-verify': { type: 'boolean', default: false },
      profile: { type: 'boolean', default: false },
      'profile-seconds': { type: 'string' },
      json: { type: 'string' },
      candidate: { type: 'string' },
      targets: { type: 'string' },
    },
  });
  const env = process.env;
  const quick = values.quick;
  const number = (flag, envName, full, short, { zero = false } = {}) => {
    const value = Number(values[flag] ?? (envName && env[envName]) ?? (quick ? short : full));
    if (!(value > 0 || (zero && value === 0))) throw new Error(`--${flag} must be a ${zero ? 'non-negative' : 'positive'} number`);
    return value;
  };
  if (!['discard', 'console'].includes(values.log)) throw new Error('--log is discard or console');
  if (!['auto', 'wrk', 'autocannon'].includes(values.tool)) throw new Error('--tool is auto, wrk or autocannon');
  return {
    quick,
    // Only these throughput targets (comma-separated names), for a focused side-by-side.
    targets: values.targets ? values.targets.split(',').map((name) => name.trim()) : undefined,
    rounds: number('rounds', 'BENCH_ROUNDS', 10, 1),
    // wrk takes whole seconds; autocannon runs as long as asked.
    seconds: number('duration', 'BENCH_DURATION', 3, 1),
    warmupSeconds: number('warmup', undefined, 2, 0, { zero: true }),
    connections: number('connections', 'BENCH_CONNECTIONS', 64, 64),
    tool: values.tool,
    bursts: (values.bursts ?? (quick ? '100' : '100,1000,5000')).split(',').map(Number).filter((n) => n > 0),
    handles: number('handles', undefined, 100_000, 10_000),
    log: values.log,
    redisUrl: values['redis-url'] ?? env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379',
    load: !values['no-load'],
    burst: !values['no-burst'],
    redis: !values['no-redis'] && !quick,
    memory: !values['no-memory'],
    verify: !values['no-verify'],
    profile: values.profile,
    profileSeconds: number('profile-seconds', undefined, 5, 2),
    json: values.json,
    candidate: values.candidate && path.resolve(values.candidate),
  };
}

module.exports = { options };
