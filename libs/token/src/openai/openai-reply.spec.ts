import { upstreamFailureOf, upstreamProblemOf } from '../testing/upstream-failure';
import { parseOpenAIReply } from './openai-reply';

const NOW = Date.parse('2026-01-01T00:00:00Z');
const NOW_S = NOW / 1000;
const SESSION = { type: 'realtime', object: 'realtime.session', model: 'gpt-realtime' };

const failureOf = (body: unknown) => upstreamFailureOf(() => parseOpenAIReply(body, NOW, 600));

describe('parseOpenAIReply', () => {
  it('reads the documented reply: value, and expires_at as seconds left on our clock', () => {
    const body = { value: 'ek_68af296e8e408191a1120ab6383263c2', expires_at: NOW_S + 600, session: SESSION };
    expect(parseOpenAIReply(body, NOW, 600)).toEqual({ accessToken: 'ek_68af296e8e408191a1120ab6383263c2', expiresIn: 600 });
  });

  it('counts from the moment of receipt: the same reply read 100 s later has 100 s less left', () => {
    expect(parseOpenAIReply({ value: 'ek_1', expires_at: NOW_S + 300 }, NOW + 100_000, 600).expiresIn).toBe(200);
  });

  it('never states more than we asked for (an upstream clock running ahead)', () => {
    expect(parseOpenAIReply({ value: 'ek_1', expires_at: NOW_S + 3600 + 600 }, NOW, 600).expiresIn).toBe(600);
  });

  it('uses what we asked for when no expires_at comes back', () => {
    expect(parseOpenAIReply({ value: 'ek_1', session: SESSION }, NOW, 120).expiresIn).toBe(120);
  });

  it.each([
    ['no value', { expires_at: NOW_S + 600, session: SESSION }],
    ['an empty value', { value: '', expires_at: NOW_S + 600 }],
    ['a non-string value', { value: 42, expires_at: NOW_S + 600 }],
    ['the beta shape (client_secret.value)', { client_secret: { value: 'ek_1', expires_at: NOW_S + 600 } }],
    ['an expires_at in the past', { value: 'ek_1', expires_at: NOW_S - 1 }],
    ['an expires_at of now', { value: 'ek_1', expires_at: NOW_S }],
    ['a string expires_at', { value: 'ek_1', expires_at: 'soon' }],
    ['an object expires_at', { value: 'ek_1', expires_at: {} }],
    ['null', null],
    ['a string', 'ek_1'],
    ['an array', [{ value: 'ek_1' }]],
    ['an error object', { error: { message: 'Incorrect API key provided', type: 'invalid_request_error' } }],
  ])('rejects %s as an invalid upstream answer', (_name, body) => {
    expect(failureOf(body)).toBe('invalid');
  });

  it('maps an invalid answer to 502 upstream_invalid without quoting the body', () => {
    const problem = upstreamProblemOf(() => parseOpenAIReply({ error: 'body-text-distinctive-456' }, NOW, 600));
    expect([problem.status, problem.error]).toEqual([502, 'upstream_invalid']);
    expect(problem.text).not.toContain('distinctive-456');
  });
});
