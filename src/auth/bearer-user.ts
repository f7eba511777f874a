import type { JwtService } from '@nestjs/jwt';
import type { TokenUser } from 'nestjs-token-broker';

/** Longest a bearer is accepted after its `iat`, whatever its `exp` says (`exp: 1e300` is not forever). */
export const BEARER_MAX_AGE = '24h';
/** Clock skew allowed between the token issuer and this server, in seconds. */
export const BEARER_CLOCK_TOLERANCE_S = 30;

/** What the bearer must also say, when the app is configured to check it. */
export interface BearerChecks {
  /** `AUTH_JWT_ISSUER`: the `iss` required. */
  readonly issuer?: string;
  /** `AUTH_JWT_AUDIENCE`: an `aud` required. */
  readonly audience?: string;
}

interface Claims {
  sub?: unknown;
  exp?: unknown;
  iat?: unknown;
}

/**
 * The example app's sign-in, as the library's `resolveUser`: an
 * `Authorization: Bearer <JWT>` (HS256, signed with `AUTH_JWT_SECRET`) is the
 * user `sub`. jsonwebtoken checks the algorithm, `exp`, the age (at most
 * {@link BEARER_MAX_AGE} past `iat`, which it then requires), and `iss`/`aud`
 * when configured. What it does not check is done here: `exp` must be present,
 * `iat` must not be in the future, and a `crit` header (extensions we cannot
 * honour, RFC 7515 §4.1.11) is refused. Anything else is no user: signed-in
 * routes then answer 401. Read from the request's headers, which Express and
 * Fastify requests share; the library asks once per request.
 */
export function bearerUser(jwt: JwtService, checks: BearerChecks = {}): (request: unknown) => TokenUser | undefined {
  return (request) => {
    const header = (request as { headers?: Record<string, unknown> }).headers?.authorization;
    if (typeof header !== 'string' || header.length <= 7 || header.slice(0, 7).toLowerCase() !== 'bearer ') return undefined;
    try {
      const verified = jwt.verify<{ header: Record<string, unknown>; payload: Claims }>(header.slice(7).trim(), {
        algorithms: ['HS256'],
        maxAge: BEARER_MAX_AGE,
        clockTolerance: BEARER_CLOCK_TOLERANCE_S,
        issuer: checks.issuer,
        audience: checks.audience,
        complete: true,
      });
      const { sub, exp, iat } = verified.payload;
      if ('crit' in verified.header || typeof exp !== 'number') return undefined;
      if (typeof iat !== 'number' || iat > Date.now() / 1000 + BEARER_CLOCK_TOLERANCE_S) return undefined;
      return typeof sub === 'string' && sub.length > 0 ? { id: sub } : undefined;
    } catch {
      return undefined; // not signed in; the route decides whether that matters
    }
  };
}
