/**
 * nestjs-token-broker: a NestJS module that hands short-lived tokens to
 * browser code while client secrets and API keys stay on the server.
 *
 * This entry holds what an app codes against; the Redis store is at
 * `nestjs-token-broker/redis`, test helpers at `nestjs-token-broker/testing`,
 * the browser client at `nestjs-token-broker/browser`.
 */

// The module and its options
export { TokenModule } from './token.module';
export type { TokenAccessLevel, TokenModuleOptions, TokenRateLimitOptions, TokenRouteOptions, TokenModuleExtras } from './token-module-options';
export type { TokenModuleAsyncOptions } from './token.module-definition';
export { Clock } from './clock';
export type { ExpiryPolicy } from './grants/expiry';

// The one way in
export { TokenService, type TokenAnswer } from './token.service';

// Providers: the strategy interface, its types, and the built-in ones
export {
  RegisterTokenProvider,
  type GrantScope,
  type IssuedToken,
  type TokenProvider,
  type TokenRequest,
  type TokenUser,
  type UpstreamGrant,
} from './providers/token-provider';
export type { CachedGrant } from './grants/cached-grant';
export { MisoTokenProvider, type MisoClientConfig, type MisoTokenReply } from './providers/miso/miso.provider';
export type { MisoOptions } from './providers/miso/miso.options';
export { SentifydTokenProvider, type SentifydTokenReply } from './providers/sentifyd/sentifyd.provider';
export type { SentifydOptions } from './providers/sentifyd/sentifyd.options';
export type { AssemblyAIOptions } from './assemblyai/assemblyai.options';
export type { ElevenLabsOptions } from './elevenlabs/elevenlabs.options';
export type { AzureSpeechOptions } from './azure-speech/azure-speech.options';
export type { OAuth2ClientAuthMethod, OAuth2Options } from './oauth2/oauth2.options';
export type { OpenAIOptions } from './openai/openai.options';
export type { GeminiOptions } from './gemini/gemini.options';
export type { DeepgramOptions } from './deepgram/deepgram.options';

// What a custom provider needs to call an upstream
export { UpstreamClient, type UpstreamRequest } from './upstream/upstream.client';
export { Secret } from './secret';

// Guards and decorators for an app's own routes
export { TokenGuard } from './http/token.guard';
export { TokenUsers } from './http/token-users';
export { AllowedOrigins, Public, SignedIn, TokenRoute, type TokenRouteMetadata } from './http/token-route.decorator';
export { NoStore } from './http/token-headers';
export { ProblemDetailsFilter } from './errors/problem-details.filter';

// Errors
export { TokenProblem, type ProblemBody } from './errors/token-problem';
export { UpstreamError, type UpstreamFailure } from './errors/upstream-error';
export { StoreUnavailableError } from './errors/store-unavailable.error';

// Metrics (recorded into prom-client's default registry when prom-client is installed)
export { TokenMetrics, type UpstreamOutcome } from './metrics/token-metrics';

// Stores
export { TokenStore } from './store/token-store';
export { MemoryTokenStore, type MemoryTokenStoreOptions } from './store/memory.store';
