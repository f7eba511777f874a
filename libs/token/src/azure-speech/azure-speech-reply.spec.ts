import { UpstreamError } from '../errors/upstream-error';
import { upstreamFailureOf } from '../testing/upstream-failure';
import { AZURE_SPEECH_TOKEN_LIFETIME, parseAzureSpeechReply } from './azure-speech-reply';

/** A JWT-shaped token like the ones `issueToken` answers. */
function jwt(claims: Record<string, unknown>): string {
  const part = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
  return `${part({ alg: 'RS256', typ: 'JWT' })}.${part(claims)}.c2lnbmF0dXJl`;
}

const failureOf = (body: unknown) => upstreamFailureOf(() => parseAzureSpeechReply(body));

describe('parseAzureSpeechReply', () => {
  it('reads the plain-text JWT and serves it for the 9 minutes Microsoft advises', () => {
    const token = jwt({ region: 'westeurope', exp: 1_767_225_600 });
    expect(AZURE_SPEECH_TOKEN_LIFETIME).toBe(540);
    expect(parseAzureSpeechReply(token)).toEqual({ accessToken: token, expiresIn: 540 });
  });

  it('ignores surrounding whitespace (a trailing newline)', () => {
    const token = jwt({ region: 'eastus' });
    expect(parseAzureSpeechReply(`${token}\r\n`).accessToken).toBe(token);
  });

  it.each([
    ['an empty body', ''],
    ['whitespace', ' \n'],
    ['a JSON error', '{"error":{"code":"401","message":"Access denied"}}'],
    ['an HTML page', '<html><body>Service Unavailable</body></html>'],
    ['two parts only', 'eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0'],
    ['an unsigned JWT', 'eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.'],
    ['a token with spaces', 'abc.def ghi.jkl'],
    ['two tokens', `${jwt({ n: 1 })}\n${jwt({ n: 2 })}`],
    ['parsed JSON (not text)', { token: 'abc.def.ghi' }],
    ['null', null],
    ['a number', 42],
  ])('rejects %s as an invalid upstream answer', (_name, body) => {
    expect(failureOf(body)).toBe('invalid');
  });

  it('never quotes the reply in its error', () => {
    try {
      parseAzureSpeechReply('body-text-distinctive-123');
      throw new Error('did not throw');
    } catch (error) {
      const problem = (error as UpstreamError).toProblem();
      expect(problem.getStatus()).toBe(502);
      expect(JSON.stringify(problem.toBody()) + (error as Error).message).not.toContain('distinctive-123');
    }
  });
});
