import { Logger } from '@nestjs/common';
import type { ThrottlerStorage } from '@nestjs/throttler';
import type { Clock } from '../clock';
import { MemoryTokenStore } from '../store/memory.store';
import type { TokenStore } from '../store/token-store';

// Not exported from the package's entry; derived so nothing imports from its dist/.
type ThrottlerStorageRecord = Awaited<ReturnType<ThrottlerStorage['increment']>>;

/** Hits so far in a fixed window, and when the window ends (ms, server clock). */
export interface WindowCount {
  readonly hits: number;
  readonly resetAt: number;
}

interface Window {
  hits: number;
  resetAt: number;
}

/** Windows counted in this process at most; the oldest goes first. */
const MAX_LOCAL_WINDOWS = 100_000;

/**
 * Rate-limit counters (fixed windows) as `@nestjs/throttler` storage. With the
 * in-memory store they are counted here, synchronously: one Map lookup a
 * request. With a shared store they live in it, so a limit holds across
 * instances; while it is down they fall back to this process (limits hold per
 * instance, and cached tokens keep being served).
 */
export class StoreThrottlerStorage implements ThrottlerStorage {
  private readonly logger = new Logger('TokenModule');
  private readonly local = new Map<string, Window>();
  private readonly shared?: TokenStore;
  private degraded = false;

  constructor(
    store: TokenStore,
    private readonly clock: Clock,
  ) {
    if (!(store instanceof MemoryTokenStore)) this.shared = store;
  }

  /** Counts a hit on `key` in its window of `ttlMs`: synchronously in this process, else a promise. */
  count(key: string, ttlMs: number): WindowCount | Promise<WindowCount> {
    return this.shared ? this.countShared(this.shared, key, ttlMs) : this.countHere(key, ttlMs);
  }

  /** `@nestjs/throttler`'s form of {@link count}. */
  async increment(key: string, ttl: number, limit: number, _block: number, name: string): Promise<ThrottlerStorageRecord> {
    const { hits, resetAt } = await this.count(`rate:${name}:${key}`, ttl);
    const seconds = Math.max(1, Math.ceil((resetAt - this.clock.now()) / 1000));
    return { totalHits: hits, timeToExpire: seconds, isBlocked: hits > limit, timeToBlockExpire: hits > limit ? seconds : 0 };
  }

  private countHere(key: string, ttlMs: number): WindowCount {
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

  private async countShared(store: TokenStore, key: string, ttlMs: number): Promise<WindowCount> {
    try {
      const { hits, ttlMs: left } = await store.increment(key, ttlMs);
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
