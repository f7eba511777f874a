/** What a sliding-window check decided. */
export interface SlidingVerdict {
  readonly allowed: boolean;
  /** Whole seconds until a request would be allowed again (at least 1), when refused. */
  readonly retryAfterS: number;
}

/**
 * The sliding-window counter (as Cloudflare and nginx-style limiters use it):
 * the hits of the window in progress, plus the previous window's hits
 * weighted by how much of it still lies within the last `windowMs`. A fixed
 * window lets `2 × limit` through in an instant at its edge (the "19
 * calls in 1.4 s"); this one lets at most `limit + limit × d / windowMs`
 * (rounded up) through in any span of `d` ms, a bound the unit spec checks
 * against a greedy caller.
 *
 * Both counts come from plain counters (`ThrottlerStorage.increment`): each
 * request adds one to the current window's counter and one to the previous
 * window's, so the previous window's own count is `previousRaw - current`
 * (exact in sequence; concurrent requests can skew it by the number in flight).
 *
 * @param current hits counted in the window in progress, this one included
 * @param previousRaw the previous window's counter after this request's increment
 */
export function slidingVerdict(current: number, previousRaw: number, now: number, windowMs: number, limit: number): SlidingVerdict {
  const previous = Math.max(0, previousRaw - current);
  const elapsed = ((now % windowMs) + windowMs) % windowMs;
  const weight = 1 - elapsed / windowMs;
  if (previous * weight + current <= limit + 1e-9) return { allowed: true, retryAfterS: 0 };
  return { allowed: false, retryAfterS: Math.max(1, Math.ceil(waitMs(current, previous, elapsed, windowMs, limit) / 1000)) };
}

/** When the next request (one more hit) would fit: later in this window as the previous one's weight fades, else in the next. */
function waitMs(current: number, previous: number, elapsed: number, windowMs: number, limit: number): number {
  const room = limit - current - 1;
  if (room >= 0 && previous > 0) return Math.max(0, (1 - room / previous) * windowMs - elapsed);
  // Next window: this window's hits become the previous ones and fade as it goes.
  const fade = current > 0 ? Math.max(0, 1 - (limit - 1) / current) : 0;
  return windowMs - elapsed + fade * windowMs;
}
