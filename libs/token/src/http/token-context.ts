import type { TokenUser } from '../providers/token-provider';
import type { TokenRequestLog } from './token-request-log';

/**
 * What the library keeps about one request, in ONE symbol-keyed slot on the
 * platform's request object: adding a property to Express's request (a large
 * IncomingMessage) costs about 2 µs each, so the two share one object. Only
 * what no parameter can carry lives here: the user, resolved once by the
 * guard and read by the throttler, the route and an app's own handlers
 * (`TokenUsers.of(request)`: Nest hands a handler its request, not the
 * guard's results), and the log record, which the guard starts and the route
 * or the exception filter finishes. The route's provider and path are not
 * here: its plan holds them.
 */
export class TokenContext {
  /** The request's log record, while request logging or metrics are on. */
  log?: TokenRequestLog;
  /** The signed-in user as resolved once (null: resolved, nobody). */
  user?: TokenUser | null;
  /** The resolver's answer while it is a pending promise (resolved once, shared by every caller). */
  pendingUser?: Promise<TokenUser | undefined>;
}

const CONTEXT = Symbol('tokenContext');
type Holder = { [CONTEXT]?: TokenContext };

/** The context of `request`, made on first use (invisible to the app and to JSON). */
export function tokenContext(request: object): TokenContext {
  const holder = request as Holder;
  return (holder[CONTEXT] ??= new TokenContext());
}

/** The context of `request` if anything made one. */
export function tokenContextOf(request: object): TokenContext | undefined {
  return (request as Holder)[CONTEXT];
}
