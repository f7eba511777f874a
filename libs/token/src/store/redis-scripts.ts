import type Redis from 'ioredis';

// Atomic compare-and-act steps in Lua: a plain GET then DEL could free another holder's lock.
const SCRIPTS = {
  tokenDeleteIf: `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) else return 0 end`,
  tokenExtendIf: `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) else return 0 end`,
  tokenIncrement: `local n = redis.call('INCR', KEYS[1])
if n == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
local ttl = redis.call('PTTL', KEYS[1])
if ttl < 0 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) ttl = tonumber(ARGV[1]) end
return {n, ttl}`,
  tokenEnlist: `redis.call('LREM', KEYS[1], 0, ARGV[1])
local n = redis.call('RPUSH', KEYS[1], ARGV[1])
local max = tonumber(ARGV[2])
local dropped = {}
if n > max then
  dropped = redis.call('LRANGE', KEYS[1], 0, n - max - 1)
  redis.call('LTRIM', KEYS[1], n - max, -1)
end
redis.call('PEXPIRE', KEYS[1], ARGV[3])
return dropped`,
};

/** A client that knows the store's scripts. */
export type ScriptedRedis = Redis & {
  tokenDeleteIf(key: string, value: string): Promise<number>;
  tokenExtendIf(key: string, value: string, ttlMs: number): Promise<number>;
  tokenIncrement(key: string, ttlMs: number): Promise<[number, number]>;
  tokenEnlist(key: string, member: string, max: number, ttlMs: number): Promise<string[]>;
};

/** Teaches `redis` the store's scripts (sent once, then run by SHA). */
export function withTokenScripts(redis: Redis): ScriptedRedis {
  for (const [name, lua] of Object.entries(SCRIPTS)) redis.defineCommand(name, { numberOfKeys: 1, lua });
  return redis as ScriptedRedis;
}
