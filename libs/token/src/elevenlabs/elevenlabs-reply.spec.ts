import { UpstreamError } from '../errors/upstream-error';
import { upstreamFailureOf } from '../testing/upstream-failure';
import { ELEVENLABS_SIGNED_URL_WINDOW, parseElevenLabsReply } from './elevenlabs-reply';

const SIGNED = 'wss://api.elevenlabs.io/v1/convai/conversation?agent_id=agent_1&conversation_signature=sig-abc';

const failureOf = (body: unknown) => upstreamFailureOf(() => parseElevenLabsReply(body));

describe('parseElevenLabsReply', () => {
  it('reads the documented reply: the signed URL is the token', () => {
    expect(parseElevenLabsReply({ signed_url: SIGNED })).toEqual({ accessToken: SIGNED, expiresIn: ELEVENLABS_SIGNED_URL_WINDOW });
  });

  it('gives it the documented 15-minute window, since no expiry comes back', () => {
    expect(ELEVENLABS_SIGNED_URL_WINDOW).toBe(900);
    // Members we do not know change nothing.
    expect(parseElevenLabsReply({ signed_url: SIGNED, conversation_id: 'conv_1' }).expiresIn).toBe(900);
  });

  it.each([
    ['no signed_url', { url: SIGNED }],
    ['camelCase only (not documented)', { signedUrl: SIGNED }],
    ['an empty signed_url', { signed_url: '' }],
    ['a non-string signed_url', { signed_url: 42 }],
    ['a signed_url that is no URL', { signed_url: 'not a url' }],
    ['an https URL', { signed_url: 'https://api.elevenlabs.io/v1/convai/conversation?conversation_signature=x' }],
    ['a plain ws URL', { signed_url: 'ws://api.elevenlabs.io/v1/convai/conversation?conversation_signature=x' }],
    ['a javascript: URL', { signed_url: 'javascript:alert(1)' }],
    ['a URL with credentials', { signed_url: 'wss://user:pw@api.elevenlabs.io/v1/convai/conversation' }],
    ['an error reply', { detail: { status: 'invalid_api_key', message: 'Invalid API key' } }],
    ['null', null],
    ['a string', SIGNED],
    ['an array', [{ signed_url: SIGNED }]],
  ])('rejects %s as an invalid upstream answer', (_name, body) => {
    expect(failureOf(body)).toBe('invalid');
  });

  it('maps an invalid answer to 502 without quoting the body', () => {
    try {
      parseElevenLabsReply({ signed_url: 'https://x.example/?sig=distinctive-733' });
      throw new Error('did not throw');
    } catch (error) {
      const problem = (error as UpstreamError).toProblem();
      expect(problem.getStatus()).toBe(502);
      expect(JSON.stringify(problem.toBody()) + (error as Error).message).not.toContain('distinctive-733');
    }
  });
});
