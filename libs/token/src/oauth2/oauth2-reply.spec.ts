import { UpstreamError } from '../errors/upstream-error';
import { upstreamFailureOf } from '../testing/upstream-failure';
import { fakeJwt } from '../testing/upstream-simulator';
import { OAUTH2_DEFAULT_EXPIRES_IN, parseOAuth2Reply } from './oauth2-reply';

const NOW = Date.parse('2026-01-01T00:00:00Z');

const jwt = fakeJwt;

const failureOf = (body: unknown) => upstreamFailureOf(() => parseOAuth2Reply(body, NOW));

describe('parseOAuth2Reply', () => {
  it('reads the RFC 6749 §5.1 reply: token, type and relative lifetime', () => {
    const body = { access_token: 'at-123', token_type: 'Bearer', expires_in: 3600, scope: 'read write' };
    expect(parseOAuth2Reply(body, NOW)).toEqual({ accessToken: 'at-123', expiresIn: 3600, extras: { tokenType: 'Bearer' } });
  });

  it('keeps the token type as the server wrote it', () => {
    expect(parseOAuth2Reply({ access_token: 'at', token_type: 'DPoP', expires_in: 60 }, NOW).extras).toEqual({ tokenType: 'DPoP' });
  });

  it('takes a numeric string expires_in, as some servers send', () => {
    expect(parseOAuth2Reply({ access_token: 'at', token_type: 'bearer', expires_in: '1799' }, NOW).expiresIn).toBe(1799);
  });

  it('never keeps a refresh token', () => {
    const grant = parseOAuth2Reply({ access_token: 'at', token_type: 'Bearer', expires_in: 60, refresh_token: 'rt-distinctive' }, NOW);
    expect(JSON.stringify(grant)).not.toContain('rt-distinctive');
  });

  it("falls back to the JWT's exp, counted from the given now", () => {
    const token = jwt({ sub: 'client', exp: NOW / 1000 + 900 });
    expect(parseOAuth2Reply({ access_token: token, token_type: 'Bearer' }, NOW).expiresIn).toBe(900);
    expect(parseOAuth2Reply({ access_token: token, token_type: 'Bearer' }, NOW + 100_000).expiresIn).toBe(800);
  });

  it('assumes 300 s for an opaque token without expires_in, or with a zero or negative one', () => {
    expect(OAUTH2_DEFAULT_EXPIRES_IN).toBe(300);
    expect(parseOAuth2Reply({ access_token: 'opaque', token_type: 'Bearer' }, NOW).expiresIn).toBe(300);
    expect(parseOAuth2Reply({ access_token: 'opaque', token_type: 'Bearer', expires_in: 0 }, NOW).expiresIn).toBe(300);
    expect(parseOAuth2Reply({ access_token: 'opaque', token_type: 'Bearer', expires_in: -5 }, NOW).expiresIn).toBe(300);
  });

  it.each([
    ['an error reply', { error: 'invalid_client', error_description: 'bad secret' }],
    ['no access_token', { token_type: 'Bearer', expires_in: 60 }],
    ['an empty access_token', { access_token: '', token_type: 'Bearer', expires_in: 60 }],
    ['a non-string access_token', { access_token: 42, token_type: 'Bearer', expires_in: 60 }],
    ['no token_type', { access_token: 'at', expires_in: 60 }],
    ['camelCase names', { accessToken: 'at', tokenType: 'Bearer', expiresIn: 60 }],
    ['a JWT already expired and no expires_in', { access_token: jwt({ exp: NOW / 1000 - 1 }), token_type: 'Bearer' }],
    ['null', null],
    ['a string', 'at'],
    ['an array', [{ access_token: 'at', token_type: 'Bearer' }]],
  ])('rejects %s as an invalid upstream answer', (_name, body) => {
    expect(failureOf(body)).toBe('invalid');
  });

  it('never quotes the reply in its error', () => {
    try {
      parseOAuth2Reply({ error: 'invalid_scope', error_description: 'body-text-distinctive-123' }, NOW);
      throw new Error('did not throw');
    } catch (error) {
      const problem = (error as UpstreamError).toProblem();
      expect(problem.getStatus()).toBe(502);
      expect(JSON.stringify(problem.toBody()) + (error as Error).message).not.toContain('distinctive-123');
    }
  });
});
