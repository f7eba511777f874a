import { createHmac } from 'node:crypto';
import { eachPlatform } from '../support/platforms';
import { SENTIFYD, useRig } from '../support/rig';

const ISSUER = 'https://issuer.example';
const AUDIENCE = 'token-broker';
const HOUR = 3600;

/** An HS256 JWT with exactly `claims` and `header` fields (made by hand: a signing library would add or drop claims). */
function jwt(secret: string, claims: Record<string, unknown>, header: Record<string, unknown> = {}): string {
  const part = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const signed = `${part({ alg: 'HS256', typ: 'JWT', ...header })}.${part(claims)}`;
  return `${signed}.${createHmac('sha256', secret).update(signed).digest('base64url')}`;
}

const now = () => Math.floor(Date.now() / 1000);
type Case = [name: string, claims: () => Record<string, unknown>, header: Record<string, unknown>, status: number];

const ALWAYS: Case[] = [
  ['exp and iat now', () => ({ sub: 'u', iat: now(), exp: now() + HOUR }), {}, 200],
  ['iat 10 s ahead (within clock tolerance)', () => ({ sub: 'u', iat: now() + 10, exp: now() + HOUR }), {}, 200],
  ['no exp', () => ({ sub: 'u', iat: now() }), {}, 401],
  ['exp 1e300, no iat', () => ({ sub: 'u', exp: 1e300 }), {}, 401],
  ['exp 1e300, iat 25 h ago', () => ({ sub: 'u', iat: now() - 25 * HOUR, exp: 1e300 }), {}, 401],
  ['exp in 48 h, iat 24 h 1 min ago', () => ({ sub: 'u', iat: now() - 24 * HOUR - 60, exp: now() + 24 * HOUR }), {}, 401],
  ['iat an hour in the future', () => ({ sub: 'u', iat: now() + HOUR, exp: now() + 2 * HOUR }), {}, 401],
  ['expired', () => ({ sub: 'u', iat: now() - 2 * HOUR, exp: now() - HOUR }), {}, 401],
  ['an unknown crit header', () => ({ sub: 'u', iat: now(), exp: now() + HOUR }), { crit: ['x-ext'], 'x-ext': 1 }, 401],
];
const WITH_ISS_AUD: Case[] = [
  ['right iss and aud', () => ({ sub: 'u', iat: now(), exp: now() + HOUR, iss: ISSUER, aud: AUDIENCE }), {}, 200],
  ['wrong iss', () => ({ sub: 'u', iat: now(), exp: now() + HOUR, iss: 'https://evil.example', aud: AUDIENCE }), {}, 401],
  ['wrong aud', () => ({ sub: 'u', iat: now(), exp: now() + HOUR, iss: ISSUER, aud: 'other' }), {}, 401],
  ['no iss or aud', () => ({ sub: 'u', iat: now(), exp: now() + HOUR }), {}, 401],
];

/** The example app's sign-in: what a bearer JWT must say to be a user, as a table. */
eachPlatform(() => {
  describe.each([
    ['AUTH_JWT_ISSUER/AUDIENCE unset', {}, ALWAYS],
    ['AUTH_JWT_ISSUER/AUDIENCE set', { AUTH_JWT_ISSUER: ISSUER, AUTH_JWT_AUDIENCE: AUDIENCE }, WITH_ISS_AUD],
  ] as Array<[string, Record<string, string>, Case[]]>)('bearer JWTs, %s', (_name, env, cases) => {
    const rig = useRig('all', env);

    it.each(cases)('%s', async (_case, claims, header, status) => {
      const token = jwt(rig.upstreams.secrets.jwtSecret, claims(), header);
      const reply = await rig.client.get(SENTIFYD, { authorization: `Bearer ${token}` });
      expect(reply.status).toBe(status);
      expect(reply.text).not.toContain(token);
    });
  });
});
