import { TokenProblem } from '../errors/token-problem';
import type { TokenRouteOptions } from '../token-module-options';
import type { HttpRequestLike } from './http-exchange';
import { originMatcher, requestOrigin } from './origin-matcher';

/** The origins a mounted route allows: its own list, else its provider's (looked up per request: providers register after the hooks). */
export type RouteOrigins = (route: TokenRouteOptions) => readonly string[] | undefined;

/**
 * The origin check of a token route, for the moments before its guard runs:
 * the platforms read the body before guards (Fastify) or before routing
 * (Express), and a foreign origin must get its 403, never a 400 about a body
 * nobody should have read. Same rule as the guard's: no list, any origin.
 *
 * @example
 * const refusal = originFirst(originsOf)(request, route); // TokenProblem(403) or undefined
 */
export function originFirst(originsOf: RouteOrigins): (request: HttpRequestLike, route: TokenRouteOptions) => TokenProblem | undefined {
  const matchers = new WeakMap<readonly string[], (origin: string) => boolean>();
  return (request, route) => {
    const allowed = originsOf(route);
    if (!allowed?.length || request.method === 'OPTIONS') return undefined;
    let matcher = matchers.get(allowed);
    if (!matcher) matchers.set(allowed, (matcher = originMatcher(allowed)));
    const origin = requestOrigin(request.headers);
    if (origin !== undefined && matcher(origin)) return undefined;
    return new TokenProblem(403, 'origin_not_allowed', 'This origin may not request tokens here.');
  };
}
