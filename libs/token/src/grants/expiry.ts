/** How the cache turns an upstream `expiresIn` into server-clock deadlines. */
export interface ExpiryPolicy {
  /** Largest safety margin taken off a grant's lifetime. Default 30 000 ms. */
  maxMarginMs: number;
  /** Margin as a share of the lifetime when that is smaller. Default 0.1. */
  marginRatio: number;
  /** Extra random margin, as a share of the margin, so instances do not refresh in step. Default 0.2. */
  jitterRatio: number;
  /** Share of the usable lifetime, at its end, during which a hit triggers a background refresh. Default 0.2. */
  refreshAheadRatio: number;
}

/** The defaults of {@link ExpiryPolicy}. */
export const DEFAULT_EXPIRY_POLICY: ExpiryPolicy = {
  maxMarginMs: 30_000,
  marginRatio: 0.1,
  jitterRatio: 0.2,
  refreshAheadRatio: 0.2,
};

/** Server-clock deadlines of one grant, in ms since the epoch. */
export interface GrantDeadlines {
  /** Served until then; the upstream token itself lives a margin longer. */
  expiresAt: number;
  /** Past this, a hit still answers but starts a refresh in the background. */
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
  const refreshAt = expiresAt - (expiresAt - receivedAt) * policy.refreshAheadRatio;
  return { expiresAt: Math.floor(expiresAt), refreshAt: Math.floor(refreshAt) };
}

/**
 * Whole seconds left before `expiresAt`, never less than 1: what a browser
 * should schedule its next call against.
 */
export function secondsLeft(expiresAt: number, now: number): number {
  return Math.max(1, Math.floor((expiresAt - now) / 1000));
}
