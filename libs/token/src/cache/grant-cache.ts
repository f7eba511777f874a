import { Inject, Injectable, Logger } from '@nestjs/common';
import { setTimeout as sleep } from 'node:timers/promises';
import { Clock } from '../clock';
import type { UpstreamGrant } from '../providers/token-provider';
import { TOKEN_MODULE_OPTIONS } from '../token.constants';
import type { TokenModuleOptions } from '../token-module-options';
import { UpstreamError, type UpstreamFailure } from '../upstream/upstream-error';
import { describeError } from '../util/describe-error';
import type { CachedGrant } from './cached-grant';
import { DEFAULT_EXPIRY_POLICY, deadlines, type ExpiryPolicy } from './expiry';
import { Sealer } from './sealer';
import { StoreLock } from './store-lock';
import { viaStore } from './store-unavailable.error';
import { TokenStore } from './token-store';

/** Where a grant came from: the in-process copy, the shared store, the upstream, or another caller's call. */
export type GrantSource = 'hit' | 'store' | 'upstream' | 'merged';

/** A grant and how it was found. */
export interface GrantLookup {
  readonly grant: CachedGrant;
  readonly source: GrantSource;
  /** Milliseconds the upstream took, when this lookup called it. */
  readonly upstreamMs?: number;
}

/** Gets a fresh grant; `previous` is the last one, whose refresh token may renew it. */
export type GrantLoader = (previous: CachedGrant | undefined) => Promise<UpstreamGrant>;

const HOT_MAX = 10_000;
const LOCK_TTL_MS = 5_000;
const POLL_MS = 20;
const FAILURE_TTL_MS = 1_000;
/** Kept past expiry so a refresh token can still renew the grant. */
const STALE_KEEP_MS = 10 * 60_000;

/**
 * The grant cache: one upstream call per key however many callers ask.
 *
 * - A hit is answered from an in-process map: no store round trip, no parsing.
 * - Concurrent misses in one process share one promise; across instances they
 *   share a store lock, and waiters re-read the store.
 * - Past `refreshAt` a hit still answers and starts one background refresh.
 * - A failure is shared with waiters for a moment only, never cached longer.
 */
@Injectable()
export class GrantCache {
  private readonly logger = new Logger('TokenModule');
  private readonly hot = new Map<string, GrantLookup>();
  private readonly inflight = new Map<string, Promise<GrantLookup>>();
  private readonly locks: StoreLock;
  private readonly policy: ExpiryPolicy;
  private readonly lockWaitMs: number;
  private warnedUnopenable = false;

  constructor(
    @Inject(TokenStore) private readonly store: TokenStore,
    @Inject(Clock) private readonly clock: Clock,
    @Inject(Sealer) private readonly sealer: Sealer,
    @Inject(TOKEN_MODULE_OPTIONS) options: TokenModuleOptions,
  ) {
    this.locks = new StoreLock(store, LOCK_TTL_MS);
    this.policy = { ...DEFAULT_EXPIRY_POLICY, ...options.expiry };
    // A holder may take a timeout, a retry and another timeout: wait a little longer than that.
    this.lockWaitMs = (options.upstreamTimeoutMs ?? 5_000) * 2 + 2_000;
  }

  /** The grant under `key`, loading it with `load` when missing or expired. */
  get(key: string, load: GrantLoader): Promise<GrantLookup> {
    const hit = this.hot.get(key);
    if (hit) {
      const now = this.clock.now();
      if (now < hit.grant.expiresAt) {
        if (now >= hit.grant.refreshAt && !this.inflight.has(key)) this.refreshAhead(key, load, hit.grant);
        return Promise.resolve(hit);
      }
    }
    const running = this.inflight.get(key);
    if (running) return running.then(merged);
    return this.track(key, this.loadShared(key, load, hit?.grant, false));
  }

  /** Drops the in-process copy of `key` (the store keeps its own until it expires). */
  forget(key: string): void {
    this.hot.delete(key);
  }

  private refreshAhead(key: string, load: GrantLoader, current: CachedGrant): void {
    this.track(key, this.loadShared(key, load, current, true)).catch((error: unknown) => {
      this.logger.warn(`background refresh failed: ${describeError(error)}`);
    });
  }

  private track(key: string, work: Promise<GrantLookup>): Promise<GrantLookup> {
    const tracked = work.finally(() => this.inflight.delete(key));
    this.inflight.set(key, tracked);
    return tracked;
  }

  private async loadShared(
    key: string,
    load: GrantLoader,
    previous: CachedGrant | undefined,
    background: boolean,
  ): Promise<GrantLookup> {
    const giveUpAt = Date.now() + this.lockWaitMs;
    for (;;) {
      const stored = await this.read(key);
      if (stored && this.usable(stored, background)) return this.remember(key, stored, 'store');
      const failure = await viaStore(this.store.get(`fail:${key}`));
      if (failure) throw sharedFailure(failure);
      const lock = await viaStore(this.locks.acquire(`lock:${key}`));
      if (lock) {
        try {
          // Another instance may have finished between our read and our lock.
          const again = await this.read(key);
          if (again && this.usable(again, background)) return this.remember(key, again, 'store');
          return await this.fetch(key, load, again ?? stored ?? previous);
        } finally {
          await lock.release();
        }
      }
      if (Date.now() > giveUpAt) throw new UpstreamError('upstream', 'timeout');
      await sleep(POLL_MS);
    }
  }

  private async fetch(key: string, load: GrantLoader, previous: CachedGrant | undefined): Promise<GrantLookup> {
    const started = performance.now();
    let upstream: UpstreamGrant;
    try {
      upstream = await load(previous);
    } catch (error) {
      if (error instanceof UpstreamError) {
        // Waiting instances see the failure for a moment instead of each retrying in turn.
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
    await viaStore(this.store.set(`grant:${key}`, this.sealer.seal(JSON.stringify(grant)), ttl));
    return this.remember(key, grant, 'upstream', upstreamMs);
  }

  private async read(key: string): Promise<CachedGrant | undefined> {
    const sealed = await viaStore(this.store.get(`grant:${key}`));
    if (sealed === undefined) return undefined;
    const plain = this.sealer.open(sealed);
    if (plain === undefined) {
      // Sealed under another key: instances sharing a store disagree on storeKey. Treated as a miss.
      if (!this.warnedUnopenable) this.logger.warn('a stored grant could not be opened: instances sharing a store must share storeKey');
      this.warnedUnopenable = true;
      return undefined;
    }
    return Object.freeze(JSON.parse(plain)) as CachedGrant;
  }

  private usable(grant: CachedGrant, background: boolean): boolean {
    const now = this.clock.now();
    return background ? now < grant.refreshAt : now < grant.expiresAt;
  }

  private remember(key: string, grant: CachedGrant, source: GrantSource, upstreamMs?: number): GrantLookup {
    this.hot.delete(key);
    if (this.hot.size >= HOT_MAX) this.hot.delete(this.hot.keys().next().value as string);
    // The stored lookup is what every later hit returns as is: no allocation per hit.
    this.hot.set(key, Object.freeze({ grant, source: 'hit' as const }));
    return { grant, source, upstreamMs };
  }
}

/** The failure another caller met moments ago (`"<provider> <failure>"`), as an error of our own. */
function sharedFailure(shared: string): UpstreamError {
  const [provider, failure] = shared.split(' ');
  return new UpstreamError(provider, failure as UpstreamFailure);
}

function merged(lookup: GrantLookup): GrantLookup {
  return { grant: lookup.grant, source: 'merged' };
}
