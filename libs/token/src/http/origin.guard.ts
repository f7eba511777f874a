import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { TokenProviderRegistry } from '../providers/token-provider.registry';
import { originMatcher, requestOrigin } from './origin-matcher';
import { routeMetadata } from './route-metadata';
import { TokenProblem } from './token-problem';
import { AllowedOrigins, TokenRoute } from './token-route.decorator';

/**
 * 403 when a route has an origin allow-list and the request's `Origin` (else
 * the origin of its `Referer`) is missing or not on it. The list comes from
 * {@link AllowedOrigins} on the route, else from the route's provider.
 */
@Injectable()
export class OriginGuard implements CanActivate {
  private readonly matchers = new WeakMap<readonly string[], (origin: string) => boolean>();

  constructor(
    private readonly reflector: Reflector,
    private readonly registry: TokenProviderRegistry,
  ) {}

  canActivate(context: ExecutionContext): boolean {
    const allowed = this.allowedOrigins(context);
    if (!allowed?.length) return true;
    const origin = requestOrigin(context.switchToHttp().getRequest().headers);
    if (origin !== undefined && this.matcher(allowed)(origin)) return true;
    throw new TokenProblem(403, 'origin_not_allowed', 'This origin may not request tokens here.');
  }

  /** The allow-list that applies to the route being called; override to source it elsewhere. */
  protected allowedOrigins(context: ExecutionContext): readonly string[] | undefined {
    const own = routeMetadata(this.reflector, AllowedOrigins, context);
    if (own) return own;
    const route = routeMetadata(this.reflector, TokenRoute, context);
    return route && this.registry.find(route.provider)?.allowedOrigins;
  }

  private matcher(list: readonly string[]): (origin: string) => boolean {
    let matcher = this.matchers.get(list);
    if (!matcher) {
      matcher = originMatcher(list);
      this.matchers.set(list, matcher);
    }
    return matcher;
  }
}
