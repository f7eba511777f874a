import { UpstreamError } from '../errors/upstream-error';

/** Longest an upstream's 429 may pause its circuit, whatever its `Retry-After` says. */
export const MAX_THROTTLED_MS = 5 * 60_000;
const MIN_THROTTLED_MS = 1_000;

/**
 * How long to pause a circuit after `error`, when it is an upstream's 429:
 * its `Retry-After` (seconds or an HTTP date), else `fallbackMs`, kept within
 * 1 s and {@link MAX_THROTTLED_MS} so a hostile or broken upstream cannot
 * pause it for days. Undefined for any other error.
 */
export function throttledForMs(error: unknown, fallbackMs: number, now = Date.now()): number | undefined {
  if (!(error instanceof UpstreamError) || error.upstreamStatus !== 429) return undefined;
  const header = (error as { retryAfter?: string }).retryAfter?.trim() ?? '';
  let ms = fallbackMs;
  if (/^\d{1,9}$/.test(header)) ms = Number(header) * 1000;
  else if (header !== '' && !Number.isNaN(Date.parse(header))) ms = Date.parse(header) - now;
  return Math.min(MAX_THROTTLED_MS, Math.max(MIN_THROTTLED_MS, ms));
}
