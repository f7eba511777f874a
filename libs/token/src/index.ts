/**
 * nestjs-token-broker: a NestJS module that hands short-lived tokens to
 * browser code while client secrets and API keys stay on the server.
 *
 * This entry holds what an app codes against; the Redis store is at
 * `nestjs-token-broker/redis`, test helpers at `nestjs-token-broker/testing`,
 * the browser client at `nestjs-token-broker/browser`, each built-in provider
 * at its own (`nestjs-token-broker/openai`, …).
 */

// The module and its options
export { TokenModule } from './token.module';
export type { TokenAccessLevel, TokenModuleOptions, TokenRateLimitOptions, TokenRouteOptions, TokenModuleExtras, UserResolver } from './token-module-options';
export type { TokenModuleAsyncOptions } from './token.module-definition';
export { Clock } from './clock';
export type { ExpiryPolicy } from './grants/expiry';

// The one way in
export { TokenService, type TokenAnswer } from './token.service';

// Providers: the strategy interface, its types, and the kit every provider shares.
// The built-in ones are subpath entries: nestjs-token-broker/miso, /sentifyd, /openai, /gemini,
// /deepgram, /assemblyai, /elevenlabs, /azure-speech, /oauth2.
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
export type { TokenProviderAsyncOptions } from './providers/configured-provider';
export type { ProviderUpstream } from './upstream/provider-upstream';
export * as ProviderKit from './providers/provider-kit';
export { Secret } from './secret';
export type { UpstreamRequest } from './upstream/upstream.client';

// Guards and decorators for an app's own routes
export { TokenGuard } from './http/token.guard';
export { TokenUsers } from './http/token-users';
export { AllowedOrigins, Public, SignedIn, TokenRoute, type TokenRouteMetadata } from './http/token-route.decorator';
export { NoStore } from './http/token-headers';
export { enforceRequestDeadlines, type RequestDeadlines } from './http/request-deadlines';
export { ProblemDetailsFilter } from './errors/problem-details.filter';

// Errors
export { TokenProblem, type ProblemBody } from './errors/token-problem';
export { UpstreamError, type UpstreamFailure } from './errors/upstream-error';
export { StoreUnavailableError } from './errors/store-unavailable.error';

// Metrics are recorded into prom-client's default registry when prom-client is installed.
export type { UpstreamOutcome } from './metrics/token-metrics';

// Stores
export { TokenStore } from './store/token-store';
export { MemoryTokenStore, type MemoryTokenStoreOptions } from './store/memory.store';
