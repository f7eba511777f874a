import { createSecretKey } from 'node:crypto';
import { VerifiedTokens } from './verified-tokens';
import { jwtVerify, type JWTVerifyGetKey, type JWTVerifyOptions, type KeyLike } from 'jose';

/** Longest a JWT is accepted after its `iat`, whatever its `exp` says (`exp: 1e300` is not forever). */
export const JWT_MAX_AGE = '24h';
/** Clock skew allowed between the token issuer and this server, in seconds. */
export const JWT_CLOCK_TOLERANCE_S = 30;
/** What an identity provider's JWKS may sign with: asymmetric only, so a public key can never act as an HMAC secret. */
export const JWKS_ALGORITHMS = ['RS256', 'PS256', 'ES256', 'EdDSA'];

/** What the JWT must also say, when the app is configured to check it. */
export interface JwtChecks {
  /** `AUTH_JWT_ISSUER`: the `iss` required. */
  readonly issuer?: string;
  /** `AUTH_JWT_AUDIENCE`: an `aud` required. */
  readonly audience?: string;
}

/**
 * Verifies one JWT; answers its `sub`, or undefined for anything that is not a
 * valid sign-in: at once when the token was verified lately, else as a
 * promise. Never rejects.
 */
export type JwtVerifier = (token: string) => string | undefined | Promise<string | undefined>;

const MAX_AGE_S = 24 * 3600;

/**
 * HS256 with `AUTH_JWT_SECRET`: the secret made into a KeyObject once, not per
 * request. `remember: false` verifies every time (the bench measures that).
 */
export function secretVerifier(secret: string, checks: JwtChecks = {}, remember = true): JwtVerifier {
  return verifierFor(createSecretKey(Buffer.from(secret)), ['HS256'], checks, remember);
}

/** An identity provider's keys (see `jwksKeys`): RS256, PS256, ES256 or EdDSA, never HS*. */
export function jwksVerifier(keys: JWTVerifyGetKey, checks: JwtChecks, remember = true): JwtVerifier {
  return verifierFor(keys, JWKS_ALGORITHMS, checks, remember);
}

/**
 * The example app's checks, whichever the key: the algorithm (checked before
 * any key is looked up, so an HS256 token never makes a JWKS fetch), `exp`
 * required and honoured, `iat` required, not in the future and at most
 * {@link JWT_MAX_AGE} ago, `nbf`, `iss`/`aud` when configured (jose), a
 * `crit` header refused (extensions we cannot honour, RFC 7515 §4.1.11), and a
 * non-empty string `sub`. Every failure, an unreachable JWKS included, is "no user".
 * A token that passed is remembered for a while (see {@link VerifiedTokens}).
 */
function verifierFor(key: KeyLike | JWTVerifyGetKey, algorithms: string[], checks: JwtChecks, remember: boolean): JwtVerifier {
  const options: JWTVerifyOptions = {
    algorithms,
    issuer: checks.issuer,
    audience: checks.audience,
    maxTokenAge: JWT_MAX_AGE,
    clockTolerance: JWT_CLOCK_TOLERANCE_S,
    requiredClaims: ['exp', 'iat'],
  };
  const verified = new VerifiedTokens();
  const verify = async (token: string): Promise<string | undefined> => {
    try {
      // One call signature per key kind: jose overloads on a key versus a key function.
      const { payload, protectedHeader } =
        typeof key === 'function' ? await jwtVerify(token, key, options) : await jwtVerify(token, key, options);
      if ('crit' in protectedHeader) return undefined;
      if (typeof payload.sub !== 'string' || payload.sub.length === 0) return undefined;
      // jose has required both; the entry ends when the token would stop verifying.
      verified.set(token, payload.sub, Date.now(), Math.min(payload.exp!, payload.iat! + MAX_AGE_S) * 1000);
      return payload.sub;
    } catch {
      return undefined; // not signed in; the route decides whether that matters
    }
  };
  return remember ? (token) => verified.get(token, Date.now()) ?? verify(token) : verify;
}
