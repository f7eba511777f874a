import type { UserResolver } from 'nestjs-token-broker';
import type { AppEnv } from '../config/env.schema';
import { jwksKeys } from './jwks-keys';
import { jwksVerifier, secretVerifier, type JwtVerifier } from './jwt-verifier';
import { requestUser } from './request-user';

/**
 * The example app's `resolveUser`, as the `AUTH_*` variables say: JWTs
 * verified with `AUTH_JWT_SECRET` (HS256) or with the keys of `AUTH_JWKS_URL`,
 * read from `Authorization: Bearer`, else from the `AUTH_COOKIE` cookie. Keys
 * are prepared here, once. With neither variable nobody is signed in (the
 * signed-in routes are then refused at start-up: parseEnv).
 */
export function userResolverFromEnv(env: AppEnv): UserResolver {
  const verify = verifierFromEnv(env);
  return verify ? requestUser(verify, env.AUTH_COOKIE) : () => undefined;
}

function verifierFromEnv(env: AppEnv): JwtVerifier | undefined {
  const checks = { issuer: env.AUTH_JWT_ISSUER, audience: env.AUTH_JWT_AUDIENCE };
  if (env.AUTH_JWKS_URL !== undefined) return jwksVerifier(jwksKeys(env.AUTH_JWKS_URL), checks);
  if (env.AUTH_JWT_SECRET !== undefined) return secretVerifier(env.AUTH_JWT_SECRET, checks);
  return undefined;
}
