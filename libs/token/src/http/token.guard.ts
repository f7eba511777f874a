import { CanActivate, ExecutionContext, Inject, Injectable, Optional } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { TokenProblem, unauthorized } from '../errors/token-problem';
import { TokenMetrics } from '../metrics/token-metrics';
import type { TokenProvider, TokenUser } from '../providers/token-provider';
import { TokenProviderRegistry } from '../providers/token-provider.registry';
import { TokenThrottler } from '../throttling/token-throttler';
import { TOKEN_SETTINGS, type TokenSettings } from '../token-settings';
import { allowsCookieRequest } from './fetch-metadata';
import type { HttpRequestLike } from './http-exchange';
import { originMatcher, requestOrigin } from './origin-matcher';
import { pathOf, routePlan, type RoutePlan } from './route-plan';
import { tokenContext } from './token-context';
import { TokenRequestLog, type TokenRequestSinks } from './token-request-log';
import { TokenUsers } from './token-users';

/**
 * The one guard chain of a token route, in the contract's order: provider
 * configured (404), origin allowed (403), the user resolved (once; awaited only
 * when `resolveUser` answers with a promise), a cookie-signed request from
 * another site refused (403 `csrf_rejected`), rate limit (429, counting
 * anonymous callers of signed-in routes too), signed in (401). It resolves the provider
 * and the user once and leaves them on the request for the route, starts the
 * request's log line, and adds the route's CORS headers.
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
  private readonly matchers = new WeakMap<readonly string[], (origin: string) => boolean>();
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
  ) {
    this.sinks = { log: settings.logRequests, metrics: metrics?.enabled ? metrics : undefined };
    this.ownHost = settings.publicUrl === undefined ? undefined : new URL(settings.publicUrl).host;
  }

  canActivate(context: ExecutionContext): boolean | Promise<boolean> {
    const http = context.switchToHttp();
    const request = http.getRequest<HttpRequestLike>();
    const plan = routePlan(this.reflector, context);
    plan.cors?.apply(request, http.getResponse());
    if (request.method === 'OPTIONS') return true;
    const path = pathOf(plan, request.url);
    if (this.sinks.log || this.sinks.metrics) {
      const log = TokenRequestLog.start(request, request.method, this.sinks);
      log.route = path;
      log.provider = plan.provider;
    }
    const provider = plan.provider === undefined ? undefined : this.registry.enabled(plan.provider);
    this.checkOrigin(request, plan, provider);
    // Who it is comes before the rate limit (which counts per user) and the CSRF rule; awaited only when the resolver made a promise.
    const user = this.users.resolve(request);
    if (user instanceof Promise) return user.then((known) => this.afterUser(request, plan, provider, path, known));
    return this.afterUser(request, plan, provider, path, user);
  }

  /** The steps that need the user: CSRF (403), rate limit (429), signed in (401). */
  private afterUser(request: HttpRequestLike, plan: RoutePlan, provider: TokenProvider | undefined, path: string | undefined, user: TokenUser | undefined): boolean | Promise<boolean> {
    if (user?.via === 'cookie') this.checkCookieRequest(request, plan);
    const counted = this.throttler.enabled ? this.throttler.check(request, plan) : undefined;
    if (counted === undefined) return this.admit(request, plan, provider, path);
    return counted.then(() => this.admit(request, plan, provider, path));
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
    const allowed = plan.allowedOrigins ?? provider?.allowedOrigins;
    if (!allowed?.length) return;
    const origin = requestOrigin(request.headers);
    if (origin !== undefined && this.matcher(allowed)(origin)) return;
    throw new TokenProblem(403, 'origin_not_allowed', 'This origin may not request tokens here.');
  }

  /** 401 on signed-in routes without a user; otherwise records what was resolved. */
  protected admit(request: HttpRequestLike, plan: RoutePlan, provider: TokenProvider | undefined, path: string | undefined): true {
    const user = this.users.of(request);
    if (plan.access === 'signed-in' && !user) throw unauthorized();
    const context = tokenContext(request);
    context.provider = provider;
    context.path = path;
    return true;
  }

  private matcher(list: readonly string[]): (origin: string) => boolean {
    let matcher = this.matchers.get(list);
    if (!matcher) this.matchers.set(list, (matcher = originMatcher(list)));
    return matcher;
  }
}
