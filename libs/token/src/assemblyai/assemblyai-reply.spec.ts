import { UpstreamError } from '../errors/upstream-error';
import { upstreamFailureOf } from '../testing/upstream-failure';
import { parseAssemblyAIReply } from './assemblyai-reply';

const failureOf = (body: unknown) => upstreamFailureOf(() => parseAssemblyAIReply(body, 60));

describe('parseAssemblyAIReply', () => {
  it('reads the documented reply: token and a relative expires_in_seconds', () => {
    expect(parseAssemblyAIReply({ token: 'tmp-token-1', expires_in_seconds: 60 }, 60)).toEqual({ accessToken: 'tmp-token-1', expiresIn: 60 });
    expect(parseAssemblyAIReply({ token: 'tmp-token-1', expires_in_seconds: 30 }, 60).expiresIn).toBe(30);
  });

  it('uses the lifetime we asked for when none comes back', () => {
    expect(parseAssemblyAIReply({ token: 'tmp-token-1' }, 120).expiresIn).toBe(120);
    expect(parseAssemblyAIReply({ token: 'tmp-token-1', expires_in_seconds: null }, 45).expiresIn).toBe(45);
  });

  it('never believes a lifetime longer than the one we asked for', () => {
    expect(parseAssemblyAIReply({ token: 'tmp-token-1', expires_in_seconds: 86_400 }, 60).expiresIn).toBe(60);
  });

  it('accepts a numeric-string lifetime', () => {
    expect(parseAssemblyAIReply({ token: 'tmp-token-1', expires_in_seconds: '40' }, 60).expiresIn).toBe(40);
  });

  it.each([
    ['no token', { expires_in_seconds: 60 }],
    ['an empty token', { token: '', expires_in_seconds: 60 }],
    ['a non-string token', { token: 42, expires_in_seconds: 60 }],
    ['a zero lifetime', { token: 'tmp', expires_in_seconds: 0 }],
    ['a negative lifetime', { token: 'tmp', expires_in_seconds: -5 }],
    ['a lifetime that is no number', { token: 'tmp', expires_in_seconds: 'soon' }],
    ['an error reply', { error: 'Unauthorized' }],
    ['null', null],
    ['a string', 'tmp-token-1'],
    ['an array', [{ token: 'tmp' }]],
    ['a number', 1],
  ])('rejects %s as an invalid upstream answer', (_name, body) => {
    expect(failureOf(body)).toBe('invalid');
  });

  it('maps an invalid answer to 502 without quoting the body', () => {
    try {
      parseAssemblyAIReply({ error: 'body-text-distinctive-461' }, 60);
      throw new Error('did not throw');
    } catch (error) {
      const problem = (error as UpstreamError).toProblem();
      expect(problem.getStatus()).toBe(502);
      expect(JSON.stringify(problem.toBody()) + (error as Error).message).not.toContain('distinctive-461');
    }
  });
});
