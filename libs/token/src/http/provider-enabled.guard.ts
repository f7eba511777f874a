import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { TokenProviderRegistry } from '../providers/token-provider.registry';
import { routeMetadata } from './route-metadata';
import { TokenRequestLog } from './token-request-log';
import { TokenRoute } from './token-route.decorator';

/**
 * 404 for a route whose provider is not configured, before any other check:
 * to a caller, an unconfigured provider's route does not exist. Being first,
 * it also names the route in the request's log record.
 */
@Injectable()
export class ProviderEnabledGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly registry: TokenProviderRegistry,
  ) {}

  canActivate(context: ExecutionContext): boolean {
    const route = routeMetadata(this.reflector, TokenRoute, context);
    if (!route) return true;
    const log = TokenRequestLog.of(context.switchToHttp().getRequest());
    if (log) {
      log.route = Array.isArray(route.path) ? route.path.join(',') : route.path;
      log.provider = route.provider;
    }
    this.registry.enabled(route.provider);
    return true;
  }
}
