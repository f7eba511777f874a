import { upstreamFailureOf, upstreamProblemOf } from '../testing/upstream-failure';
import { parseDeepgramReply } from './deepgram-reply';

const JWT = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJwcm9qZWN0In0.c2ln';

const failureOf = (body: unknown) => upstreamFailureOf(() => parseDeepgramReply(body, 300));

describe('parseDeepgramReply', () => {
  it('reads the documented reply: access_token and the relative expires_in', () => {
    expect(parseDeepgramReply({ access_token: JWT, expires_in: 300 }, 300)).toEqual({ accessToken: JWT, expiresIn: 300 });
  });

  it('believes the stated lifetime over what we asked for (relative seconds need no clock)', () => {
    expect(parseDeepgramReply({ access_token: JWT, expires_in: 30 }, 300).expiresIn).toBe(30);
  });

  it('uses the ttl_seconds we asked for when no expires_in comes back', () => {
    expect(parseDeepgramReply({ access_token: JWT }, 120).expiresIn).toBe(120);
    expect(parseDeepgramReply({ access_token: JWT, expires_in: null }, 120).expiresIn).toBe(120);
  });

  it.each([
    ['no access_token', { expires_in: 300 }],
    ['an empty access_token', { access_token: '', expires_in: 300 }],
    ['a non-string access_token', { access_token: 1, expires_in: 300 }],
    ['a zero expires_in', { access_token: JWT, expires_in: 0 }],
    ['a negative expires_in', { access_token: JWT, expires_in: -5 }],
    ['a string expires_in', { access_token: JWT, expires_in: '300' }],
    ['an infinite expires_in', { access_token: JWT, expires_in: Infinity }],
    ['an error object', { err_code: 'INVALID_AUTH', err_msg: 'Invalid credentials.' }],
    ['null', null],
    ['a string', JWT],
    ['an array', [{ access_token: JWT }]],
  ])('rejects %s as an invalid upstream answer', (_name, body) => {
    expect(failureOf(body)).toBe('invalid');
  });

  it('maps an invalid answer to 502 upstream_invalid', () => {
    const problem = upstreamProblemOf(() => parseDeepgramReply({}, 300));
    expect([problem.status, problem.error]).toEqual([502, 'upstream_invalid']);
  });
});
