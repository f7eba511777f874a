import type { Provider } from '@nestjs/common';
import { Secret, type TokenModuleOptions } from 'nestjs-token-broker';
import { AssemblyAITokenProvider, type AssemblyAIOptions } from 'nestjs-token-broker/assemblyai';
import { AzureSpeechTokenProvider, type AzureSpeechOptions } from 'nestjs-token-broker/azure-speech';
import { DeepgramTokenProvider, type DeepgramOptions } from 'nestjs-token-broker/deepgram';
import { ElevenLabsTokenProvider, type ElevenLabsOptions } from 'nestjs-token-broker/elevenlabs';
import { GeminiTokenProvider, type GeminiOptions } from 'nestjs-token-broker/gemini';
import { MisoTokenProvider, type MisoOptions } from 'nestjs-token-broker/miso';
import { OAuth2TokenProvider, type OAuth2Options } from 'nestjs-token-broker/oauth2';
import { OpenAITokenProvider, type OpenAIOptions } from 'nestjs-token-broker/openai';
import { SentifydTokenProvider, type SentifydOptions } from 'nestjs-token-broker/sentifyd';
import type { AppEnv } from './env.schema';

/** The options of each built-in provider the example app runs; absent leaves it switched off (its routes answer 404). */
export interface CatalogueOptions {
  miso?: MisoOptions;
  sentifyd?: SentifydOptions;
  openai?: OpenAIOptions;
  gemini?: GeminiOptions;
  deepgram?: DeepgramOptions;
  assemblyai?: AssemblyAIOptions;
  elevenlabs?: ElevenLabsOptions;
  azureSpeech?: AzureSpeechOptions;
  oauth2?: OAuth2Options;
}

/** What tests may override: module options, and any provider's options in place of the environment's. */
export type AppOverrides = Partial<TokenModuleOptions> & CatalogueOptions;

const CATALOGUE_KEYS = ['miso', 'sentifyd', 'openai', 'gemini', 'deepgram', 'assemblyai', 'elevenlabs', 'azureSpeech', 'oauth2'] as const;

/** `overrides` split into the module's options and the providers' options. */
export function splitOverrides(overrides: AppOverrides): { module: Partial<TokenModuleOptions>; catalogue: CatalogueOptions } {
  const module: Record<string, unknown> = { ...overrides };
  const catalogue: Record<string, unknown> = {};
  for (const key of CATALOGUE_KEYS) {
    if (key in module) catalogue[key] = module[key];
    delete module[key];
  }
  return { module, catalogue };
}

/**
 * Every built-in provider, registered as Nest providers from the environment
 * (with `overrides` in place of a vendor's options): on when its variables are
 * set, else switched off, so its route answers 404 instead of being unknown.
 */
export function catalogueProviders(env: AppEnv, overrides: CatalogueOptions = {}): Provider[] {
  const c = { ...catalogueFromEnv(env), ...overrides };
  return [
    MisoTokenProvider.register(c.miso),
    SentifydTokenProvider.register(c.sentifyd),
    OpenAITokenProvider.register(c.openai),
    GeminiTokenProvider.register(c.gemini),
    DeepgramTokenProvider.register(c.deepgram),
    AssemblyAITokenProvider.register(c.assemblyai),
    ElevenLabsTokenProvider.register(c.elevenlabs),
    AzureSpeechTokenProvider.register(c.azureSpeech),
    OAuth2TokenProvider.register(c.oauth2),
  ];
}

/** Each vendor's options from its environment variables (see `.env.example`). */
export function catalogueFromEnv(env: AppEnv): CatalogueOptions {
  return {
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
  };
}
