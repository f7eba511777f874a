import { Clock, systemClock } from '../clock';
import { TokenStore } from './token-store';

interface Entry {
  value: string;
  expiresAt: number;
}

/** Options of {@link MemoryTokenStore}. */
export interface MemoryTokenStoreOptions {
  /** Upper bound on live keys; the oldest are dropped first. Default 200 000. */
  maxEntries?: number;
  /** Time source for TTLs; the module passes its own. */
  clock?: Clock;
}

/**
 * The embedded default store: a bounded in-process map with TTLs read from the
 * library's clock. Right for one instance; use `RedisTokenStore` for several.
 *
 * Expired entries are dropped when read, and the oldest entries are evicted
 * once `maxEntries` is reached, so memory stays bounded without a timer.
 */
export class MemoryTokenStore implements TokenStore {
  private readonly entries = new Map<string, Entry>();
  private readonly maxEntries: number;
  private readonly clock: Clock;

  constructor(options: MemoryTokenStoreOptions = {}) {
    this.maxEntries = options.maxEntries ?? 200_000;
    this.clock = options.clock ?? systemClock;
  }

  /** Live entries, expired ones included until they are read or evicted. */
  get size(): number {
    return this.entries.size;
  }

  async get(key: string): Promise<string | undefined> {
    return this.live(key)?.value;
  }

  async set(key: string, value: string, ttlMs: number): Promise<void> {
    this.write(key, value, ttlMs);
  }

  async add(key: string, value: string, ttlMs: number): Promise<boolean> {
    if (this.live(key)) return false;
    this.write(key, value, ttlMs);
    return true;
  }

  async delete(key: string): Promise<void> {
    this.entries.delete(key);
  }

  async deleteIf(key: string, value: string): Promise<boolean> {
    if (this.live(key)?.value !== value) return false;
    this.entries.delete(key);
    return true;
  }

  async swap(key: string, expected: string, value: string, ttlMs: number): Promise<boolean> {
    if (this.live(key)?.value !== expected) return false;
    this.write(key, value, ttlMs);
    return true;
  }

  async extendIf(key: string, value: string, ttlMs: number): Promise<boolean> {
    const entry = this.live(key);
    if (entry?.value !== value) return false;
    entry.expiresAt = this.clock.now() + ttlMs;
    return true;
  }

  async increment(key: string, ttlMs: number): Promise<{ hits: number; ttlMs: number }> {
    const now = this.clock.now();
    const entry = this.live(key);
    if (!entry) {
      this.write(key, '1', ttlMs);
      return { hits: 1, ttlMs };
    }
    const hits = Number(entry.value) + 1;
    entry.value = String(hits);
    return { hits, ttlMs: entry.expiresAt - now };
  }

  /** Always answers: it lives in this process. */
  async ping(): Promise<void> {}

  async enlist(key: string, member: string, max: number, ttlMs: number): Promise<string[]> {
    const members = (JSON.parse(this.live(key)?.value ?? '[]') as string[]).filter((m) => m !== member);
    members.push(member);
    const dropped = members.splice(0, Math.max(0, members.length - max));
    this.write(key, JSON.stringify(members), ttlMs);
    return dropped;
  }

  async close(): Promise<void> {
    this.entries.clear();
  }

  private live(key: string): Entry | undefined {
    const entry = this.entries.get(key);
    if (entry && entry.expiresAt <= this.clock.now()) {
      this.entries.delete(key);
      return undefined;
    }
    return entry;
  }

  private write(key: string, value: string, ttlMs: number): void {
    // Re-inserting moves the key to the end, so Map order is oldest-written first.
    this.entries.delete(key);
    if (this.entries.size >= this.maxEntries) {
      const oldest = this.entries.keys().next().value;
      if (oldest !== undefined) this.entries.delete(oldest);
    }
    this.entries.set(key, { value, expiresAt: this.clock.now() + ttlMs });
  }
}
