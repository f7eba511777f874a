import { TokenProblem } from '../errors/token-problem';
import type { HttpRequestLike } from './http-exchange';

// A host name, an IPv4 address or a bracketed IPv6 address, and an optional port: nothing else.
const HOST = /^(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,62})(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,62}))*\.?|\[[0-9A-Fa-f:.]{2,45}\])(?::\d{1,5})?$/;

/**
 * The app's public origin as the browser reached it: `publicUrl` when
 * configured (the request's `Host` is then ignored), else the request's
 * scheme and `Host`, accepted only as `http`/`https` and a plain
 * `host[:port]` (400 otherwise), so a forged header never reaches a body.
 */
export function baseUrlOf(request: HttpRequestLike, publicUrl: string | undefined): string {
  if (publicUrl !== undefined) return publicUrl;
  const protocol = request.protocol ?? 'http';
  const host = request.headers.host;
  // Checked on every request that reads it (Miso's config only): about 70 ns, below what the bench can see,
  // so no cache of the last host (a module-global one was shared by every app in the process).
  if ((protocol !== 'http' && protocol !== 'https') || typeof host !== 'string' || !HOST.test(host)) {
    throw new TokenProblem(400, 'invalid_host', 'The request names no valid host; the server may set publicUrl.');
  }
  return `${protocol}://${host.toLowerCase()}`;
}
