import type { ThrottlerStorage } from '@nestjs/throttler';
import { StoreThrottlerStorage } from './store-throttler.storage';

/** No blocking by the storage: the callers decide from the counts. */
const NO_LIMIT = Number.MAX_SAFE_INTEGER;

/**
 * Counts hits through any `@nestjs/throttler` storage's `increment`, and
 * without a promise when the storage is the library's own counting in this
 * process (the default with the in-memory store).
 */
export class WindowCounter {
  private readonly sync?: StoreThrottlerStorage;

  constructor(private readonly storage: ThrottlerStorage) {
    if (storage instanceof StoreThrottlerStorage && storage.inProcess) this.sync = storage;
  }

  /** One hit on `key` (expiring `ttlMs` after its first): the count so far. */
  hit(key: string, ttlMs: number, name: string): number | Promise<number> {
    const now = this.sync?.incrementNow(key, ttlMs);
    if (now !== undefined) return now;
    return this.storage.increment(key, ttlMs, NO_LIMIT, 0, name).then((record) => record.totalHits);
  }

  /** One hit on each of two keys, in order: both counts. */
  hitBoth(first: string, second: string, ttlMs: number, name: string): readonly [number, number] | Promise<readonly [number, number]> {
    const a = this.hit(first, ttlMs, name);
    const b = this.hit(second, ttlMs, name);
    if (typeof a === 'number' && typeof b === 'number') return [a, b];
    return Promise.all([a, b]);
  }
}
