import { Logger } from '@nestjs/common';
import type { ThrottlerStorage } from '@nestjs/throttler';

import type { Clock } from '../clock';
import { MemoryTokenStore } from '../store/memory.store';
import type { TokenStore } from '../store/token-store';

// Not exported from the package's entry; derived so nothing imports from its dist/.
type ThrottlerStorageRecord = Awaited<ReturnType<ThrottlerStorage['increment']>>;

/**
 * `@nestjs/throttler` counters kept in the module's {@link TokenStore}, so a
 * limit holds across instances sharing Redis. While the store is down, counts
 * fall back to this process: limits hold per instance and tokens already
 * cached keep being served.
 */
export class StoreThrottlerStorage implements ThrottlerStorage {
  private readonly logger = new Logger('TokenModule');
  private readonly fallback: MemoryTokenStore;
  private degraded = false;

  constructor(
    private readonly store: TokenStore,
    clock: Clock,
  ) {
    this.fallback = new MemoryTokenStore({ clock, maxEntries: 50_000 });
  }

  async increment(key: string, ttl: number, limit: number, _block: number, name: string): Promise<ThrottlerStorageRecord> {
    const { hits, ttlMs } = await this.count(`rate:${name}:${key}`, ttl);
    const seconds = Math.max(1, Math.ceil(ttlMs / 1000));
    return { totalHits: hits, timeToExpire: seconds, isBlocked: hits > limit, timeToBlockExpire: hits > limit ? seconds : 0 };
  }

  private async count(key: string, ttl: number): Promise<{ hits: number; ttlMs: number }> {
    try {
      const counted = await this.store.increment(key, ttl);
      if (this.degraded) this.logger.log('rate-limit counters are back in the shared store');
      this.degraded = false;
      return counted;
    } catch {
      if (!this.degraded) this.logger.warn('token store unavailable: rate limits count per instance until it is back');
      this.degraded = true;
      return this.fallback.increment(key, ttl);
    }
  }
}
