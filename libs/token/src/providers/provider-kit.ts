import { UpstreamError } from '../errors/upstream-error';
import { jwtExpiry } from '../upstream/jwt-exp';
import type { IssuedToken } from './token-provider';

/**
 * The small helpers every provider shares, built-in or yours: URL joining,
 * lifetimes read from a JWT, range checks of configured numbers, and the ISO
 * `expiresAt` of an answer. One copy each, so a fix lands everywhere.
 */

/**
 * `base` (a configured base URL, trailing slashes ignored) joined with `path`.
 *
 * @example
 * upstreamUrl('https://api.example/', '/v1/token') // 'https://api.example/v1/token'
 */
export function upstreamUrl(base: string, path: string): string {
  return `${base.replace(/\/+$/, '')}${path}`;
}

/** When an issued token stops being served, as the ISO 8601 `expiresAt` every catalogue answer carries. */
export function expiresAtOf(issued: IssuedToken): string {
  return new Date(issued.expiresAt).toISOString();
}

/**
 * Seconds `token` has left by its JWT `exp` claim, counted on our clock at
 * receipt (`nowMs`), for an upstream that states no lifetime; `fallback` when
 * the token is no JWT or has no `exp`. A token already past its `exp` is an
 * invalid answer of `provider`: it must never be cached and handed out.
 *
 * @example
 * expiresIn: pickSeconds(body, 'expires_in') ?? lifetimeFromJwt('miso', token, now, 1800)
 * @throws UpstreamError `invalid` when the token is already expired.
 */
export function lifetimeFromJwt(provider: string, token: string, nowMs: number, fallback: number): number {
  const exp = jwtExpiry(token);
  if (exp === undefined) return fallback;
  const left = exp - nowMs / 1000;
  if (left <= 0) throw new UpstreamError(provider, 'invalid');
  return left;
}

/**
 * `value` when it is a whole number from `min` to `max`; else start-up fails
 * with a `TokenModule:` error naming the option (`what`) and the range.
 *
 * @example
 * this.ttl = wholeInRange('deepgram.ttlSeconds', options.ttlSeconds ?? 300, 1, 3600);
 */
export function wholeInRange(what: string, value: number, min: number, max: number, unit?: 'seconds'): number {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new Error(`TokenModule: ${what} must be a whole number ${unit ? `of ${unit} ` : ''}from ${min} to ${max}`);
  }
  return value;
}
