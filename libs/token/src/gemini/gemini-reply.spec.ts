import { upstreamFailureOf, upstreamProblemOf } from '../testing/upstream-failure';
import { parseGeminiReply } from './gemini-reply';

const failureOf = (body: unknown) => upstreamFailureOf(() => parseGeminiReply(body, 60));

describe('parseGeminiReply', () => {
  it('reads the documented reply: the token is its name', () => {
    expect(parseGeminiReply({ name: 'auth_tokens/3b1c9f2e7a' }, 60)).toEqual({ accessToken: 'auth_tokens/3b1c9f2e7a', expiresIn: 60 });
  });

  it('lives as long as the new-session window we asked for, whatever else comes back', () => {
    expect(parseGeminiReply({ name: 'auth_tokens/a' }, 45).expiresIn).toBe(45);
    // Echoed times (the upstream's clock) are not trusted: only what we asked for counts.
    const echoed = { name: 'auth_tokens/a', expireTime: '2099-01-01T00:00:00Z', newSessionExpireTime: '2099-01-01T00:00:00Z', uses: 1 };
    expect(parseGeminiReply(echoed, 45).expiresIn).toBe(45);
  });

  it.each([
    ['no name', { uses: 1, expireTime: '2026-01-01T00:30:00Z' }],
    ['an empty name', { name: '' }],
    ['a non-string name', { name: 7 }],
    ['an error object', { error: { code: 400, message: 'API key not valid.', status: 'INVALID_ARGUMENT' } }],
    ['null', null],
    ['a string', 'auth_tokens/a'],
    ['an array', [{ name: 'auth_tokens/a' }]],
  ])('rejects %s as an invalid upstream answer', (_name, body) => {
    expect(failureOf(body)).toBe('invalid');
  });

  it('maps an invalid answer to 502 upstream_invalid', () => {
    const problem = upstreamProblemOf(() => parseGeminiReply({}, 60));
    expect([problem.status, problem.error]).toEqual([502, 'upstream_invalid']);
  });
});
