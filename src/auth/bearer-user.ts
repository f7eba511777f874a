import type { JwtService } from '@nestjs/jwt';
import type { TokenUser } from 'nestjs-token-broker';

/**
 * The example app's sign-in, as the library's `resolveUser`: an
 * `Authorization: Bearer <JWT>` (HS256, signed with `AUTH_JWT_SECRET`,
 * `exp` honoured) is the user `sub`. A missing, bad or expired token is no
 * user: signed-in routes then answer 401. Read from the request's headers,
 * which Express and Fastify requests share; the library asks once per request.
 */
export function bearerUser(jwt: JwtService): (request: unknown) => TokenUser | undefined {
  return (request) => {
    const header = (request as { headers?: Record<string, unknown> }).headers?.authorization;
    if (typeof header !== 'string' || header.length <= 7 || header.slice(0, 7).toLowerCase() !== 'bearer ') return undefined;
    try {
      const claims = jwt.verify<{ sub?: unknown }>(header.slice(7).trim(), { algorithms: ['HS256'] });
      return typeof claims.sub === 'string' && claims.sub.length > 0 ? { id: claims.sub } : undefined;
    } catch {
      return undefined; // not signed in; the route decides whether that matters
    }
  };
}
