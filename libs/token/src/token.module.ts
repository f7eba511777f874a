import { HttpModule } from '@nestjs/axios';
import { Inject, MiddlewareConsumer, Module, NestModule, OnApplicationShutdown } from '@nestjs/common';
import { DiscoveryModule, HttpAdapterHost } from '@nestjs/core';
import { Clock } from './clock';
import { GrantCache } from './grants/grant-cache';
import { RefreshHandles } from './handles/refresh-handles';
import { installTokenRouteHooks } from './http/token-route-hooks';
import { TokenGuard } from './http/token.guard';
import { TokenMetrics } from './metrics/token-metrics';
import { TokenUsers } from './http/token-users';
import { TokenProviderRegistry } from './providers/token-provider.registry';
import { MemoryTokenStore } from './store/memory.store';
import { Sealer } from './store/sealer';
import { TokenStore } from './store/token-store';
import { StoreThrottlerStorage } from './throttling/store-throttler.storage';
import { TOKEN_THROTTLER_STORAGE } from './throttling/throttler-storage.token';
import { TokenThrottler } from './throttling/token-throttler';
import { ProviderBudget } from './throttling/provider-budget';
import { TOKEN_MODULE_OPTIONS, TOKEN_ROUTES } from './token.constants';
import { ConfigurableModuleClass } from './token.module-definition';
import type { TokenModuleOptions, TokenRouteOptions } from './token-module-options';
import { TokenService } from './token.service';
import { resolveSettings, TOKEN_SETTINGS, type TokenSettings } from './token-settings';
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

/**
 * Hands short-lived tokens to browser code while client secrets and API keys
 * stay on the server. Discovers the token providers of the app (built-in ones
 * registered with `register(options)`, and yours), mounts the routes you list, and exports
 * {@link TokenService} and {@link TokenGuard} for routes of your own. It
 * registers nothing global: its DI tokens are its own, and its body and CORS
 * handling applies to its routes only.
 *
 * @example
 * // in the module's imports, and the provider in its providers:
 * TokenModule.forRoot({ routes: [{ path: '/api/client-token', provider: 'miso', access: 'public' }] }),
 * MisoTokenProvider.register({ clientId, clientSecret, controllerUrl }),
 * @example
 * TokenModule.forRootAsync({
 *   imports: [ConfigModule], inject: [ConfigService],
 *   useFactory: (config: ConfigService) => ({ storeKey: config.getOrThrow('TOKEN_STORE_KEY') }),
 *   routes: [{ path: '/request_tokens', provider: 'sentifyd', access: 'signed-in' }],
 * }),
 * SentifydTokenProvider.registerAsync({ inject: [ConfigService], useFactory: (c: ConfigService) => ({ apiKey: c.getOrThrow('AVATAR_API_KEY'), backendUrl: '…' }) }),
 */
@Module({
  imports: [HttpModule, DiscoveryModule],
  providers: [
    { provide: TOKEN_SETTINGS, useFactory: resolveSettings, inject: [TOKEN_MODULE_OPTIONS] },
    { provide: Clock, useFactory: (s: TokenSettings) => s.clock, inject: [TOKEN_SETTINGS] },
    {
      provide: TokenStore,
      useFactory: (o: TokenModuleOptions, clock: Clock) => o.store ?? new MemoryTokenStore({ clock }),
      inject: [TOKEN_MODULE_OPTIONS, Clock],
    },
    { provide: Sealer, useFactory: sealerFor, inject: [TOKEN_MODULE_OPTIONS] },
    {
      provide: TOKEN_THROTTLER_STORAGE,
      useFactory: (o: TokenModuleOptions, store: TokenStore, clock: Clock, sealer: Sealer) => o.throttlerStorage ?? new StoreThrottlerStorage(store, clock, sealer),
      inject: [TOKEN_MODULE_OPTIONS, TokenStore, Clock, Sealer],
    },
    GrantCache,
    RefreshHandles,
    TokenProviderRegistry,
    TokenService,
    TokenUsers,
    UpstreamClient,
    TokenThrottler,
    ProviderBudget,
    TokenGuard,
    TokenMetrics,
  ],
  // TokenGuard and what it needs, so that apps can put it on their own routes.
  exports: [TokenService, TokenGuard, TokenUsers, TokenThrottler, TokenProviderRegistry, Clock, TokenStore, TOKEN_SETTINGS, TokenMetrics],
})
export class TokenModule extends ConfigurableModuleClass implements NestModule, OnApplicationShutdown {
  constructor(
    @Inject(TokenStore) private readonly store: TokenStore,
    @Inject(TOKEN_SETTINGS) private readonly settings: TokenSettings,
    @Inject(TOKEN_ROUTES) private readonly routes: readonly TokenRouteOptions[],
    private readonly adapterHost: HttpAdapterHost,
    private readonly metrics: TokenMetrics,
    private readonly registry: TokenProviderRegistry,
  ) {
    super();
  }

  /** Runs after the app's body parser is in place and before routes are: the moment to scope body handling to the token routes. */
  configure(_consumer: MiddlewareConsumer): void {
    const originsOf = (route: TokenRouteOptions) => route.allowedOrigins ?? this.registry.find(route.provider)?.allowedOrigins;
    installTokenRouteHooks(this.adapterHost.httpAdapter, this.routes, this.settings, this.metrics, originsOf);
  }

  async onApplicationShutdown(): Promise<void> {
    await this.store.close?.();
  }
}
