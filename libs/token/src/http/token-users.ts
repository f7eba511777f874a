import { Inject, Injectable } from '@nestjs/common';
import type { TokenUser } from '../providers/token-provider';
import type { UserResolver } from '../token-module-options';
import { TOKEN_SETTINGS, type TokenSettings } from '../token-settings';
import { tokenContext } from './token-context';

/**
 * The one place that tells who is signed in, for the guard, the rate limiter
 * and the routes alike. The library authenticates nobody: it asks the app's
 * `resolveUser` option, once per request (a resolver may verify a JWT or
 * fetch keys: that is not worth doing twice), and keeps the answer.
 *
 * A resolver may answer with a promise; {@link TokenUsers.resolve} then
 * answers with one too, shared by every caller during that request.
 * `TokenGuard` resolves first, so by the time a route runs {@link TokenUsers.of}
 * answers synchronously.
 *
 * @example
 * @Get('me/token') @SignedIn() @UseGuards(TokenGuard)
 * mine(@Req() req: Request) { return this.tokens.issue('sentifyd', { user: this.users.of(req) }); }
 */
@Injectable()
export class TokenUsers {
  private readonly resolver: UserResolver;

  constructor(@Inject(TOKEN_SETTINGS) settings: TokenSettings) {
    this.resolver = settings.resolveUser;
  }

  /**
   * The signed-in user of `request`, or undefined: synchronously when known or
   * when the resolver answers at once (no promise is made then), else a
   * promise, the same one for every call during the request.
   */
  resolve(request: object): TokenUser | undefined | Promise<TokenUser | undefined> {
    const context = tokenContext(request);
    const known = context.user;
    if (known !== undefined) return known ?? undefined;
    if (context.pendingUser) return context.pendingUser;
    const found = this.resolver(request);
    if (!isThenable(found)) return (context.user = validUser(found) ?? null) ?? undefined;
    const pending = Promise.resolve(found).then(
      (user) => (context.user = validUser(user) ?? null) ?? undefined,
      (error: unknown) => {
        context.pendingUser = undefined;
        throw error;
      },
    );
    context.pendingUser = pending;
    return pending;
  }

  /**
   * The signed-in user of `request`, or undefined, once resolved. With a
   * resolver that answers with a promise, call it after `TokenGuard` (or after
   * awaiting {@link TokenUsers.resolve}); before that it throws.
   */
  of(request: object): TokenUser | undefined {
    const user = this.resolve(request);
    if (!isThenable(user)) return user;
    user.then(undefined, () => undefined); // the caller of resolve() sees the failure; this one has thrown already
    throw new Error('TokenUsers.of: resolveUser answered with a promise; await TokenUsers.resolve(request) or put TokenGuard first');
  }
}

function isThenable<T>(value: T | PromiseLike<T>): value is PromiseLike<T> {
  return typeof (value as { then?: unknown } | undefined)?.then === 'function';
}

function validUser(user: TokenUser | undefined): TokenUser | undefined {
  return user && typeof user.id === 'string' && user.id.length > 0 ? user : undefined;
}
