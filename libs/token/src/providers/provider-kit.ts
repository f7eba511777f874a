import type { IssuedToken } from './token-provider';

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
