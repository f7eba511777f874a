import type { IncomingHttpHeaders } from 'node:http';
import type { TokenUser, UserResolver } from 'nestjs-token-broker';
import { cookieValue } from './cookie';
import type { JwtVerifier } from './jwt-verifier';

/**
 * The example app's sign-in, as the library's `resolveUser`: the JWT of an
 * `Authorization: Bearer` header, else (with `AUTH_COOKIE`) the JWT in that
 * cookie, verified alike. A request with `Authorization` is never signed in by
 * the cookie: the bearer wins, even a bad one. A cookie user is marked
 * `via: 'cookie'`, so the library's guard applies the CSRF rule to it.
 *
 * A request with neither answers undefined at once (no promise): an anonymous
 * request awaits nothing; nor does one whose token was verified lately. Read from the request's headers, which Express and
 * Fastify requests share; the library asks once per request.
 */
export function requestUser(verify: JwtVerifier, cookie?: string): UserResolver {
  return (request) => {
    const headers: IncomingHttpHeaders = (request as { headers?: IncomingHttpHeaders }).headers ?? {};
    const authorization = headers.authorization;
    if (authorization !== undefined) {
      const token = bearerToken(authorization);
      return token === undefined ? undefined : signIn(verify(token), 'bearer');
    }
    const token = cookie === undefined ? undefined : cookieValue(headers.cookie, cookie);
    return token === undefined ? undefined : signIn(verify(token), 'cookie');
  };
}

/** The user of a verification: synchronous when the token was verified lately (the guard then awaits nothing). */
function signIn(id: ReturnType<JwtVerifier>, via: TokenUser['via']): TokenUser | undefined | Promise<TokenUser | undefined> {
  return typeof id === 'object' ? id.then((known) => userOf(known, via)) : userOf(id, via);
}

function bearerToken(header: string): string | undefined {
  if (header.length <= 7 || header.slice(0, 7).toLowerCase() !== 'bearer ') return undefined;
  const token = header.slice(7).trim();
  return token.length > 0 ? token : undefined;
}

function userOf(id: string | undefined, via: TokenUser['via']): TokenUser | undefined {
  return id === undefined ? undefined : { id, via };
}
