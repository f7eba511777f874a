import { Logger } from '@nestjs/common';
import type { RedisOptions } from 'ioredis';
import { systemClock } from '../clock';
import { CircuitBreaker } from '../upstream/circuit-breaker';
import { connectRedis, type RedisConnection } from './redis-connect';
import { DISCONNECTED, isTimeout, quitClient, RedisTimeoutError, ttl } from './redis-client';
import { withTokenScripts, type RedisClientLike, type ScriptedRedis } from './redis-scripts';
import type { TokenStore } from './token-store';
import type { RedisTokenStoreOptions } from './redis-store.options';

export type { RedisTokenStoreOptions } from './redis-store.options';

/**
 * The store for several instances: grants, handles, locks and rate counters
 * in Redis, every key under one prefix. It takes an ioredis `Redis`
 * (standalone, TLS, Sentinel) or `Cluster`, ioredis 5 or 6; every operation
 * touches one key, so a Cluster needs no cross-slot work.
 *
 * Losing Redis degrades, never hangs: while the client is disconnected every
 * operation fails at once; an operation Redis does not answer fails after
 * `operationTimeoutMs` (2 s) and makes the next ones fail at once for
 * `cooldownMs` (1 s), after which one probes. Callers turn these failures
 * into 503s (or, for rate limits, per-instance counting), and ioredis
 * reconnects by itself.
 *
 * @example
 * TokenModule.forRoot({ store: RedisTokenStore.fromUrl(process.env.REDIS_URL!), storeKey: process.env.STORE_KEY })
 * // or: RedisTokenStore.connect({ sentinels: [{ host: 's1', port: 26379 }], name: 'mymaster', password })
 * // or: new RedisTokenStore(new Cluster([{ host: 'n1', port: 6379 }]))
 */
export class RedisTokenStore implements TokenStore {
  private readonly logger = new Logger('TokenModule');
  private readonly redis: ScriptedRedis;
  private readonly prefix: string;
  private readonly ownsClient: boolean;
  private readonly timeoutMs: number;
  /** Opens on the first operation Redis does not answer in time; wall-clock, as Redis' own timeouts are. */
  private readonly answering: CircuitBreaker;
  private closing?: Promise<void>;

  constructor(redis: RedisClientLike, options: RedisTokenStoreOptions = {}) {
    this.redis = withTokenScripts(redis);
    this.prefix = options.prefix ?? 'token:';
    this.ownsClient = options.ownsClient ?? false;
    this.timeoutMs = options.operationTimeoutMs ?? 2_000;
    this.answering = new CircuitBreaker(1, options.cooldownMs ?? 1_000, systemClock);
    // A fresh connection answers: no need to wait out a cool-down from before it.
    this.redis.on('ready', () => this.answering.succeeded());
  }

  /**
   * A store with its own client for `url`. The URL may hold a password: it is
   * never logged.
   */
  static fromUrl(url: string, options: RedisTokenStoreOptions & { redis?: RedisOptions; tlsCa?: string | Buffer } = {}): RedisTokenStore {
    return RedisTokenStore.connect({ url, tlsCa: options.tlsCa }, options);
  }

  /**
   * A store with its own client for `connection`: a URL, Sentinels, or Cluster
   * seed nodes. Passwords and URLs are never logged.
   */
  static connect(connection: RedisConnection, options: RedisTokenStoreOptions & { redis?: RedisOptions } = {}): RedisTokenStore {
    const client = connectRedis(connection, options.redis);
    const store = new RedisTokenStore(client, { ownsClient: true, ...options });
    store.watch(client);
    return store;
  }

  /** The client's current state (`ready` when commands flow), for health checks. */
  get status(): string {
    return this.redis.status;
  }

  async get(key: string): Promise<string | undefined> {
    return ((await this.run(() => this.redis.call('GET', this.prefix + key))) as string | null) ?? undefined;
  }

  async set(key: string, value: string, ttlMs: number): Promise<void> {
    const px = ttl(ttlMs);
    await this.run(() => this.redis.call('SET', this.prefix + key, value, 'PX', px));
  }

  async add(key: string, value: string, ttlMs: number): Promise<boolean> {
    const px = ttl(ttlMs);
    return (await this.run(() => this.redis.call('SET', this.prefix + key, value, 'PX', px, 'NX'))) === 'OK';
  }

  async delete(key: string): Promise<void> {
    await this.run(() => this.redis.call('DEL', this.prefix + key));
  }

  async deleteIf(key: string, value: string): Promise<boolean> {
    return (await this.run(() => this.redis.tokenDeleteIf(this.prefix + key, value))) === 1;
  }

  async swap(key: string, expected: string, value: string, ttlMs: number): Promise<boolean> {
    const px = ttl(ttlMs);
    return (await this.run(() => this.redis.tokenSwap(this.prefix + key, expected, value, px))) === 1;
  }

  async extendIf(key: string, value: string, ttlMs: number): Promise<boolean> {
    const px = ttl(ttlMs);
    return (await this.run(() => this.redis.tokenExtendIf(this.prefix + key, value, px))) === 1;
  }

  async increment(key: string, ttlMs: number): Promise<{ hits: number; ttlMs: number }> {
    const px = ttl(ttlMs);
    const [hits, left] = await this.run(() => this.redis.tokenIncrement(this.prefix + key, px));
    return { hits: Number(hits), ttlMs: Number(left) };
  }

  /**
   * PING; fails at once while disconnected, and within the operation timeout
   * when Redis hangs. A Cluster answers from one of its nodes; a Sentinel
   * client, from the primary it follows.
   */
  async ping(): Promise<void> {
    await this.run(() => this.redis.call('PING'));
  }

  async enlist(key: string, member: string, max: number, ttlMs: number): Promise<string[]> {
    const px = ttl(ttlMs);
    return this.run(() => this.redis.tokenEnlist(this.prefix + key, member, Math.max(1, Math.floor(max)), px));
  }

  /** Quits the client when the store owns it, and resolves once it has ended; a given client stays open. */
  close(): Promise<void> {
    if (!this.ownsClient) return Promise.resolve();
    this.closing ??= quitClient(this.redis);
    return this.closing;
  }

  /**
   * Runs one command, failing at once while the client is disconnected or
   * Redis recently stopped answering (so a caller with a fallback, such as the
   * rate limiter, does not wait on every request), and after
   * {@link RedisTokenStoreOptions.operationTimeoutMs} at most.
   */
  private run<T>(command: () => Promise<T>): Promise<T> {
    if (DISCONNECTED.has(this.redis.status)) return Promise.reject(new Error('Redis is not connected'));
    if (!this.answering.tryEnter()) return Promise.reject(new Error('Redis is not answering'));
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new RedisTimeoutError()), this.timeoutMs);
    });
    return Promise.race([command(), timeout]).then(
      (result) => {
        clearTimeout(timer);
        this.answered();
        return result;
      },
      (error: unknown) => {
        clearTimeout(timer);
        if (isTimeout(error)) this.unanswered();
        else if (!DISCONNECTED.has(this.redis.status)) this.answered(); // an error reply is an answer
        throw error;
      },
    );
  }

  private unanswered(): void {
    if (this.answering.state === 'closed') this.logger.warn('Redis is not answering: what needs the store answers 503 until it does');
    this.answering.failed();
  }

  private answered(): void {
    if (this.answering.state !== 'closed') this.logger.log('Redis answers again');
    this.answering.succeeded();
  }

  /** Logs outages and recoveries once each, without the URL or the error text (either may hold a password). */
  private watch(client: RedisClientLike): void {
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
