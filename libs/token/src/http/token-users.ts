import { Inject, Injectable } from '@nestjs/common';
import type { TokenUser } from '../providers/token-provider';
import { TOKEN_SETTINGS, type TokenSettings } from '../token-settings';
import { tokenContext } from './token-context';

/**
 * The one place that tells who is signed in, for the guard, the rate limiter
 * and the routes alike. The library authenticates nobody: it reads what the
 * app's authentication left on the request (`resolveUser` option), once per
 * request (a resolver may verify a JWT: that is not worth doing twice).
 *
 * @example
 * @Get('me/token') @SignedIn() @UseGuards(TokenGuard)
 * mine(@Req() req: Request) { return this.tokens.issue('sentifyd', { user: this.users.of(req) }); }
 */
@Injectable()
export class TokenUsers {
  private readonly resolver: (request: unknown) => TokenUser | undefined;

  constructor(@Inject(TOKEN_SETTINGS) settings: TokenSettings) {
    this.resolver = settings.resolveUser;
  }

  /** The signed-in user of `request`, or undefined. */
  of(request: object): TokenUser | undefined {
    const context = tokenContext(request);
    const known = context.user;
    if (known !== undefined) return known ?? undefined;
    const user = this.resolver(request);
    const valid = user && typeof user.id === 'string' && user.id.length > 0 ? user : undefined;
    context.user = valid ?? null;
    return valid;
  }
}
