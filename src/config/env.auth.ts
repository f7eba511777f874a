import { z } from 'zod';

/**
 * How the example app knows its signed-in users (`AUTH_*`), kept apart from the
 * rest of the environment: the schema of the variables, and their cross-checks.
 * `env.schema.ts` spreads {@link AUTH_VARIABLES} into its schema and throws an
 * `EnvError` for what {@link authProblem} finds.
 */

// Blank means unset, as everywhere in the environment (an empty .env line).
const unsetWhenBlank = <T extends z.ZodType>(schema: T) =>
  z.preprocess((v) => (typeof v === 'string' && v.trim() === '' ? undefined : v), schema.optional());

const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]']);

/** The variables. */
export const AUTH_VARIABLES = {
  AUTH_JWT_SECRET: unsetWhenBlank(z.string().refine((v) => Buffer.byteLength(v) >= 32, 'must be at least 32 bytes')),
  // Keys fetched over plain HTTP could be swapped on the way: https, except on this machine.
  AUTH_JWKS_URL: unsetWhenBlank(
    z.string().refine((v) => {
      if (!URL.canParse(v)) return false;
      const url = new URL(v);
      return url.protocol === 'https:' || (url.protocol === 'http:' && LOOPBACK.has(url.hostname));
    }, 'must be an https URL (http only on localhost)'),
  ),
  AUTH_JWT_ISSUER: unsetWhenBlank(z.string()),
  AUTH_JWT_AUDIENCE: unsetWhenBlank(z.string()),
  // A cookie name is an RFC 6265 token: no separators, spaces or controls.
  AUTH_COOKIE: unsetWhenBlank(z.string().regex(/^[!#$%&'*+.^`|~0-9A-Za-z_-]+$/, 'must be a cookie name (letters, digits, -, _, .)')),
};

type AuthEnv = { [K in keyof typeof AUTH_VARIABLES]?: string };

/** True when the environment can verify a signed-in user (a secret or an identity provider's JWKS). */
export function signsIn(env: AuthEnv): boolean {
  return env.AUTH_JWT_SECRET !== undefined || env.AUTH_JWKS_URL !== undefined;
}

/**
 * The first contradictory or half setting of the `AUTH_*` variables, as the
 * variable to name and what is wrong (never its value), or undefined.
 */
export function authProblem(env: AuthEnv): { variable: string; problem: string } | undefined {
  if (env.AUTH_JWKS_URL !== undefined) {
    if (env.AUTH_JWT_SECRET !== undefined) {
      return { variable: 'AUTH_JWKS_URL', problem: 'cannot be set with AUTH_JWT_SECRET: sign-ins are verified with one or the other' };
    }
    // An identity provider signs tokens for many apps: without both checks another app's token would do.
    if (env.AUTH_JWT_ISSUER === undefined) return { variable: 'AUTH_JWT_ISSUER', problem: 'is required when AUTH_JWKS_URL is set' };
    if (env.AUTH_JWT_AUDIENCE === undefined) return { variable: 'AUTH_JWT_AUDIENCE', problem: 'is required when AUTH_JWKS_URL is set' };
    return undefined;
  }
  for (const name of ['AUTH_JWT_ISSUER', 'AUTH_JWT_AUDIENCE', 'AUTH_COOKIE'] as const) {
    if (env[name] !== undefined && env.AUTH_JWT_SECRET === undefined) {
      return { variable: name, problem: 'needs AUTH_JWT_SECRET or AUTH_JWKS_URL to verify the JWTs it applies to' };
    }
  }
  return undefined;
}
