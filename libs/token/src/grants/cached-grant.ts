/**
 * A grant as the cache keeps it: the upstream's answer plus server-clock
 * deadlines. Frozen: callers share one object, so nobody may change it.
 */
export interface CachedGrant {
  readonly accessToken: string;
  /** Upstream refresh token; never rendered, sealed in the store. */
  readonly refreshToken?: string;
  readonly extras?: Readonly<Record<string, unknown>>;
  /** Served until then (ms, server clock). */
  readonly expiresAt: number;
  /** Start of the refresh-ahead window: past it, requests wait for a newer grant (ms, server clock). */
  readonly refreshAt: number;
}
