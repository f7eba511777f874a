import { MAX_REFRESH_TOKEN_LENGTH, readTokenInput } from './token-input';
import { TokenProblem } from '../errors/token-problem';

const HANDLE = 'AbC-_123'.repeat(5) + 'xyz'; // 43 characters, base64url

/** The status of the problem `readTokenInput` throws, or 'ok'. */
function statusOf(query: Record<string, unknown>, body: unknown, audienceParam?: string): number | 'ok' {
  try {
    readTokenInput(query, body, audienceParam);
    return 'ok';
  } catch (error) {
    expect(error).toBeInstanceOf(TokenProblem);
    return (error as TokenProblem).getStatus();
  }
}

describe('readTokenInput', () => {
  it('reads refreshToken from the query or from a JSON body', () => {
    expect(readTokenInput({ refreshToken: HANDLE }, undefined, undefined).refreshToken).toBe(HANDLE);
    expect(readTokenInput({}, { refreshToken: HANDLE }, undefined).refreshToken).toBe(HANDLE);
    expect(readTokenInput({ refreshToken: HANDLE }, { refreshToken: HANDLE }, undefined).refreshToken).toBe(HANDLE);
  });

  it('reads the audience parameter the provider names', () => {
    expect(readTokenInput({ avatar_id: 'alice' }, undefined, 'avatar_id').audience).toBe('alice');
    expect(readTokenInput({}, { avatar_id: 'bob' }, 'avatar_id').audience).toBe('bob');
    expect(readTokenInput({ avatar_id: 'alice' }, undefined, undefined).audience).toBeUndefined();
  });

  it('ignores unknown parameters and treats empty strings as absent', () => {
    expect(readTokenInput({ foo: ['x', 'y'], refreshToken: '' }, { bar: { baz: 1 }, refreshToken: '' }, 'avatar_id')).toEqual({});
  });

  it("takes <sentifyd-bot>'s URL as it is: the plugin's nonce and a cache buster ignored, even repeated or structured", () => {
    const query = { avatar_id: 'avtr_wp', _wpnonce: '3f9a2c1b7e', _: ['1', '2'], cb: { x: '1' }, refreshToken: HANDLE };
    expect(readTokenInput(query, undefined, 'avatar_id')).toEqual({ audience: 'avtr_wp', refreshToken: HANDLE });
    // As Express and Fastify parse `?avatar_id=avtr_wp&_wpnonce=…&_=…&refreshToken=…` (refreshToken appended last).
    const parsed = Object.fromEntries(new URLSearchParams(`avatar_id=avtr_wp&_wpnonce=abc&_=1767225600000&refreshToken=${HANDLE}`));
    expect(readTokenInput(parsed, undefined, 'avatar_id')).toEqual({ audience: 'avtr_wp', refreshToken: HANDLE });
  });

  it.each([
    ['repeated in the query', { refreshToken: [HANDLE, HANDLE] }, undefined],
    ['an object in the query', { refreshToken: { a: HANDLE } }, undefined],
    ['a number in the body', {}, { refreshToken: 12345 }],
    ['an array in the body', {}, { refreshToken: [HANDLE] }],
    ['null in the body', {}, { refreshToken: null }],
    ['too long', { refreshToken: 'a'.repeat(MAX_REFRESH_TOKEN_LENGTH + 1) }, undefined],
    ['with a space', { refreshToken: 'abc def' }, undefined],
    ['with characters outside base64url', {}, { refreshToken: 'abc+/=' }],
    ['with a newline', {}, { refreshToken: 'abc\n' }],
    ['different in query and body', { refreshToken: HANDLE }, { refreshToken: HANDLE.replace('A', 'B') }],
  ])('answers 400 for a refreshToken %s', (_name, query, body) => {
    expect(statusOf(query, body)).toBe(400);
  });

  it('accepts the longest allowed refreshToken', () => {
    expect(statusOf({ refreshToken: 'a'.repeat(MAX_REFRESH_TOKEN_LENGTH) }, undefined)).toBe('ok');
  });

  it('answers 400 for a repeated, oversized or conflicting audience', () => {
    expect(statusOf({ avatar_id: ['a', 'b'] }, undefined, 'avatar_id')).toBe(400);
    expect(statusOf({ avatar_id: 'a'.repeat(129) }, undefined, 'avatar_id')).toBe(400);
    expect(statusOf({ avatar_id: 'a' }, { avatar_id: 'b' }, 'avatar_id')).toBe(400);
  });

  it('never quotes the value it refuses', () => {
    const bad = 'evil value <script>';
    try {
      readTokenInput({ refreshToken: bad }, undefined, undefined);
    } catch (error) {
      expect(JSON.stringify((error as TokenProblem).toBody())).not.toContain('evil');
    }
    expect.assertions(1);
  });

  it('takes no refreshToken from a prototype-pollution-looking body or query', () => {
    const body = JSON.parse('{"__proto__":{"refreshToken":"x"},"constructor":{"prototype":{"refreshToken":"y"}}}');
    expect(readTokenInput({}, body, undefined).refreshToken).toBeUndefined();
    const query = Object.create({ refreshToken: HANDLE, avatar_id: 'alice' }) as Record<string, unknown>;
    expect(readTokenInput(query, undefined, 'avatar_id')).toEqual({});
  });

  it('ignores a body that is not an object', () => {
    for (const body of ['refreshToken=x', [{ refreshToken: HANDLE }], null, 42]) {
      expect(readTokenInput({}, body, undefined).refreshToken).toBeUndefined();
    }
  });
});
