import { Logger } from '@nestjs/common';
import type { ThrottlerStorage } from '@nestjs/throttler';
import type { Clock } from '../clock';
import { MemoryTokenStore } from '../store/memory.store';
import { digestedKey } from '../store/sealed-records';
import type { Sealer } from '../store/sealer';
import type { TokenStore } from '../store/token-store';

// Not exported from the package's entry; derived so nothing imports from its dist/.
export type ThrottlerStorageRecord = Awaited<ReturnType<ThrottlerStorage['increment']>>;

interface Window {
  hits: number;
  resetAt: number;
}

/** Counters kept in this process at most; the oldest goes first. */
const MAX_LOCAL_WINDOWS = 100_000;

/**
 * The library's own `@nestjs/throttler` storage: plain counters that expire
 * `ttl` ms after their first hit, in the module's {@link TokenStore}. With a
 * shared store (Redis) they live there, so limits and budgets hold across
 * instances; while it is down they fall back to this process (limits then hold
 * per instance, and cached tokens keep being served). With the in-memory
 * store they are counted here, and {@link incrementNow} answers without a
 * promise, so the warm path awaits nothing.
 *
 * Any other `ThrottlerStorage` (an app's Redis one, say) can take its place:
 * the module's `throttlerStorage` option.
 */
export class StoreThrottlerStorage implements ThrottlerStorage {
  private readonly logger = new Logger('TokenModule');
  private readonly local = new Map<string, Window>();
  private readonly shared?: TokenStore;
  private degraded = false;

  /**
   * @param sealer when given, a counter's key in a shared store is a keyed
   *   digest of it: its user id or client IP never stands there in clear.
   */
  constructor(
    store: TokenStore,
    private readonly clock: Clock,
    private readonly sealer?: Sealer,
  ) {
    if (!(store instanceof MemoryTokenStore)) this.shared = store;
  }

  /** True when counters live in this process (the in-memory store): {@link incrementNow} then answers. */
  get inProcess(): boolean {
    return this.shared === undefined;
  }

  /** Counts a hit on `key` synchronously when counting in this process; undefined with a shared store (use {@link increment}). */
  incrementNow(key: string, ttlMs: number): number | undefined {
    return this.shared ? undefined : this.countHere(key, ttlMs).hits;
  }

  /** `@nestjs/throttler`'s contract: one hit on `key`, in a window of `ttl` ms. Blocking is left to the caller (the token throttler). */
  async increment(key: string, ttl: number, limit: number, _blockDuration: number, _throttlerName: string): Promise<ThrottlerStorageRecord> {
    const { hits, resetAt } = this.shared ? await this.countShared(this.shared, key, ttl) : this.countHere(key, ttl);
    const seconds = Math.max(1, Math.ceil((resetAt - this.clock.now()) / 1000));
    return { totalHits: hits, timeToExpire: seconds, isBlocked: hits > limit, timeToBlockExpire: hits > limit ? seconds : 0 };
  }

  private countHere(key: string, ttlMs: number): Window {
    const now = this.clock.now();
    let window = this.local.get(key);
    if (window === undefined || now >= window.resetAt) {
      if (window !== undefined) this.local.delete(key);
      else if (this.local.size >= MAX_LOCAL_WINDOWS) this.local.delete(this.local.keys().next().value as string);
      window = { hits: 0, resetAt: now + ttlMs };
      this.local.set(key, window);
    }
    window.hits += 1;
    return window;
  }

  private async countShared(store: TokenStore, key: string, ttlMs: number): Promise<Window> {
    try {
      const stored = this.sealer ? digestedKey(this.sealer, 'rate', key) : key;
      const { hits, ttlMs: left } = await store.increment(stored, ttlMs);
      if (this.degraded) this.logger.log('rate-limit counters are back in the shared store');
      this.degraded = false;
      return { hits, resetAt: this.clock.now() + left };
    } catch {
      if (!this.degraded) this.logger.warn('token store unavailable: rate limits count per instance until it is back');
      this.degraded = true;
      return this.countHere(key, ttlMs);
    }
  }
}
