import { EnvError, parseEnv } from './env.schema';

const JWT = { AUTH_JWT_SECRET: 'jwt-secret-distinctive-0123456789abcdef' };
const OPENAI = { OPENAI_API_KEY: 'sk-openai-distinctive-9f3a', ...JWT };
const GEMINI = { GEMINI_API_KEY: 'gemini-key-distinctive-41c7', GEMINI_LIVE_MODEL: 'gemini-live-2.5-flash-preview', ...JWT };
const DEEPGRAM = { DEEPGRAM_API_KEY: 'deepgram-key-distinctive-2b88', ...JWT };

/** The variable `raw` is refused for, in a one-line message that quotes no value. */
function refusedFor(raw: Record<string, string>): string {
  try {
    parseEnv(raw);
  } catch (error) {
    expect(error).toBeInstanceOf(EnvError);
    const { message, variable } = error as EnvError;
    expect(message).not.toMatch(/\n/);
    expect(message.startsWith(variable)).toBe(true);
    for (const value of Object.values(raw)) if (value.length > 3) expect(message).not.toContain(value);
    return variable;
  }
  throw new Error('parseEnv accepted the configuration');
}

describe('parseEnv: OpenAI, Gemini and Deepgram', () => {
  it('accepts each provider with its key (and Gemini with its model), and the optional variables', () => {
    expect(parseEnv({ ...OPENAI, OPENAI_REALTIME_MODEL: 'gpt-realtime-mini', OPENAI_REALTIME_VOICE: 'marin', OPENAI_BASE_URL: 'https://proxy.example/openai' })).toMatchObject({
      OPENAI_REALTIME_VOICE: 'marin',
      OPENAI_BASE_URL: 'https://proxy.example/openai',
    });
    expect(parseEnv({ ...GEMINI, GEMINI_BASE_URL: 'http://127.0.0.1:9' }).GEMINI_LIVE_MODEL).toBe('gemini-live-2.5-flash-preview');
    expect(parseEnv({ ...DEEPGRAM, DEEPGRAM_TOKEN_TTL: '60' }).DEEPGRAM_TOKEN_TTL).toBe(60);
    expect(parseEnv({ ...DEEPGRAM, DEEPGRAM_TOKEN_TTL: '' }).DEEPGRAM_TOKEN_TTL).toBeUndefined();
  });

  it.each([
    ['OpenAI', OPENAI],
    ['Gemini', GEMINI],
    ['Deepgram', DEEPGRAM],
  ])('counts %s as a configured provider in production', (_name, env) => {
    expect(() => parseEnv({ NODE_ENV: 'production', ...env })).not.toThrow();
  });

  it.each([
    ['OPENAI_API_KEY', OPENAI.OPENAI_API_KEY],
    ['GEMINI_API_KEY', GEMINI.GEMINI_API_KEY],
    ['DEEPGRAM_API_KEY', DEEPGRAM.DEEPGRAM_API_KEY],
  ])('requires AUTH_JWT_SECRET with %s: the route is for signed-in users', (key, value) => {
    const env: Record<string, string> = { [key]: value };
    if (key === 'GEMINI_API_KEY') env.GEMINI_LIVE_MODEL = GEMINI.GEMINI_LIVE_MODEL;
    expect(refusedFor(env)).toBe('AUTH_JWT_SECRET');
  });

  it('refuses a half-configured Gemini, naming the missing variable', () => {
    expect(refusedFor({ GEMINI_API_KEY: GEMINI.GEMINI_API_KEY, ...JWT })).toBe('GEMINI_LIVE_MODEL');
    expect(refusedFor({ GEMINI_LIVE_MODEL: 'gemini-live-2.5-flash-preview', ...JWT })).toBe('GEMINI_API_KEY');
  });

  it.each(['0', '3601', '-5', '1.5', 'ten'])('refuses DEEPGRAM_TOKEN_TTL=%s', (ttl) => {
    expect(refusedFor({ ...DEEPGRAM, DEEPGRAM_TOKEN_TTL: ttl })).toBe('DEEPGRAM_TOKEN_TTL');
  });

  it.each([
    ['OPENAI_BASE_URL', OPENAI],
    ['GEMINI_BASE_URL', GEMINI],
    ['DEEPGRAM_BASE_URL', DEEPGRAM],
  ])('refuses a %s that is no http(s) URL', (variable, env) => {
    expect(refusedFor({ ...env, [variable]: 'ftp://proxy.example' })).toBe(variable);
    expect(refusedFor({ ...env, [variable]: 'not-a-url-distinctive' })).toBe(variable);
  });
});
