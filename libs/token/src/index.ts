/**
 * The token library: a NestJS module that hands short-lived tokens to browser
 * code while client secrets and API keys stay on the server.
 */
export * from './token.module';
export * from './token.service';
export * from './token.constants';
export * from './token-module-options';
export { OPTIONS_TYPE as TokenModuleOptionsType, ASYNC_OPTIONS_TYPE as TokenModuleAsyncOptionsType } from './token.module-definition';
export * from './clock';
export * from './secret';
export * from './cache/token-store';
export * from './cache/memory.store';
export * from './cache/redis.store';
export * from './cache/cached-grant';
export * from './cache/expiry';
export { GrantCache, type GrantLookup, type GrantSource, type GrantLoader } from './cache/grant-cache';
export { StoreUnavailableError } from './cache/store-unavailable.error';
export * from './providers/token-provider';
export * from './providers/token-provider.registry';
export * from './providers/miso/miso.options';
export * from './providers/miso/miso.provider';
export * from './providers/miso/miso-reply';
export * from './providers/sentifyd/sentifyd.options';
export * from './providers/sentifyd/sentifyd.provider';
export * from './providers/sentifyd/sentifyd-reply';
export * from './refresh/refresh-handles';
export * from './upstream/upstream.client';
export * from './upstream/upstream-error';
export * from './util/circuit-breaker';
export * from './http/token-problem';
export * from './http/problem-details.filter';
export * from './http/token-route.decorator';
export * from './http/signed-in.guard';
export * from './http/origin.guard';
export * from './http/provider-enabled.guard';
export * from './http/token-throttler.guard';
export * from './http/token-users';
export * from './http/token-cors';
export * from './http/token-body-parser';
export * from './http/origin-matcher';
export * from './http/no-store';
export * from './http/token.controller';
export * from './http/token-request-log';
export * from './http/token-request-log.guard';
