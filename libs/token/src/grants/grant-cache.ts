import { Inject, Injectable, Logger } from '@nestjs/common';
import { Clock } from '../clock';
import { TOKEN_SETTINGS, type TokenSettings } from '../token-settings';
import { describeError } from '../errors/describe-error';
import type { UpstreamGrant } from '../providers/token-provider';
import type { CachedGrant } from './cached-grant';
import { deadlines } from './expiry';
import { Sealer } from '../store/sealer';
import { SharedGrants, type GrantLoader, type SharedLoad } from './shared-grants';
import { TokenStore } from '../store/token-store';

export type { GrantLoader } from './shared-grants';

/** Where a grant came from: the in-process copy, the shared store, the upstream, or another caller's call. */
export type GrantSource = 'hit' | 'store' | 'upstream' | 'merged';

/** A grant and how it was found. */
export interface GrantLookup {
  readonly grant: CachedGrant;
  readonly source: GrantSource;
  /** Milliseconds the upstream took, when this lookup called it. */
  readonly upstreamMs?: number;
}

const HOT_MAX = 10_000;
/** After a failed refresh, callers are served the current grant this long before the next try (no retry storm, no log flood). */
const REFRESH_BACKOFF_MS = 1_000;

/**
 * The grant cache: one upstream call per key however many callers ask.
 *
 * - A hit is answered from an in-process map: no store round trip, no parsing,
 *   no allocation (every hit returns the same frozen lookup).
 * - Concurrent misses in one process share one promise; across instances,
 *   {@link SharedGrants} makes them share one call through the store.
 * - Past `refreshAt` (inside the refresh-ahead window) callers wait for the
 *   newer grant: a token route never hands out one about to expire when a
 *   fresher one can be had.
 */
@Injectable()
export class GrantCache {
  private readonly logger = new Logger('TokenModule');
  private readonly hot = new Map<string, GrantLookup>();
  private readonly inflight = new Map<string, Promise<GrantLookup>>();
  /** Keys whose last refresh failed, and when the next may start. */
  private readonly backoff = new Map<string, number>();
  private readonly shared: SharedGrants;

  constructor(
    @Inject(TokenStore) store: TokenStore,
    @Inject(Clock) private readonly clock: Clock,
    @Inject(Sealer) sealer: Sealer,
    @Inject(TOKEN_SETTINGS) private readonly settings: TokenSettings,
  ) {
    // A holder's upstream exchange, retry included, ends within one deadline: wait that plus room for store round trips.
    const lockWaitMs = settings.upstreamTimeoutMs + 2_000;
    this.shared = new SharedGrants(store, clock, sealer, settings.expiry, lockWaitMs);
  }

  /**
   * The grant under `key`, loading it with `load` when missing, expired or
   * inside its refresh-ahead window ("refresh means fresher": the caller
   * waits for the newer grant, merged with every concurrent caller's). When
   * that refresh fails, the current grant is served while it lasts, and
   * callers wait a second before the next try (no retry storm, no log flood).
   */
  get(key: string, load: GrantLoader): Promise<GrantLookup> {
    const hit = this.hot.get(key);
    if (hit) {
      const now = this.clock.now();
      if (now < hit.grant.refreshAt || (now < hit.grant.expiresAt && now < (this.backoff.get(key) ?? 0))) return Promise.resolve(hit);
    }
    const running = this.inflight.get(key);
    if (running) return running.then(merged);
    return this.track(key, this.load(key, load, hit?.grant));
  }

  /**
   * The in-process grant under `key`, synchronously, while it is fresh (before
   * its refresh point): the warm path, with no promise and no allocation.
   * Undefined otherwise; {@link get} then does the rest.
   */
  peek(key: string): GrantLookup | undefined {
    const hit = this.hot.get(key);
    return hit !== undefined && this.clock.now() < hit.grant.refreshAt ? hit : undefined;
  }

  /**
   * A grant for one caller only (a provider whose scope is `request`: its
   * tokens are single-use or carry per-session config): fetched with `load`
   * now, never cached, never merged with another caller's call. Its deadlines
   * count from the moment before the call, on the server's clock.
   */
  async once(load: () => Promise<UpstreamGrant>): Promise<GrantLookup> {
    const before = this.clock.now();
    const started = performance.now();
    const upstream = await load();
    const grant: CachedGrant = Object.freeze({
      accessToken: upstream.accessToken,
      extras: upstream.extras,
      ...deadlines(upstream.expiresIn, before, this.settings.expiry),
    });
    return { grant, source: 'upstream', upstreamMs: Math.round(performance.now() - started) };
  }

  private track(key: string, work: Promise<GrantLookup>): Promise<GrantLookup> {
    const tracked = work.finally(() => this.inflight.delete(key));
    this.inflight.set(key, tracked);
    return tracked;
  }

  private async load(key: string, load: GrantLoader, previous: CachedGrant | undefined): Promise<GrantLookup> {
    const loaded: SharedLoad = await this.shared.load(key, load, previous);
    if (loaded.failure) {
      if (!this.backoff.has(key)) this.logger.warn(`refresh failed: ${describeError(loaded.failure)}; the current grant is served until it expires`);
      // Bounded like the hot map it shadows: audiences come from callers.
      if (this.backoff.size >= HOT_MAX && !this.backoff.has(key)) this.backoff.delete(this.backoff.keys().next().value as string);
      this.backoff.set(key, this.clock.now() + REFRESH_BACKOFF_MS);
    } else {
      this.backoff.delete(key);
    }
    this.hot.delete(key);
    if (this.hot.size >= HOT_MAX) this.hot.delete(this.hot.keys().next().value as string);
    // The stored lookup is what every later hit returns as is.
    this.hot.set(key, Object.freeze({ grant: loaded.grant, source: 'hit' as const }));
    return { grant: loaded.grant, source: loaded.source, upstreamMs: loaded.upstreamMs };
  }
}

function merged(lookup: GrantLookup): GrantLookup {
  return { grant: lookup.grant, source: 'merged' };
}
