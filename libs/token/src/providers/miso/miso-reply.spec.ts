import { upstreamFailureOf, upstreamProblemOf } from '../../testing/upstream-failure';
import { fakeJwt } from '../../testing/upstream-simulator';
import { MISO_DEFAULT_EXPIRES_IN, parseMisoReply } from './miso-reply';

const NOW = Date.parse('2026-01-01T00:00:00Z');

const jwt = fakeJwt;

const failureOf = (body: unknown) => upstreamFailureOf(() => parseMisoReply(body, NOW));

describe('parseMisoReply', () => {
  it('reads the wrapped reply of current controllers', () => {
    const body = { success: true, data: { token: 'tok-wrapped', expiresIn: 1800, expiresAt: '2026-01-01T00:30:00Z' } };
    expect(parseMisoReply(body, NOW)).toEqual(expect.objectContaining({ accessToken: 'tok-wrapped', expiresIn: 1800 }));
  });

  it('reads the flat reply of older controllers', () => {
    expect(parseMisoReply({ token: 'tok-flat', expiresIn: 600 }, NOW)).toEqual(
      expect.objectContaining({ accessToken: 'tok-flat', expiresIn: 600 }),
    );
  });

  it("falls back to the JWT's exp, counted from the given now", () => {
    const token = jwt({ sub: 'app', exp: NOW / 1000 + 900 });
    expect(parseMisoReply({ success: true, data: { token } }, NOW).expiresIn).toBe(900);
    // The same token read 100 s later has 100 s less left.
    expect(parseMisoReply({ token }, NOW + 100_000).expiresIn).toBe(800);
  });

  it('refuses a JWT that is already expired when no expiresIn is given', () => {
    const token = jwt({ sub: 'app', exp: NOW / 1000 - 1 });
    expect(() => parseMisoReply({ token }, NOW)).toThrow(expect.objectContaining({ failure: 'invalid' }));
  });

  it('assumes 1800 s when neither expiresIn nor exp is given', () => {
    expect(MISO_DEFAULT_EXPIRES_IN).toBe(1800);
    expect(parseMisoReply({ token: 'opaque-token' }, NOW).expiresIn).toBe(1800);
    expect(parseMisoReply({ token: jwt({ sub: 'app' }) }, NOW).expiresIn).toBe(1800);
  });

  it('ignores a zero or negative expiresIn and uses the fallback', () => {
    expect(parseMisoReply({ token: 'opaque-token', expiresIn: 0 }, NOW).expiresIn).toBe(1800);
    expect(parseMisoReply({ token: 'opaque-token', expiresIn: -5 }, NOW).expiresIn).toBe(1800);
  });

  it.each([
    ['success: false', { success: false, data: { token: 'tok', expiresIn: 60 } }],
    ['no token', { success: true, data: { expiresIn: 60 } }],
    ['an empty token', { token: '', expiresIn: 60 }],
    ['a non-string token', { token: 42, expiresIn: 60 }],
    ['null', null],
    ['a string', 'tok'],
    ['an array', [{ token: 'tok' }]],
    ['a number', 1],
  ])('rejects %s as an invalid upstream answer', (_name, body) => {
    expect(failureOf(body)).toBe('invalid');
  });

  it('maps an invalid answer to 502 without quoting the body', () => {
    const problem = upstreamProblemOf(() => parseMisoReply({ success: false, error: 'body-text-distinctive-123' }, NOW));
    expect([problem.status, problem.error]).toEqual([502, 'upstream_invalid']);
    expect(problem.text).not.toContain('distinctive-123');
  });
});
