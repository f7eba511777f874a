import type { TokenModuleOptions } from 'nestjs-token-broker';
import { hkdfSync } from 'node:crypto';
import { userResolverFromEnv } from '../auth/sign-in';
import type { AppEnv } from './env.schema';
import { redisStoreFromEnv } from './env.redis';

/** What the example app's environment makes of the {@link TokenModuleOptions} (the providers' own options: `token-providers.ts`). */
export function tokenOptionsFromEnv(env: AppEnv, overrides: Partial<TokenModuleOptions> = {}): TokenModuleOptions {
  return {
    resolveUser: userResolverFromEnv(env),
    publicUrl: env.PUBLIC_URL,
    store: redisStoreFromEnv(env),
    storeKey: storeKeyFromEnv(env),
    rateLimit: { perMinute: env.TOKEN_RATE_LIMIT ?? 60 },
    upstreamTimeoutMs: env.TOKEN_UPSTREAM_TIMEOUT_MS,
    budgetPerHour: env.TOKEN_BUDGET_PER_HOUR,
    ...overrides,
  };
}

/** The providers' secrets: every instance of one deployment has the same ones. */
const PROVIDER_SECRETS = [
  'MISO_CLIENTSECRET',
  'AVATAR_API_KEY',
  'OPENAI_API_KEY',
  'GEMINI_API_KEY',
  'DEEPGRAM_API_KEY',
  'ASSEMBLYAI_API_KEY',
  'ELEVENLABS_API_KEY',
  'AZURE_SPEECH_KEY',
  'OAUTH2_CLIENT_SECRET',
] as const;

/**
 * The key that seals what the store holds. Instances sharing a store must share it, so it is made
 * from what they already share: the JWT secret, else (users signed in through an identity
 * provider's JWKS, no shared secret) the providers' own secrets. A key of this process alone would
 * make every peer's handles and grants unreadable. Neither input ever reaches the store; rotating
 * one makes what the store holds unreadable (grants are fetched again, handles answer 401).
 */
export function storeKeyFromEnv(env: AppEnv): Buffer | undefined {
  const shared =
    env.AUTH_JWT_SECRET ??
    PROVIDER_SECRETS.filter((name) => env[name] !== undefined)
      .map((name) => `${name}=${env[name]}`)
      .join('\n');
  return shared ? Buffer.from(hkdfSync('sha256', shared, Buffer.alloc(0), 'example-app/store-key', 32)) : undefined;
}
