/** How the cache turns an upstream `expiresIn` into server-clock deadlines. */
export interface ExpiryPolicy {
  /** Largest safety margin taken off a grant's lifetime. Default 30 000 ms. */
  maxMarginMs: number;
  /** Margin as a share of the lifetime when that is smaller. Default 0.1. */
  marginRatio: number;
  /** Extra random margin, as a share of the margin, so instances do not refresh in step. Default 0.2. */
  jitterRatio: number;
  /**
   * The refresh-ahead window, as a share of the usable lifetime, at its end:
   * a request that finds the grant inside it waits for a newer one instead of
   * being served the old. Default 0.2.
   */
  refreshAheadRatio: number;
  /** The window is at least this long (but never more than half the usable lifetime). Default 10 000 ms. */
  minRefreshAheadMs: number;
}

/** The defaults of {@link ExpiryPolicy}. */
export const DEFAULT_EXPIRY_POLICY: ExpiryPolicy = {
  maxMarginMs: 30_000,
  marginRatio: 0.1,
  jitterRatio: 0.2,
  refreshAheadRatio: 0.2,
  minRefreshAheadMs: 10_000,
};

/** Server-clock deadlines of one grant, in ms since the epoch. */
export interface GrantDeadlines {
  /** Served until then; the upstream token itself lives a margin longer. */
  expiresAt: number;
  /** Past this the grant is inside its refresh-ahead window: requests wait for a newer one. */
  refreshAt: number;
}

/**
 * Deadlines for a grant received at `receivedAt` (server clock) that the
 * upstream said lives `expiresInSeconds`. The upstream's own clock is never
 * trusted: only its stated lifetime.
 *
 * @example
 * deadlines(1800, now, DEFAULT_EXPIRY_POLICY) // expiresAt ≈ now + 1764..1770 s
 */
export function deadlines(
  expiresInSeconds: number,
  receivedAt: number,
  policy: ExpiryPolicy,
  random: () => number = Math.random,
): GrantDeadlines {
  const lifetime = Math.max(0, expiresInSeconds) * 1000;
  const margin = Math.min(policy.maxMarginMs, lifetime * policy.marginRatio) * (1 + random() * policy.jitterRatio);
  const expiresAt = receivedAt + lifetime - margin;
  const refreshAt = expiresAt - refreshAheadWindow(expiresAt - receivedAt, policy);
  return { expiresAt: Math.floor(expiresAt), refreshAt: Math.floor(refreshAt) };
}

/**
 * The refresh-ahead window of a grant usable for `usableMs`: a fifth of it
 * (`refreshAheadRatio`), at least 10 s (`minRefreshAheadMs`), at most half of
 * it, so a short-lived token is still served for half its life instead of
 * costing an upstream call per request. The browser client computes the same.
 *
 * @example
 * refreshAheadWindow(1_770_000, DEFAULT_EXPIRY_POLICY) // 354 000 (a fifth)
 * refreshAheadWindow(27_000, DEFAULT_EXPIRY_POLICY)    // 10 000 (the floor)
 * refreshAheadWindow(9_000, DEFAULT_EXPIRY_POLICY)     // 4 500 (half)
 */
export function refreshAheadWindow(usableMs: number, policy: ExpiryPolicy): number {
  const usable = Math.max(0, usableMs);
  return Math.min(Math.max(usable * policy.refreshAheadRatio, policy.minRefreshAheadMs), usable / 2);
}

/**
 * Whole seconds left before `expiresAt`, never less than 1: what a browser
 * should schedule its next call against.
 */
export function secondsLeft(expiresAt: number, now: number): number {
  return Math.max(1, Math.floor((expiresAt - now) / 1000));
}
