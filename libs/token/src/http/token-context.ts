import type { TokenProvider, TokenUser } from '../providers/token-provider';

/** What the guard chain resolved about one request, for the route to use as is. */
export interface TokenContext {
  /** The provider the route serves, checked enabled; absent on routes that name none. */
  readonly provider?: TokenProvider;
  /** The signed-in user, when there is one. */
  readonly user?: TokenUser;
  /** The path the route is mounted at (the first, when it has several). */
  readonly path?: string;
}

const CONTEXT = Symbol('tokenContext');

/** Keeps `context` on `request` (a symbol member: invisible to the app and to JSON). */
export function setTokenContext(request: object, context: TokenContext): void {
  (request as Record<symbol, TokenContext>)[CONTEXT] = context;
}

/** The context the guard chain left on `request`, if it ran. */
export function tokenContextOf(request: object): TokenContext | undefined {
  return (request as Record<symbol, TokenContext | undefined>)[CONTEXT];
}
