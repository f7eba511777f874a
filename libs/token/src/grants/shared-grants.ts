import { Logger } from '@nestjs/common';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Clock } from '../clock';
import type { UpstreamGrant } from '../providers/token-provider';
import { UpstreamError, type UpstreamFailure } from '../errors/upstream-error';
import type { CachedGrant } from './cached-grant';
import { deadlines, type ExpiryPolicy } from './expiry';
import type { Sealer } from '../store/sealer';
import { StoreLock } from '../store/store-lock';
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
  }

  /**
   * A grant for `key` before its refresh-ahead window, from the store if
   * another instance has one, else from `load` under the store's lock. When
   * the refresh fails (here, or moments ago elsewhere), the newest grant still
   * valid (`previous`, or the store's) is answered, marked with the failure;
   * with none, the failure is thrown.
   */
  async load(key: string, load: GrantLoader, previous: CachedGrant | undefined): Promise<SharedLoad> {
    const giveUpAt = Date.now() + this.lockWaitMs;
    let stored: CachedGrant | undefined;
    try {
      for (;;) {
        stored = (await this.read(key)) ?? stored;
        if (stored && this.fresh(stored)) return { grant: stored, source: 'store' };
        const failure = await viaStore(this.store.get(`fail:${key}`));
        if (failure) throw sharedFailure(failure);
        const lock = await viaStore(this.locks.acquire(`lock:${key}`));
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
        const shared = `${error.provider} ${error.failure}`;
        await this.store.set(`fail:${key}`, shared, FAILURE_TTL_MS).catch(() => undefined);
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
    const storeKey = `grant:${key}`;
    await viaStore(this.store.set(storeKey, this.sealer.seal(JSON.stringify(grant), storeKey), ttl));
    return { grant, source: 'upstream', upstreamMs };
  }

  private async read(key: string): Promise<CachedGrant | undefined> {
    const storeKey = `grant:${key}`;
    const sealed = await viaStore(this.store.get(storeKey));
    if (sealed === undefined) return undefined;
    const plain = this.sealer.open(sealed, storeKey);
    if (plain === undefined) {
      // Sealed under another storeKey, tampered with, or moved here from another key: a miss, never served.
      if (!this.warnedUnopenable) {
        this.logger.warn('a stored grant could not be opened (instances sharing a store must share storeKey; or it was moved or altered): treated as a miss');
      }
      this.warnedUnopenable = true;
      return undefined;
    }
    return Object.freeze(JSON.parse(plain)) as CachedGrant;
  }

  /** Before its refresh-ahead window: fit to hand out. */
  private fresh(grant: CachedGrant): boolean {
    return this.clock.now() < grant.refreshAt;
  }
}

/** The failure another caller met moments ago (`"<provider> <failure>"`), as an error of our own. */
function sharedFailure(shared: string): UpstreamError {
  const [provider, failure] = shared.split(' ');
  return new UpstreamError(provider, failure as UpstreamFailure);
}
