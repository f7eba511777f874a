import { HttpModule } from '@nestjs/axios';
import { Inject, Module, OnApplicationShutdown } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { getOptionsToken, getStorageToken } from '@nestjs/throttler';
import { GrantCache } from './cache/grant-cache';
import { MemoryTokenStore } from './cache/memory.store';
import { Sealer } from './cache/sealer';
import { TokenStore } from './cache/token-store';
import { Clock, systemClock } from './clock';
import { OriginGuard } from './http/origin.guard';
import { ProviderEnabledGuard } from './http/provider-enabled.guard';
import { SignedInGuard } from './http/signed-in.guard';
import { StoreThrottlerStorage } from './http/store-throttler.storage';
import { throttlerOptions } from './http/throttler-options';
import { TokenRequestLogGuard } from './http/token-request-log.guard';
import { TokenThrottlerGuard } from './http/token-throttler.guard';
import { TokenUsers } from './http/token-users';
import { MisoTokenProvider } from './providers/miso/miso.provider';
import { SentifydTokenProvider } from './providers/sentifyd/sentifyd.provider';
import { TokenProviderRegistry } from './providers/token-provider.registry';
import { RefreshHandles } from './refresh/refresh-handles';
import { TOKEN_MODULE_OPTIONS } from './token.constants';
import { ConfigurableModuleClass } from './token.module-definition';
import type { TokenModuleOptions } from './token-module-options';
import { TokenService } from './token.service';
import { UpstreamClient } from './upstream/upstream.client';

/**
 * The sealing key. A random one is right for the in-memory store; a shared
 * store without a shared key would silently make every instance call the
 * upstream for itself, so that refuses to start.
 */
function sealerFor(options: TokenModuleOptions): Sealer {
  if (options.storeKey === undefined && options.store !== undefined && !(options.store instanceof MemoryTokenStore)) {
    throw new Error('TokenModule: storeKey is required with a shared store: every instance must seal with the same key (32+ bytes)');
  }
  return new Sealer(options.storeKey);
}

const GUARDS = [ProviderEnabledGuard, OriginGuard, SignedInGuard, TokenThrottlerGuard];

/**
 * Hands short-lived tokens to browser code while client secrets and API keys
 * stay on the server. Registers the built-in Miso and Sentifyd providers (and
 * discovers yours), mounts the routes you list, and exports
 * {@link TokenService} and the guards for routes of your own.
 *
 * @example
 * TokenModule.forRoot({
 *   miso: { clientId, clientSecret, controllerUrl },
 *   routes: [{ path: '/api/client-token', provider: 'miso', access: 'public' }],
 * })
 * @example
 * TokenModule.forRootAsync({
 *   imports: [ConfigModule], inject: [ConfigService],
 *   useFactory: (config: ConfigService) => ({ sentifyd: { apiKey: config.get('AVATAR_API_KEY'), backendUrl: ... } }),
 *   routes: [{ path: '/request_tokens', provider: 'sentifyd', access: 'signed-in' }],
 * })
 */
@Module({
  imports: [HttpModule, DiscoveryModule],
  providers: [
    { provide: Clock, useFactory: (o: TokenModuleOptions) => o.clock ?? systemClock, inject: [TOKEN_MODULE_OPTIONS] },
    {
      provide: TokenStore,
      useFactory: (o: TokenModuleOptions, clock: Clock) => o.store ?? new MemoryTokenStore({ clock }),
      inject: [TOKEN_MODULE_OPTIONS, Clock],
    },
    { provide: Sealer, useFactory: sealerFor, inject: [TOKEN_MODULE_OPTIONS] },
    { provide: getOptionsToken(), useFactory: throttlerOptions, inject: [TOKEN_MODULE_OPTIONS] },
    {
      provide: getStorageToken(),
      useFactory: (store: TokenStore, clock: Clock) => new StoreThrottlerStorage(store, clock),
      inject: [TokenStore, Clock],
    },
    GrantCache,
    RefreshHandles,
    TokenProviderRegistry,
    TokenService,
    TokenUsers,
    UpstreamClient,
    MisoTokenProvider,
    SentifydTokenProvider,
    ...GUARDS,
    TokenRequestLogGuard,
  ],
  exports: [
    TokenService,
    TokenUsers,
    UpstreamClient,
    TokenProviderRegistry,
    Clock,
    TokenStore,
    TOKEN_MODULE_OPTIONS,
    getOptionsToken(),
    getStorageToken(),
    ...GUARDS,
  ],
})
export class TokenModule extends ConfigurableModuleClass implements OnApplicationShutdown {
  constructor(@Inject(TokenStore) private readonly store: TokenStore) {
    super();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.store.close?.();
  }
}
