import { Logger } from '@nestjs/common';
import Redis, { type RedisOptions } from 'ioredis';
import type { TokenStore } from './token-store';

/** Options of {@link RedisTokenStore}. */
export interface RedisTokenStoreOptions {
  /** Prepended to every key, so several apps or test runs share one Redis. Default `token:`. */
  prefix?: string;
  /** Close the client with the store (true when the store made it). */
  ownsClient?: boolean;
}

// Atomic compare-and-act steps; a plain GET then DEL could free another holder's lock.
const SCRIPTS = {
  deleteIf: `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) else return 0 end`,
  extendIf: `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) else return 0 end`,
  increment: `local n = redis.call('INCR', KEYS[1])
if n == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
local ttl = redis.call('PTTL', KEYS[1])
if ttl < 0 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) ttl = tonumber(ARGV[1]) end
return {n, ttl}`,
};

type ScriptedRedis = Redis & {
  tokenDeleteIf(key: string, value: string): Promise<number>;
  tokenExtendIf(key: string, value: string, ttlMs: number): Promise<number>;
  tokenIncrement(key: string, ttlMs: number): Promise<[number, number]>;
};

/**
 * The store for several instances: grants, handles, locks and rate counters
 * in Redis (ioredis 5). Commands time out fast, so a Redis outage turns into
 * 503s within a couple of seconds instead of hung requests; ioredis
 * reconnects by itself.
 *
 * @example
 * TokenModule.forRoot({ store: RedisTokenStore.fromUrl(process.env.REDIS_URL!), storeKey: process.env.STORE_KEY })
 */
export class RedisTokenStore implements TokenStore {
  private readonly logger = new Logger('TokenModule');
  private readonly redis: ScriptedRedis;
  private readonly prefix: string;
  private readonly ownsClient: boolean;

  constructor(redis: Redis, options: RedisTokenStoreOptions = {}) {
    this.redis = redis as ScriptedRedis;
    this.prefix = options.prefix ?? 'token:';
    this.ownsClient = options.ownsClient ?? false;
    this.redis.defineCommand('tokenDeleteIf', { numberOfKeys: 1, lua: SCRIPTS.deleteIf });
    this.redis.defineCommand('tokenExtendIf', { numberOfKeys: 1, lua: SCRIPTS.extendIf });
    this.redis.defineCommand('tokenIncrement', { numberOfKeys: 1, lua: SCRIPTS.increment });
  }

  /**
   * A store with its own client for `url`. The URL may hold a password: it is
   * never logged.
   */
  static fromUrl(url: string, options: RedisTokenStoreOptions & { redis?: RedisOptions } = {}): RedisTokenStore {
    const client = new Redis(url, {
      connectTimeout: 2_000,
      commandTimeout: 1_500,
      maxRetriesPerRequest: 1,
      retryStrategy: (attempt) => Math.min(attempt * 200, 2_000),
      ...options.redis,
    });
    const store = new RedisTokenStore(client, { ownsClient: true, ...options });
    store.watch(client);
    return store;
  }

  async get(key: string): Promise<string | undefined> {
    return (await this.redis.get(this.prefix + key)) ?? undefined;
  }

  async set(key: string, value: string, ttlMs: number): Promise<void> {
    await this.redis.set(this.prefix + key, value, 'PX', Math.max(1, Math.ceil(ttlMs)));
  }

  async add(key: string, value: string, ttlMs: number): Promise<boolean> {
    return (await this.redis.set(this.prefix + key, value, 'PX', Math.max(1, Math.ceil(ttlMs)), 'NX')) === 'OK';
  }

  async delete(key: string): Promise<void> {
    await this.redis.del(this.prefix + key);
  }

  async deleteIf(key: string, value: string): Promise<boolean> {
    return (await this.redis.tokenDeleteIf(this.prefix + key, value)) === 1;
  }

  async extendIf(key: string, value: string, ttlMs: number): Promise<boolean> {
    return (await this.redis.tokenExtendIf(this.prefix + key, value, Math.max(1, Math.ceil(ttlMs)))) === 1;
  }

  async increment(key: string, ttlMs: number): Promise<{ hits: number; ttlMs: number }> {
    const [hits, ttl] = await this.redis.tokenIncrement(this.prefix + key, Math.max(1, Math.ceil(ttlMs)));
    return { hits, ttlMs: ttl };
  }

  async close(): Promise<void> {
    if (!this.ownsClient) return;
    await this.redis.quit().catch(() => this.redis.disconnect());
  }

  /** Logs outages and recoveries once each, without the URL or the error text (either may hold a password). */
  private watch(client: Redis): void {
    let down = false;
    client.on('error', () => {
      if (!down) this.logger.warn('Redis unavailable: cached tokens are still served; what needs the store answers 503');
      down = true;
    });
    client.on('ready', () => {
      if (down) this.logger.log('Redis is back');
      down = false;
    });
  }
}
