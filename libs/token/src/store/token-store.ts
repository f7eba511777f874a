/**
 * Where grants, refresh handles, locks and rate-limit counters live. Two
 * implementations ship: {@link MemoryTokenStore} (the embedded default, one
 * process) and `RedisTokenStore` (several instances). The operations are the
 * few atomic ones the library needs, so another backend is a short class.
 *
 * Values are opaque strings: the library seals what must not be readable
 * before it gets here, so a store never holds a usable credential.
 */
export interface TokenStore {
  /** The value under `key`, or undefined when absent or expired. */
  get(key: string): Promise<string | undefined>;
  /** Writes `value` under `key` for `ttlMs`. */
  set(key: string, value: string, ttlMs: number): Promise<void>;
  /** Writes only when `key` is absent (SET NX PX); true when written. */
  add(key: string, value: string, ttlMs: number): Promise<boolean>;
  /** Removes `key`. */
  delete(key: string): Promise<void>;
  /** Removes `key` only while it still holds `value` (compare-and-delete); true when removed. */
  deleteIf(key: string, value: string): Promise<boolean>;
  /**
   * Writes `value` under `key` for `ttlMs` only while `key` still holds
   * `expected` (compare-and-swap); true when written. One key, atomic: two
   * rotations of one refresh handle cannot both win.
   */
  swap(key: string, expected: string, value: string, ttlMs: number): Promise<boolean>;
  /** Extends the TTL of `key` only while it holds `value`; true when extended. */
  extendIf(key: string, value: string, ttlMs: number): Promise<boolean>;
  /**
   * Counts a hit in a fixed window that starts with the first hit and lasts `ttlMs`.
   * Returns the hits so far and the milliseconds left in the window.
   */
  increment(key: string, ttlMs: number): Promise<{ hits: number; ttlMs: number }>;
  /**
   * Resolves when the store answers, rejects when it does not (readiness
   * checks). Optional: a store without it is checked with a `get`.
   */
  ping?(): Promise<void>;

  /**
   * Moves `member` to the newest end of the list under `key` (adding it when
   * absent), keeps only the newest `max` members, sets the list's TTL to
   * `ttlMs`, and answers the members it dropped, oldest first. Atomic.
   */
  enlist(key: string, member: string, max: number, ttlMs: number): Promise<string[]>;
  /** Releases connections and timers. Called by the module on shutdown. */
  close?(): Promise<void>;
}

/** DI token of the {@link TokenStore} the module uses. */
export const TokenStore = Symbol('TokenStore');
