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
  /** A hit past this starts a background refresh (ms, server clock). */
  readonly refreshAt: number;
}
