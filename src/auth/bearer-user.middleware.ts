import { Injectable, NestMiddleware } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import type { NextFunction, Request } from 'express';

/**
 * The example app's sign-in: an `Authorization: Bearer <JWT>` (HS256, signed
 * with `AUTH_JWT_SECRET`, `exp` honoured) puts `{ id: sub }` on `req.user`,
 * Passport's convention, which the token library reads. A missing, bad or
 * expired token leaves no user: signed-in routes then answer 401.
 */
@Injectable()
export class BearerUserMiddleware implements NestMiddleware {
  constructor(private readonly jwt: JwtService) {}

  use(request: Request & { user?: { id: string } }, _response: unknown, next: NextFunction): void {
    const header = request.headers.authorization;
    if (header !== undefined && header.length > 7 && header.slice(0, 7).toLowerCase() === 'bearer ') {
      try {
        const claims = this.jwt.verify<{ sub?: unknown }>(header.slice(7).trim(), { algorithms: ['HS256'] });
        if (typeof claims.sub === 'string' && claims.sub.length > 0) request.user = { id: claims.sub };
      } catch {
        // Not signed in; the guard decides whether that matters.
      }
    }
    next();
  }
}
