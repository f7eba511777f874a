import { Secret, type TokenModuleOptions } from 'nestjs-token-broker';
import type { JwtService } from '@nestjs/jwt';
import { hkdfSync } from 'node:crypto';
import { bearerUser } from '../auth/bearer-user';
import type { AppEnv } from './env.schema';
import { redisStoreFromEnv } from './env.redis';

/** What the example app's environment makes of the {@link TokenModuleOptions}. */
export function tokenOptionsFromEnv(env: AppEnv, jwt: JwtService, overrides: Partial<TokenModuleOptions> = {}): TokenModuleOptions {
  return {
    resolveUser: bearerUser(jwt, { issuer: env.AUTH_JWT_ISSUER, audience: env.AUTH_JWT_AUDIENCE }),
    publicUrl: env.PUBLIC_URL,
    miso: env.MISO_CLIENTID
      ? {
          clientId: env.MISO_CLIENTID,
          clientSecret: new Secret(env.MISO_CLIENTSECRET!),
          controllerUrl: env.MISO_CONTROLLER_URL!,
          controllerPublicUrl: env.MISO_WEB_SERVER_URL,
          allowedOrigins: env.MISO_ALLOWED_ORIGINS,
        }
      : undefined,
    sentifyd: env.AVATAR_API_KEY
      ? {
          apiKey: new Secret(env.AVATAR_API_KEY),
          backendUrl: env.SENTIFYD_BACKEND!,
          avatarIds: env.SENTIFYD_AVATAR_IDS,
          refreshPath: env.SENTIFYD_REFRESH_PATH,
        }
      : undefined,
    assemblyai: env.ASSEMBLYAI_API_KEY ? { apiKey: new Secret(env.ASSEMBLYAI_API_KEY), baseUrl: env.ASSEMBLYAI_BASE_URL } : undefined,
    elevenlabs: env.ELEVENLABS_API_KEY
      ? { apiKey: new Secret(env.ELEVENLABS_API_KEY), agentIds: env.ELEVENLABS_AGENT_IDS!, baseUrl: env.ELEVENLABS_BASE_URL }
      : undefined,
    azureSpeech: env.AZURE_SPEECH_KEY
      ? { key: new Secret(env.AZURE_SPEECH_KEY), region: env.AZURE_SPEECH_REGION, endpoint: env.AZURE_SPEECH_ENDPOINT }
      : undefined,
    oauth2: env.OAUTH2_CLIENT_ID
      ? {
          tokenUrl: env.OAUTH2_TOKEN_URL!,
          clientId: env.OAUTH2_CLIENT_ID,
          clientSecret: new Secret(env.OAUTH2_CLIENT_SECRET!),
          scope: env.OAUTH2_SCOPE,
          audience: env.OAUTH2_AUDIENCE,
          authMethod: env.OAUTH2_AUTH_METHOD === 'post' ? 'client_secret_post' : 'client_secret_basic',
        }
      : undefined,
    openai: env.OPENAI_API_KEY
      ? { apiKey: new Secret(env.OPENAI_API_KEY), model: env.OPENAI_REALTIME_MODEL, voice: env.OPENAI_REALTIME_VOICE, baseUrl: env.OPENAI_BASE_URL }
      : undefined,
    gemini: env.GEMINI_API_KEY ? { apiKey: new Secret(env.GEMINI_API_KEY), model: env.GEMINI_LIVE_MODEL!, baseUrl: env.GEMINI_BASE_URL } : undefined,
    deepgram: env.DEEPGRAM_API_KEY
      ? { apiKey: new Secret(env.DEEPGRAM_API_KEY), ttlSeconds: env.DEEPGRAM_TOKEN_TTL, baseUrl: env.DEEPGRAM_BASE_URL }
      : undefined,
    store: redisStoreFromEnv(env),
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
