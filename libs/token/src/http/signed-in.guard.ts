import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { TokenUser } from '../providers/token-provider';
import { routeMetadata } from './route-metadata';
import { TokenProblem } from './token-problem';
import { TokenAccess } from './token-route.decorator';
import { TokenUsers } from './token-users';

/**
 * 401 on routes marked {@link SignedIn} when the request carries no user.
 * It authenticates nobody: the app's own authentication (Passport, a JWT
 * middleware, ...) must have put the user on the request first.
 */
@Injectable()
export class SignedInGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly users: TokenUsers,
  ) {}

  canActivate(context: ExecutionContext): boolean {
    const access = routeMetadata(this.reflector, TokenAccess, context);
    if (access !== 'signed-in') return true;
    if (this.userOf(context.switchToHttp().getRequest())) return true;
    throw new TokenProblem(401, 'unauthorized', 'Sign in to request this token.', { 'WWW-Authenticate': 'Bearer' });
  }

  /** The user of `request`; override to add a check of your own (roles, say). */
  protected userOf(request: unknown): TokenUser | undefined {
    return this.users.of(request);
  }
}
