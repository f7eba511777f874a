import { EnvError, parseEnv } from './env.schema';

const SECRET = 'jwt-secret-distinctive-0123456789abcdef';
const JWKS = 'https://idp.example/.well-known/jwks.json';
const SENTIFYD = { AVATAR_API_KEY: 'avatar-key-distinctive-5d2b', SENTIFYD_BACKEND: 'https://sentifyd.example' };
const IDP = { AUTH_JWKS_URL: JWKS, AUTH_JWT_ISSUER: 'https://idp.example/', AUTH_JWT_AUDIENCE: 'token-broker' };

/** What parseEnv says of `raw`: its EnvError's message, or "accepted". */
const verdict = (raw: Record<string, string | undefined>): string => {
  try {
    parseEnv(raw);
    return 'accepted';
  } catch (error) {
    return error instanceof EnvError ? error.message : `not an EnvError: ${String(error)}`;
  }
};

describe('AUTH_* at start-up', () => {
  it.each([
    ['AUTH_JWT_SECRET with AUTH_JWKS_URL', { ...SENTIFYD, ...IDP, AUTH_JWT_SECRET: SECRET }, /^AUTH_JWKS_URL: cannot be set with AUTH_JWT_SECRET/],
    ['AUTH_JWKS_URL without an issuer', { ...SENTIFYD, ...IDP, AUTH_JWT_ISSUER: undefined }, /^AUTH_JWT_ISSUER: is required when AUTH_JWKS_URL is set/],
    ['AUTH_JWKS_URL without an audience', { ...SENTIFYD, ...IDP, AUTH_JWT_AUDIENCE: ' ' }, /^AUTH_JWT_AUDIENCE: is required when AUTH_JWKS_URL is set/],
    ['a plain-http JWKS off this machine', { ...SENTIFYD, ...IDP, AUTH_JWKS_URL: 'http://idp.example/jwks' }, /^AUTH_JWKS_URL: must be an https URL/],
    ['a JWKS URL that is no URL', { ...SENTIFYD, ...IDP, AUTH_JWKS_URL: 'idp.example/jwks' }, /^AUTH_JWKS_URL: must be an https URL/],
    ['AUTH_COOKIE with nothing to verify it', { AUTH_COOKIE: 'session' }, /^AUTH_COOKIE: needs AUTH_JWT_SECRET or AUTH_JWKS_URL/],
    ['AUTH_JWT_ISSUER alone', { AUTH_JWT_ISSUER: 'https://idp.example/' }, /^AUTH_JWT_ISSUER: needs AUTH_JWT_SECRET or AUTH_JWKS_URL/],
    ['a cookie name with a separator', { AUTH_JWT_SECRET: SECRET, AUTH_COOKIE: 'a=b; c' }, /^AUTH_COOKIE: must be a cookie name/],
    ['a signed-in route with neither secret nor JWKS', { ...SENTIFYD }, /^AUTH_JWT_SECRET: is required/],
  ])('refuses %s, naming the variable', (_name, env, line) => {
    const message = verdict(env);
    expect(message).toMatch(line);
    expect(message).not.toMatch(/\n/);
    for (const value of [SECRET, JWKS, 'a=b; c']) expect(message).not.toContain(value);
  });

  it.each([
    ['a JWKS with issuer and audience', { ...SENTIFYD, ...IDP }],
    ['a JWKS and a session cookie', { ...SENTIFYD, ...IDP, AUTH_COOKIE: 'wordpress_logged_in_abc' }],
    ['a JWKS on localhost over http', { ...SENTIFYD, ...IDP, AUTH_JWKS_URL: 'http://127.0.0.1:8080/jwks' }],
    ['a secret and a session cookie', { ...SENTIFYD, AUTH_JWT_SECRET: SECRET, AUTH_COOKIE: 'session' }],
    ['a blank AUTH_COOKIE (unset)', { ...SENTIFYD, AUTH_JWT_SECRET: SECRET, AUTH_COOKIE: '' }],
  ])('accepts %s', (_name, env) => {
    expect(verdict(env)).toBe('accepted');
  });
});
