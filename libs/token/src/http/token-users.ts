import { Inject, Injectable } from '@nestjs/common';
import type { TokenUser } from '../providers/token-provider';
import { TOKEN_MODULE_OPTIONS } from '../token.constants';
import type { TokenModuleOptions } from '../token-module-options';

/**
 * Passport's convention: the app's authentication puts the user on
 * `req.user`; its id is `id`, else `sub`.
 */
export function passportUser(request: unknown): TokenUser | undefined {
  const user = (request as { user?: { id?: unknown; sub?: unknown } }).user;
  const id = user?.id ?? user?.sub;
  return typeof id === 'string' || typeof id === 'number' ? { id: String(id) } : undefined;
}

/**
 * The one place that tells who is signed in, for the guard, the rate limiter
 * and the routes alike. The library authenticates nobody: it reads what the
 * app's authentication left on the request (`resolveUser` option).
 */
@Injectable()
export class TokenUsers {
  private readonly resolver: (request: unknown) => TokenUser | undefined;

  constructor(@Inject(TOKEN_MODULE_OPTIONS) options: TokenModuleOptions) {
    this.resolver = options.resolveUser ?? passportUser;
  }

  /** The signed-in user of `request`, or undefined. */
  of(request: unknown): TokenUser | undefined {
    const user = this.resolver(request);
    return user && typeof user.id === 'string' && user.id.length > 0 ? user : undefined;
  }
}
