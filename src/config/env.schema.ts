import { z } from 'zod';
import { EnvError } from './env-error';
import { AUTH_VARIABLES, authProblem, signsIn } from './env.auth';
import { sandboxRequested, SANDBOX_ENV } from './env.sandbox';
import { redisEnvProblem, redisEnvSchema } from './env.redis';

export { EnvError };

// Empty (or blank) values in a .env file mean "unset": a blank TOKEN_RATE_LIMIT must not coerce to 0 (off).
const optional = <T extends z.ZodType>(schema: T) =>
  z.preprocess((v) => (typeof v === 'string' && v.trim() === '' ? undefined : v), schema.optional());
const httpUrl = z
  .string()
  .refine((v) => URL.canParse(v) && /^https?:$/.test(new URL(v).protocol), 'must be an http(s) URL');
const list = z.string().transform((v) => v.split(',').map((s) => s.trim()).filter(Boolean));

const schema = z.object({
  NODE_ENV: optional(z.string()),
  PORT: optional(z.coerce.number().int('must be a whole number').min(0).max(65535, 'must be a port number')),
  HOST: optional(z.string()),
  HTTP_ADAPTER: optional(z.enum(['fastify', 'express'], 'must be fastify or express')),
  METRICS_PORT: optional(z.coerce.number().int('must be a whole number').min(0).max(65535, 'must be a port number')),
  LOG_FORMAT: optional(z.enum(['text', 'json'], 'must be text or json')),
  PUBLIC_URL: optional(httpUrl),
  MISO_CLIENTID: optional(z.string()),
  MISO_CLIENTSECRET: optional(z.string()),
  MISO_CONTROLLER_URL: optional(httpUrl),
  MISO_WEB_SERVER_URL: optional(httpUrl),
  MISO_ALLOWED_ORIGINS: optional(list),
  AVATAR_API_KEY: optional(z.string()),
  SENTIFYD_BACKEND: optional(httpUrl),
  SENTIFYD_AVATAR_IDS: optional(list),
  SENTIFYD_REFRESH_PATH: optional(z.string().regex(/^\/[A-Za-z0-9/_.-]*$/, 'must be a path starting with /')),
  ASSEMBLYAI_API_KEY: optional(z.string()),
  ASSEMBLYAI_BASE_URL: optional(httpUrl),
  ELEVENLABS_API_KEY: optional(z.string()),
  ELEVENLABS_AGENT_IDS: optional(list.refine((ids) => ids.length > 0, 'must name at least one agent id')),
  ELEVENLABS_BASE_URL: optional(httpUrl),
  AZURE_SPEECH_KEY: optional(z.string()),
  AZURE_SPEECH_REGION: optional(z.string().regex(/^[A-Za-z0-9]{2,40}$/, 'must be an Azure region name such as westeurope').transform((v) => v.toLowerCase())),
  AZURE_SPEECH_ENDPOINT: optional(httpUrl),
  OAUTH2_TOKEN_URL: optional(httpUrl),
  OAUTH2_CLIENT_ID: optional(z.string()),
  OAUTH2_CLIENT_SECRET: optional(z.string()),
  OAUTH2_SCOPE: optional(z.string()),
  OAUTH2_AUDIENCE: optional(z.string()),
  OAUTH2_AUTH_METHOD: optional(z.enum(['basic', 'post'], 'must be basic or post')),
  OPENAI_API_KEY: optional(z.string()),
  OPENAI_REALTIME_MODEL: optional(z.string()),
  OPENAI_REALTIME_VOICE: optional(z.string()),
  OPENAI_BASE_URL: optional(httpUrl),
  GEMINI_API_KEY: optional(z.string()),
  GEMINI_LIVE_MODEL: optional(z.string()),
  GEMINI_BASE_URL: optional(httpUrl),
  DEEPGRAM_API_KEY: optional(z.string()),
  DEEPGRAM_TOKEN_TTL: optional(z.coerce.number().int('must be a whole number').min(1, 'must be from 1 to 3600').max(3600, 'must be from 1 to 3600')),
  DEEPGRAM_BASE_URL: optional(httpUrl),
  ...AUTH_VARIABLES,
  ...redisEnvSchema,
  TOKEN_ALLOWED_ORIGINS: optional(list),
  TOKEN_RATE_LIMIT: optional(z.coerce.number().int('must be a whole number').min(0, 'must be 0 or more')),
  TOKEN_UPSTREAM_TIMEOUT_MS: optional(z.coerce.number().int('must be a whole number').min(100, 'must be at least 100').max(60_000, 'must be at most 60000')),
  TRUST_PROXY: optional(z.string()),
  ...SANDBOX_ENV,
});

/** The example app's configuration, read from the environment. */
export type AppEnv = z.infer<typeof schema>;

const GROUPS: ReadonlyArray<readonly string[]> = [
  ['MISO_CLIENTID', 'MISO_CLIENTSECRET', 'MISO_CONTROLLER_URL'],
  ['AVATAR_API_KEY', 'SENTIFYD_BACKEND'],
  ['ASSEMBLYAI_API_KEY'],
  ['ELEVENLABS_API_KEY', 'ELEVENLABS_AGENT_IDS'],
  ['AZURE_SPEECH_KEY'],
  ['OAUTH2_TOKEN_URL', 'OAUTH2_CLIENT_ID', 'OAUTH2_CLIENT_SECRET'],
  ['OPENAI_API_KEY'],
  ['GEMINI_API_KEY', 'GEMINI_LIVE_MODEL'],
  ['DEEPGRAM_API_KEY'],
];

/** The variable that turns each signed-in route on, and the route's name for the refusal. */
const SIGNED_IN_ROUTES = [
  ['AVATAR_API_KEY', 'Sentifyd'],
  ['ASSEMBLYAI_API_KEY', 'AssemblyAI'],
  ['ELEVENLABS_API_KEY', 'ElevenLabs'],
  ['AZURE_SPEECH_KEY', 'Azure Speech'],
  ['OAUTH2_CLIENT_ID', 'OAuth2'],
  ['OPENAI_API_KEY', 'OpenAI'],
  ['GEMINI_API_KEY', 'Gemini'],
  ['DEEPGRAM_API_KEY', 'Deepgram'],
] as const;

/**
 * Reads and checks the environment. Throws an {@link EnvError} naming the
 * first bad variable: a malformed value, a provider half configured,
 * contradictory sign-in or Redis settings, no way to sign users in while a
 * signed-in route (Sentifyd, the catalogue) is on, or `NODE_ENV=production`
 * with no provider configured at all. (Without a provider and without
 * `SANDBOX=1` the process refuses to start too: `requireProviderOrSandbox`,
 * called by `main.ts`, since tests build apps with no provider on purpose.)
 */
export function parseEnv(raw: Record<string, string | undefined>): AppEnv {
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new EnvError(String(issue.path[0]), issue.code === 'custom' || issue.code === 'invalid_format' ? issue.message : describe(issue));
  }
  const env = parsed.data;
  sandboxRequested(raw);
  for (const group of GROUPS) {
    const set = group.filter((name) => env[name as keyof AppEnv] !== undefined);
    const missing = group.find((name) => env[name as keyof AppEnv] === undefined);
    if (set.length > 0 && missing) throw new EnvError(missing, `is required when ${set.join(' and ')} ${set.length > 1 ? 'are' : 'is'} set`);
  }
  const auth = authProblem(env);
  if (auth) throw new EnvError(auth.variable, auth.problem);
  const redis = redisEnvProblem(env);
  if (redis) throw new EnvError(...redis);
  if (env.METRICS_PORT && env.METRICS_PORT === (env.PORT ?? 3000)) throw new EnvError('METRICS_PORT', 'must differ from PORT: metrics are never served on the public port');
  checkAzureSpeech(env);
  // Every route but Miso's is for signed-in users: its provider needs a way to verify them.
  const signedIn = SIGNED_IN_ROUTES.find(([key]) => env[key] !== undefined);
  if (signedIn && !signsIn(env)) {
    throw new EnvError('AUTH_JWT_SECRET', `is required (or AUTH_JWKS_URL): the ${signedIn[1]} route is for signed-in users`);
  }
  // A production deployment that configures nothing is a mistake, never a token service with only 404s.
  if (env.NODE_ENV?.toLowerCase() === 'production' && GROUPS.every((group) => group.every((name) => env[name as keyof AppEnv] === undefined))) {
    throw new EnvError('NODE_ENV', `names no sandbox, so a provider is required: set ${GROUPS.map((group) => group.join(', ')).join(' or ')}`);
  }
  return env;
}

/** Azure Speech: the key with a region or an endpoint (the region then read from a regional endpoint), for signed-in users. */
function checkAzureSpeech(env: AppEnv): void {
  const where = env.AZURE_SPEECH_REGION !== undefined ? 'AZURE_SPEECH_REGION' : env.AZURE_SPEECH_ENDPOINT !== undefined ? 'AZURE_SPEECH_ENDPOINT' : undefined;
  if (env.AZURE_SPEECH_KEY === undefined) {
    if (where) throw new EnvError('AZURE_SPEECH_KEY', `is required when ${where} is set`);
    return;
  }
  if (!where) throw new EnvError('AZURE_SPEECH_REGION', 'or AZURE_SPEECH_ENDPOINT is required when AZURE_SPEECH_KEY is set');
  // As the library reads it: https://{region}.api.cognitive.microsoft.com names its region; a custom domain does not.
  if (!env.AZURE_SPEECH_REGION && !/^[a-z0-9]+\.api\.cognitive\./i.test(new URL(env.AZURE_SPEECH_ENDPOINT!).hostname)) {
    throw new EnvError('AZURE_SPEECH_REGION', 'is required: AZURE_SPEECH_ENDPOINT names no region, and browsers need one with the token');
  }
}

function describe(issue: z.core.$ZodIssue): string {
  // zod's own wording may quote the input; ours never does.
  if (issue.code === 'invalid_type') return issue.expected === 'int' ? 'must be a whole number' : 'has the wrong type';
  if (issue.code === 'too_small' || issue.code === 'too_big') return issue.message.replace(/received.*$/i, '').trim() || 'is out of range';
  return 'is not valid';
}
