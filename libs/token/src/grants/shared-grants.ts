import { Logger } from '@nestjs/common';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Clock } from '../clock';
import type { UpstreamGrant } from '../providers/token-provider';
import { UpstreamError } from '../errors/upstream-error';
import type { CachedGrant } from './cached-grant';
import { deadlines, type ExpiryPolicy } from './expiry';
import type { Sealer } from '../store/sealer';
import { SealedRecords } from '../store/sealed-records';
import { StoreLock } from '../store/store-lock';
import { isCachedGrant, isFailureMemo, type FailureMemo } from './stored-grant';
import { viaStore } from '../errors/store-unavailable.error';
import type { TokenStore } from '../store/token-store';

/** A grant loaded through the store, and where it came from. */
export interface SharedLoad {
  readonly grant: CachedGrant;
  readonly source: 'hit' | 'store' | 'upstream';
  readonly upstreamMs?: number;
  /** Set when the refresh failed and `grant` is the current one, still valid, served meanwhile. */
  readonly failure?: unknown;
}

/** Gets a fresh grant; `previous` is the last one, whose refresh token may renew it. */
export type GrantLoader = (previous: CachedGrant | undefined) => Promise<UpstreamGrant>;

const LOCK_TTL_MS = 5_000;
const POLL_MS = 20;
const FAILURE_TTL_MS = 1_000;
/** Kept past expiry so a refresh token can still renew the grant. */
const STALE_KEEP_MS = 10 * 60_000;

/**
 * The cross-instance half of the grant cache. Grants live sealed in the
 * store; one instance at a time calls the upstream for a key, under a store
 * lock, while the others poll the store for its result. A failure is shared
 * through the store for a moment, so waiters do not each retry in turn.
 */
export class SharedGrants {
  private readonly logger = new Logger('TokenModule');
  private readonly locks: StoreLock;
  private readonly records: SealedRecords;
  private warnedUnopenable = false;

  constructor(
    private readonly store: TokenStore,
    private readonly clock: Clock,
    private readonly sealer: Sealer,
    private readonly policy: ExpiryPolicy,
    /** How long to wait for another instance's call before giving up (504). */
    private readonly lockWaitMs: number,
  ) {
    this.locks = new StoreLock(store, LOCK_TTL_MS);
    this.records = new SealedRecords(store, sealer);
  }

  /**
   * A grant for `key` before its refresh-ahead window, from the store if
   * another instance has one, else from `load` under the store's lock. When
   * the refresh fails (here, or moments ago elsewhere), the newest grant still
   * valid (`previous`, or the store's) is answered, marked with the failure;
   * with none, the failure is thrown. A stored grant inside its window is thus
   * served only when no fresher one can be had: an older sealed grant written
   * back over a newer one is never preferred to an upstream call.
   */
  async load(key: string, load: GrantLoader, previous: CachedGrant | undefined): Promise<SharedLoad> {
    const giveUpAt = Date.now() + this.lockWaitMs;
    let stored: CachedGrant | undefined;
    try {
      for (;;) {
        stored = (await this.read(key)) ?? stored;
        if (stored && this.fresh(stored)) return { grant: stored, source: 'store' };
        const failure = await this.failure(key);
        if (failure) throw new UpstreamError(failure.p, failure.f);
        const lock = await viaStore(this.locks.acquire(this.records.name('lock', key)));
        if (lock) {
          try {
            // Another instance may have finished between our read and our lock.
            stored = (await this.read(key)) ?? stored;
            if (stored && this.fresh(stored)) return { grant: stored, source: 'store' };
            return await this.fetch(key, load, stored ?? previous);
          } finally {
            await lock.release();
          }
        }
        if (Date.now() > giveUpAt) throw new UpstreamError('upstream', 'timeout');
        await sleep(POLL_MS);
      }
    } catch (failure) {
      const now = this.clock.now();
      const valid = [stored, previous].filter((grant): grant is CachedGrant => grant !== undefined && now < grant.expiresAt);
      const current = valid.reduce<CachedGrant | undefined>((best, grant) => (best && best.expiresAt >= grant.expiresAt ? best : grant), undefined);
      if (!current) throw failure;
      return { grant: current, source: current === previous ? 'hit' : 'store', failure };
    }
  }

  private async fetch(key: string, load: GrantLoader, previous: CachedGrant | undefined): Promise<SharedLoad> {
    const started = performance.now();
    let upstream: UpstreamGrant;
    try {
      upstream = await load(previous);
    } catch (error) {
      if (error instanceof UpstreamError) {
        const memo: FailureMemo = { p: error.provider, f: error.failure };
        await this.records.write(this.records.name('fail', key), memo, this.clock.now(), FAILURE_TTL_MS).catch(() => undefined);
      }
      throw error;
    }
    const upstreamMs = Math.round(performance.now() - started);
    const grant: CachedGrant = Object.freeze({
      accessToken: upstream.accessToken,
      refreshToken: upstream.refreshToken,
      extras: upstream.extras,
      ...deadlines(upstream.expiresIn, this.clock.now(), this.policy),
    });
    const ttl = Math.max(1, grant.expiresAt - this.clock.now()) + STALE_KEEP_MS;
    const storeKey = this.records.name('grant', key);
    // Versions only grow, so an older sealed grant written back over this one is refused as a replay.
    const version = Math.max(this.clock.now(), this.records.newest(storeKey) + 1);
    await viaStore(this.records.write(storeKey, grant, version, ttl));
    return { grant, source: 'upstream', upstreamMs };
  }

  /**
   * The stored grant of `key`. Whatever does not open under this key (another
   * storeKey, edited, moved, planted) or is older than one this process has
   * seen (replayed) is a miss, never served: the caller fetches a fresh one.
   */
  private async read(key: string): Promise<CachedGrant | undefined> {
    const storeKey = this.records.name('grant', key);
    const raw = await viaStore(this.store.get(storeKey));
    if (raw === undefined) return undefined;
    const record = this.records.open(storeKey, raw, isCachedGrant);
    if (record === undefined) this.warnUnopenable();
    return record && Object.freeze(record.body);
  }

  /** The failure another caller met moments ago, when a valid memo of it is there; anything else is no memo. */
  private async failure(key: string): Promise<FailureMemo | undefined> {
    const memoKey = this.records.name('fail', key);
    const memo = await viaStore(this.records.read(memoKey, isFailureMemo));
    // A memo is a second old at most: an older copy written back is no news.
    return memo && this.clock.now() - memo.version <= FAILURE_TTL_MS ? memo.body : undefined;
  }

  private warnUnopenable(): void {
    // Fixed words: never the stored text. Once per process.
    if (this.warnedUnopenable) return;
    this.warnedUnopenable = true;
    this.logger.warn('a stored grant could not be opened (instances sharing a store must share storeKey; or it was moved, altered or replayed): treated as a miss');
  }

  /** Before its refresh-ahead window: fit to hand out. */
  private fresh(grant: CachedGrant): boolean {
    return this.clock.now() < grant.refreshAt;
  }
}
