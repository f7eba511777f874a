import { z } from 'zod';
import { EnvError } from './env-error';

/** Variables that, when any is set, mean real upstreams are meant. */
export const PROVIDER_VARIABLES: readonly string[] = [
  'MISO_CLIENTID', 'MISO_CLIENTSECRET', 'MISO_CONTROLLER_URL', 'AVATAR_API_KEY', 'SENTIFYD_BACKEND',
  'ASSEMBLYAI_API_KEY', 'ELEVENLABS_API_KEY', 'ELEVENLABS_AGENT_IDS', 'AZURE_SPEECH_KEY', 'AZURE_SPEECH_REGION', 'AZURE_SPEECH_ENDPOINT',
  'OAUTH2_TOKEN_URL', 'OAUTH2_CLIENT_ID', 'OAUTH2_CLIENT_SECRET', 'OPENAI_API_KEY', 'GEMINI_API_KEY', 'DEEPGRAM_API_KEY',
];

/** What the sandbox must never run beside: an operator's sign-in secrets or a store shared with anything else. */
const OPERATOR_VARIABLES = ['AUTH_JWT_SECRET', 'AUTH_JWKS_URL', 'REDIS_URL', 'REDIS_SENTINELS', 'REDIS_SENTINEL_NAME', 'REDIS_CLUSTER_NODES', 'REDIS_PASSWORD', 'REDIS_TLS_CA'];

const blankIsUnset = (v: unknown) => (typeof v === 'string' && v.trim() === '' ? undefined : v);

/** The schema of `SANDBOX` and `TOKEN_BUDGET_PER_HOUR`, spread into the app's env schema. */
export const SANDBOX_ENV = {
  SANDBOX: z.preprocess(blankIsUnset, z.enum(['0', '1'], 'must be 1 (run the sandbox) or 0').optional()),
  TOKEN_BUDGET_PER_HOUR: z.preprocess(blankIsUnset, z.coerce.number().int('must be a whole number').min(0, 'must be 0 or more').optional()),
};

const isSet = (raw: Record<string, string | undefined>, name: string) => (raw[name] ?? '').trim() !== '';

/**
 * True when `raw` asks for the sandbox (`SANDBOX=1`). Throws an
 * {@link EnvError} when it asks beside something the sandbox must never touch:
 * `NODE_ENV=production` in any case, a provider, the operator's sign-in
 * secrets, any Redis variable. Names the variable, never its value.
 */
export function sandboxRequested(raw: Record<string, string | undefined>): boolean {
  if (raw.SANDBOX?.trim() !== '1') return false;
  if (raw.NODE_ENV?.trim().toLowerCase() === 'production') throw new EnvError('SANDBOX', 'must not be 1 with NODE_ENV=production: the sandbox is for trying the app out');
  const provider = PROVIDER_VARIABLES.find((name) => isSet(raw, name));
  if (provider) throw new EnvError('SANDBOX', `must not be 1 with ${provider} set: the sandbox runs stand-ins, never real providers`);
  const operator = OPERATOR_VARIABLES.find((name) => isSet(raw, name));
  if (operator) throw new EnvError('SANDBOX', `must not be 1 with ${operator} set: the sandbox signs its own demo bearer and keeps its own store`);
  return true;
}

/** Refuses to start with no provider configured and no `SANDBOX=1`: never a token service of 404s. */
export function requireProviderOrSandbox(raw: Record<string, string | undefined>): void {
  if (sandboxRequested(raw) || PROVIDER_VARIABLES.some((name) => isSet(raw, name))) return;
  throw new EnvError('SANDBOX', 'is not 1 and no provider is configured: set a provider (MISO_*, AVATAR_API_KEY and SENTIFYD_BACKEND, OPENAI_API_KEY, ...) or SANDBOX=1 to try the app with stand-ins');
}
