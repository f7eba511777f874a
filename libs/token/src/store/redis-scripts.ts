/**
 * The few parts of an ioredis client (a `Redis` or a `Cluster`, ioredis 5 or
 * 6) the store uses, typed by shape so that neither class nor major version is
 * imported: every command goes through `call`, the scripts through
 * `defineCommand`.
 */
export interface RedisClientLike {
  /** `ready` while commands flow (`wait`, `connecting`, `reconnecting`, `close`, `end` otherwise). */
  readonly status: string;
  call(command: string, ...args: (string | number)[]): Promise<unknown>;
  defineCommand(name: string, definition: { numberOfKeys?: number; lua: string }): void;
  on(event: string, listener: (...args: unknown[]) => void): unknown;
  once(event: string, listener: (...args: unknown[]) => void): unknown;
  quit(): Promise<unknown>;
  disconnect(): void;
}

// Atomic compare-and-act steps in Lua, each on one key (so a Cluster needs no cross-slot work):
// a plain GET then DEL could free another holder's lock, a GET then SET could fork a handle chain.
const SCRIPTS = {
  tokenDeleteIf: `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) else return 0 end`,
  tokenExtendIf: `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) else return 0 end`,
  tokenSwap: `if redis.call('GET', KEYS[1]) == ARGV[1] then redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[3]) return 1 else return 0 end`,
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
export type ScriptedRedis = RedisClientLike & {
  tokenDeleteIf(key: string, value: string): Promise<number>;
  tokenExtendIf(key: string, value: string, ttlMs: number): Promise<number>;
  tokenSwap(key: string, expected: string, value: string, ttlMs: number): Promise<number>;
  tokenIncrement(key: string, ttlMs: number): Promise<[number, number]>;
  tokenEnlist(key: string, member: string, max: number, ttlMs: number): Promise<string[]>;
};

/** Teaches `redis` the store's scripts (sent once, then run by SHA, on whichever node holds the key). */
export function withTokenScripts(redis: RedisClientLike): ScriptedRedis {
  for (const [name, lua] of Object.entries(SCRIPTS)) redis.defineCommand(name, { numberOfKeys: 1, lua });
  return redis as ScriptedRedis;
}
