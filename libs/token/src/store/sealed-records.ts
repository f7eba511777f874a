import type { Sealer } from './sealer';
import type { TokenStore } from './token-store';

/** A record as read back: its checked body, and the exact stored text (for a compare-and-swap). */
export interface ReadRecord<T> {
  readonly body: T;
  readonly version: number;
  readonly raw: string;
}

/** Checks a decoded body's shape; a store writer's garbage must fail it. */
export type RecordCheck<T> = (body: unknown) => body is T;

/** Versions remembered per key at most; the oldest is forgotten first. */
const MAX_REMEMBERED = 20_000;

/**
 * Every record the library reads back from the store goes through here:
 *
 * - its key name is a keyed digest of what identifies it ({@link name}), so no
 *   user id, avatar id or IP shows in the store;
 * - its value is sealed to that key (AEAD, the key as associated data) with a
 *   version inside, so an edited, moved or planted value does not open;
 * - the body is checked for shape after opening;
 * - a version lower than one this process has already seen (or written, or
 *   deleted) under that key is a replay of an older record.
 *
 * Whatever fails any of these is absent: the caller treats it as a miss, never
 * a 500, never trusted. Replays are caught by the instances that saw the newer
 * record; the records that matter most also carry deadlines (a grace end, an
 * expiry, a refresh point) that bound what an older copy can do elsewhere.
 */
export class SealedRecords {
  private readonly seen = new Map<string, number>();

  constructor(
    private readonly store: TokenStore,
    private readonly sealer: Sealer,
  ) {}

  /** The store key of `kind` for `id` (e.g. `grant:<digest>`): no identifier in clear. */
  name(kind: string, id: string): string {
    return digestedKey(this.sealer, kind, id);
  }

  /** The sealed text of `body` at `version` for `key`, as {@link write} stores it (for a compare-and-swap). */
  seal(key: string, body: unknown, version: number): string {
    this.remember(key, version);
    return this.sealer.seal(JSON.stringify({ v: version, b: body }), key);
  }

  /** Writes `body` at `version` under `key` for `ttlMs`. */
  async write(key: string, body: unknown, version: number, ttlMs: number): Promise<void> {
    await this.store.set(key, this.seal(key, body, version), ttlMs);
  }

  /** The record under `key` when it opens, is this key's, passes `check` and is no replay; else undefined. */
  async read<T>(key: string, check: RecordCheck<T>): Promise<ReadRecord<T> | undefined> {
    const raw = await this.store.get(key);
    return raw === undefined ? undefined : this.open(key, raw, check);
  }

  /** {@link read} for a value already fetched. */
  open<T>(key: string, raw: string, check: RecordCheck<T>): ReadRecord<T> | undefined {
    const plain = this.sealer.open(raw, key);
    if (plain === undefined) return undefined;
    let decoded: { v?: unknown; b?: unknown };
    try {
      decoded = JSON.parse(plain) as { v?: unknown; b?: unknown };
    } catch {
      return undefined;
    }
    const version = decoded?.v;
    if (typeof version !== 'number' || !Number.isFinite(version) || !check(decoded.b)) return undefined;
    if (version < (this.seen.get(key) ?? -Infinity)) return undefined;
    this.remember(key, version);
    return { body: decoded.b, version, raw };
  }

  /** The highest version this process has seen under `key` (0 when none). */
  newest(key: string): number {
    return this.seen.get(key) ?? 0;
  }

  /** Deletes `key`; this process then refuses any copy of what it held (a revoked chain stays revoked here). */
  async delete(key: string): Promise<void> {
    this.remember(key, Infinity);
    await this.store.delete(key);
  }

  private remember(key: string, version: number): void {
    const known = this.seen.get(key);
    if (known !== undefined && known >= version) return;
    this.seen.delete(key);
    if (this.seen.size >= MAX_REMEMBERED) this.seen.delete(this.seen.keys().next().value as string);
    this.seen.set(key, version);
  }
}

/**
 * `<kind>:<keyed digest of kind and id>`: a store key name that shows no user
 * id, avatar id or IP, the same on every instance sharing the store key.
 * For any part of the library that keys the store by a caller (rate-limit
 * counters: `digestedKey(sealer, 'rate', `${throttler}\n${tracker}`)`).
 */
export function digestedKey(sealer: Sealer, kind: string, id: string): string {
  return `${kind}:${sealer.digest(`${kind}\n${id}`)}`;
}

