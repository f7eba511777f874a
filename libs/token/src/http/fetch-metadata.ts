import type { IncomingHttpHeaders } from 'node:http';

/**
 * The CSRF rule for a request signed in by a cookie (or any credential the
 * browser attaches on its own), from Fetch Metadata, then `Origin`:
 *
 * | `Sec-Fetch-Site`            | allowed when                                          |
 * | --------------------------- | ----------------------------------------------------- |
 * | `same-origin`, `none`       | always (the app's own pages; the address bar)         |
 * | `same-site`, `cross-site`, other | `Origin` is on the route's CORS allow-list       |
 * | absent, `Origin` absent     | always (not a browser, or a browser too old to say)   |
 * | absent, `Origin` present    | `Origin` is the app's own (`publicUrl`, else `Host`) or on the list |
 *
 * `allows` is the route's CORS allow-list (undefined: none); `ownHost` the
 * `host[:port]` of the app's public origin when configured. Pure and
 * synchronous: a header read and at most two comparisons.
 *
 * @example
 * if (!allowsCookieRequest(req.headers, originMatcher(['https://shop.example']))) throw new TokenProblem(403, 'csrf_rejected', '...');
 */
export function allowsCookieRequest(headers: IncomingHttpHeaders, allows: ((origin: string) => boolean) | undefined, ownHost?: string): boolean {
  const site = headers['sec-fetch-site'];
  const origin = headers.origin;
  if (site === 'same-origin' || site === 'none') return true;
  if (site !== undefined) return typeof origin === 'string' && allows?.(origin) === true;
  if (typeof origin !== 'string') return true;
  return isOwnOrigin(origin, ownHost ?? headers.host) || allows?.(origin) === true;
}

function isOwnOrigin(origin: string, host: string | undefined): boolean {
  if (host === undefined || !URL.canParse(origin)) return false;
  return new URL(origin).host === host.toLowerCase();
}
