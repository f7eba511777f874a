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
  readonly source: 'store' | 'upstream';
  readonly upstreamMs?: number;
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
   * A grant for `key` that is still usable (past nothing when `background`:
   * a refresh-ahead wants one newer than its refresh point), from the store
   * if another instance has one, else from `load` under the store's lock.
   */
  async load(key: string, load: GrantLoader, previous: CachedGrant | undefined, background: boolean): Promise<SharedLoad> {
    const giveUpAt = Date.now() + this.lockWaitMs;
    for (;;) {
      const stored = await this.read(key);
      if (stored && this.usable(stored, background)) return { grant: stored, source: 'store' };
      const failure = await viaStore(this.store.get(`fail:${key}`));
      if (failure) throw sharedFailure(failure);
      const lock = await viaStore(this.locks.acquire(`lock:${key}`));
      if (lock) {
        try {
          // Another instance may have finished between our read and our lock.
          const again = await this.read(key);
          if (again && this.usable(again, background)) return { grant: again, source: 'store' };
          return await this.fetch(key, load, again ?? stored ?? previous);
        } finally {
          await lock.release();
        }
      }
      if (Date.now() > giveUpAt) throw new UpstreamError('upstream', 'timeout');
      await sleep(POLL_MS);
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

  private usable(grant: CachedGrant, background: boolean): boolean {
    const now = this.clock.now();
    return background ? now < grant.refreshAt : now < grant.expiresAt;
  }
}

/** The failure another caller met moments ago (`"<provider> <failure>"`), as an error of our own. */
function sharedFailure(shared: string): UpstreamError {
  const [provider, failure] = shared.split(' ');
  return new UpstreamError(provider, failure as UpstreamFailure);
}
