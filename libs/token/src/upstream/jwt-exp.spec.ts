import { jwtExpiry } from './jwt-exp';

const part = (v: unknown) => Buffer.from(typeof v === 'string' ? v : JSON.stringify(v)).toString('base64url');
const jwt = (claims: unknown) => `${part({ alg: 'none' })}.${part(claims)}.sig`;

describe('jwtExpiry', () => {
  it('reads a numeric exp without verifying the signature', () => {
    expect(jwtExpiry(jwt({ exp: 1_800_000_000 }))).toBe(1_800_000_000);
  });

  it.each([
    ['no exp', jwt({ sub: 'x' })],
    ['a string exp', jwt({ exp: '1800000000' })],
    ['a non-object payload', jwt([1, 2])],
    ['a payload that is not JSON', `${part({ alg: 'none' })}.${part('not json')}.sig`],
    ['an opaque token', 'opaque-token'],
    ['an empty string', ''],
  ])('is undefined for %s', (_name, token) => {
    expect(jwtExpiry(token)).toBeUndefined();
  });
});
