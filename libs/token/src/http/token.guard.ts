import { CanActivate, ExecutionContext, Inject, Injectable, Optional } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { originNotAllowed, TokenProblem, unauthorized } from '../errors/token-problem';
import { TokenMetrics } from '../metrics/token-metrics';
import type { TokenProvider, TokenUser } from '../providers/token-provider';
import { enabledOrNotFound, TokenProviderRegistry } from '../providers/token-provider.registry';
import { TokenThrottler } from '../throttling/token-throttler';
import { TOKEN_ROUTES } from '../token.constants';
import { TOKEN_SETTINGS, type TokenSettings } from '../token-settings';
import { allowsCookieRequest } from './fetch-metadata';
import type { HttpRequestLike } from './http-exchange';
import type { RoutePlan } from './route-plan';
import { RoutePlans } from './route-plans';
import { TokenRequestLog, type TokenRequestSinks } from './token-request-log';
import { TokenUsers } from './token-users';

/**
 * The one guard chain of a token route, in the contract's order: provider
 * configured (404), origin allowed (403), the user resolved (once; awaited only
 * when `resolveUser` answers with a promise), a cookie-signed request from
 * another site refused (403 `csrf_rejected`), rate limit (429, counting
 * anonymous callers of signed-in routes too), signed in (401). The route's
 * plan (made at start-up for a mounted route) holds its provider; the user is
 * resolved once and kept by {@link TokenUsers}. It starts the request's log
 * line and adds the route's CORS headers.
 *
 * The mounted routes use it; put it on your own with the decorators.
 * Override the protected methods to change one step.
 *
 * @example
 * @Get('weather-token')
 * @TokenRoute({ provider: 'weather' }) @SignedIn() @UseGuards(TokenGuard)
 * weather(@Req() req: Request) { ... }
 */
@Injectable()
export class TokenGuard implements CanActivate {
  private readonly plans: RoutePlans;
  private readonly sinks: TokenRequestSinks;
  /** `host[:port]` of `publicUrl`, when set: the app's own origin for the CSRF rule. */
  private readonly ownHost?: string;

  constructor(
    protected readonly reflector: Reflector,
    protected readonly registry: TokenProviderRegistry,
    protected readonly throttler: TokenThrottler,
    protected readonly users: TokenUsers,
    @Inject(TOKEN_SETTINGS) protected readonly settings: TokenSettings,
    @Optional() metrics?: TokenMetrics,
    @Optional() @Inject(TOKEN_ROUTES) routes?: readonly RoutePlan[],
  ) {
    this.plans = new RoutePlans(reflector, routes);
    this.sinks = { log: settings.logRequests, metrics: metrics?.enabled ? metrics : undefined };
    this.ownHost = settings.publicUrl === undefined ? undefined : new URL(settings.publicUrl).host;
  }

  canActivate(context: ExecutionContext): boolean | Promise<boolean> {
    const http = context.switchToHttp();
    const request = http.getRequest<HttpRequestLike>();
    const plan = this.plans.of(context);
    plan.cors?.apply(request, http.getResponse());
    if (request.method === 'OPTIONS') return true;
    if (this.sinks.log || this.sinks.metrics) {
      const log = TokenRequestLog.start(request, request.method, this.sinks);
      log.route = plan.pathOf(request.url);
      log.provider = plan.providerName;
    }
    const provider = plan.providerName === undefined ? undefined : enabledOrNotFound(plan.provider ?? this.bind(plan));
    this.checkOrigin(request, plan, provider);
    // Who it is comes before the rate limit (which counts per user) and the CSRF rule; awaited only when the resolver made a promise.
    const user = this.users.resolve(request);
    if (user instanceof Promise) return user.then((known) => this.afterUser(request, plan, provider, known));
    return this.afterUser(request, plan, provider, user);
  }

  /** An app route's provider, found by name on its first request once the provider exists (mounted routes are bound at start-up). */
  private bind(plan: RoutePlan): TokenProvider | undefined {
    const provider = this.registry.find(plan.providerName!);
    return provider && plan.bind(provider);
  }

  /** The steps that need the user: CSRF (403), rate limit (429), signed in (401). */
  private afterUser(request: HttpRequestLike, plan: RoutePlan, provider: TokenProvider | undefined, user: TokenUser | undefined): boolean | Promise<boolean> {
    if (user?.via === 'cookie') this.checkCookieRequest(request, plan);
    const counted = this.throttler.enabled ? this.throttler.check(request, plan) : undefined;
    if (counted === undefined) return this.admit(request, plan, provider);
    return counted.then(() => this.admit(request, plan, provider));
  }

  /**
   * 403 `csrf_rejected` for a request signed in by a cookie that another site
   * made (Fetch Metadata, then `Origin`; see {@link allowsCookieRequest}),
   * unless its origin is on the route's CORS allow-list.
   */
  protected checkCookieRequest(request: HttpRequestLike, plan: RoutePlan): void {
    if (allowsCookieRequest(request.headers, plan.cors?.allows, this.ownHost)) return;
    throw new TokenProblem(403, 'csrf_rejected', 'A page of another site may not use the session cookie here.');
  }

  /** 403 unless the request's origin is on the route's list, else the provider's (none: any origin). */
  protected checkOrigin(request: HttpRequestLike, plan: RoutePlan, provider: TokenProvider | undefined): void {
    if (!plan.allowsOrigin(request, provider)) throw originNotAllowed();
  }

  /** 401 on signed-in routes without a user (`provider`: the route's, for an override that admits by it). */
  protected admit(request: HttpRequestLike, plan: RoutePlan, _provider: TokenProvider | undefined): true {
    if (plan.access === 'signed-in' && !this.users.of(request)) throw unauthorized();
    return true;
  }
}
