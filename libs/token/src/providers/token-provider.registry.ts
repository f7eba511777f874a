import { Inject, Injectable, OnModuleInit } from '@nestjs/common';
import { DiscoveryService } from '@nestjs/core';
import { TokenProblem } from '../errors/token-problem';
import { TOKEN_ROUTES } from '../token.constants';
import type { RoutePlan } from '../http/route-plan';
import { RegisterTokenProvider, type TokenProvider } from './token-provider';

/**
 * Every {@link TokenProvider} the app registered, found through discovery at
 * start-up, and a check that the mounted routes make sense with them.
 */
@Injectable()
export class TokenProviderRegistry implements OnModuleInit {
  private readonly providers = new Map<string, TokenProvider>();

  constructor(
    private readonly discovery: DiscoveryService,
    @Inject(TOKEN_ROUTES) private readonly routes: readonly RoutePlan[],
  ) {}

  onModuleInit(): void {
    // Every provider, not those Nest indexed by the decorator's key: it indexes classes at scan time,
    // so an instance made by a factory (`OpenAITokenProvider.register(...)`) is known only by its constructor now.
    for (const wrapper of this.discovery.getProviders()) {
      const provider = wrapper.instance as TokenProvider | undefined;
      if (!provider || this.discovery.getMetadataByDecorator(RegisterTokenProvider, wrapper) === undefined) continue;
      if (this.providers.has(provider.name)) throw new Error(`TokenModule: two token providers are named "${provider.name}"`);
      this.providers.set(provider.name, provider);
    }
    for (const route of this.routes) this.bindRoute(route);
  }

  /** Names of the providers that are configured (the metrics keep one circuit series per each). */
  enabledNames(): string[] {
    return [...this.providers.values()].filter((provider) => provider.enabled !== false).map((provider) => provider.name);
  }

  /** The provider named `name`, configured or not, once the module has started; undefined if none is. */
  find(name: string): TokenProvider | undefined {
    return this.providers.get(name);
  }

  /** The enabled provider named `name`; 404 when it is unknown or not configured. */
  enabled(name: string): TokenProvider {
    return enabledOrNotFound(this.providers.get(name));
  }

  /** Binds a mounted route to its provider, once, as the app starts: requests never look it up by name. */
  private bindRoute(route: RoutePlan): void {
    const provider = this.providers.get(route.providerName!);
    if (!provider) throw new Error(`TokenModule: route ${String(route.paths)} names unknown provider "${route.providerName}"`);
    if ((provider.issuesRefreshHandles || provider.scope === 'user') && route.access !== 'signed-in') {
      throw new Error(`TokenModule: route ${String(route.paths)} of provider "${route.providerName}" must be signed-in: its tokens are per user`);
    }
    route.bind(provider);
  }
}

/** `provider` when it is there and configured; else the 404 a token route answers. */
export function enabledOrNotFound(provider: TokenProvider | undefined): TokenProvider {
  if (!provider || provider.enabled === false) throw new TokenProblem(404, 'not_found', 'No token provider is configured for this route.');
  return provider;
}
