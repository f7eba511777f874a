import type { TokenModuleOptions } from 'nestjs-token-broker';
import { RedisTokenStore } from 'nestjs-token-broker/redis';
import { hkdfSync } from 'node:crypto';
import { userResolverFromEnv } from '../auth/sign-in';
import type { AppEnv } from './env.schema';

/** What the example app's environment makes of the {@link TokenModuleOptions} (the providers' own options: `token-providers.ts`). */
export function tokenOptionsFromEnv(env: AppEnv, overrides: Partial<TokenModuleOptions> = {}): TokenModuleOptions {
  return {
    resolveUser: userResolverFromEnv(env),
    publicUrl: env.PUBLIC_URL,
    store: env.REDIS_URL ? RedisTokenStore.fromUrl(env.REDIS_URL) : undefined,
    // Instances sharing Redis must share the sealing key; they already share the JWT secret.
    storeKey: env.AUTH_JWT_SECRET ? deriveStoreKey(env.AUTH_JWT_SECRET) : undefined,
    rateLimit: { perMinute: env.TOKEN_RATE_LIMIT ?? 60 },
    upstreamTimeoutMs: env.TOKEN_UPSTREAM_TIMEOUT_MS,
    ...overrides,
  };
}

function deriveStoreKey(secret: string): Buffer {
  return Buffer.from(hkdfSync('sha256', secret, Buffer.alloc(0), 'example-app/store-key', 32));
}
