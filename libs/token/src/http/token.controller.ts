import { Controller, Get, HttpCode, Inject, Options, Post, Req, Type, UseFilters, UseGuards } from '@nestjs/common';
import { ProblemDetailsFilter } from '../errors/problem-details.filter';
import type { TokenRequest } from '../providers/token-provider';
import { TokenService, type TokenAnswer } from '../token.service';
import { TOKEN_SETTINGS, type TokenSettings } from '../token-settings';
import { TOKEN_ROUTES } from '../token.constants';
import type { TokenRouteOptions } from '../token-module-options';
import { baseUrlOf } from './base-url';
import { checkedBody } from './body/body-rules';
import type { HttpRequestLike } from './http-exchange';
import type { RoutePlan } from './route-plan';
import { NoStore } from './token-headers';
import { readTokenInput } from './token-input';
import { TokenRequestLog } from './token-request-log';
import { TokenUsers } from './token-users';
import { TokenGuard } from './token.guard';

/**
 * A mounted token route: GET and POST (Miso's browser client POSTs first; the
 * docs GET), and OPTIONS for CORS preflights. The module makes one subclass
 * per configured route; each instance serves its app's plan of that route
 * (made at start-up, its provider bound), so no request looks a provider up.
 * {@link TokenGuard} has checked the provider and resolved the user by the
 * time a handler runs.
 */
@UseFilters(ProblemDetailsFilter)
@UseGuards(TokenGuard)
export abstract class TokenController {
  /** The route this controller serves, as this app made it. */
  protected readonly route: RoutePlan;

  constructor(
    protected readonly tokens: TokenService,
    @Inject(TOKEN_SETTINGS) protected readonly settings: TokenSettings,
    protected readonly users: TokenUsers,
    @Inject(TOKEN_ROUTES) routes: readonly RoutePlan[],
  ) {
    this.route = routes.find((route) => route.controller === new.target)!;
  }

  @Get()
  @NoStore()
  get(@Req() request: HttpRequestLike): unknown {
    return this.answer(request);
  }

  @Post()
  @HttpCode(200)
  @NoStore()
  post(@Req() request: HttpRequestLike): unknown {
    return this.answer(request);
  }

  /** CORS preflight: the guard has added the headers an allowed origin gets. */
  @Options()
  @HttpCode(204)
  @NoStore()
  preflight(): void {}

  /**
   * Reads the request, asks the {@link TokenService}, returns the provider's
   * body: synchronously when the grant is in the in-process cache (the warm
   * path awaits nothing), else as a promise.
   */
  protected answer(request: HttpRequestLike): unknown {
    const route = this.route;
    const provider = route.provider!;
    const body = request.method === 'POST' ? checkedBody(request, this.settings.bodyLimitBytes) : undefined;
    const input = readTokenInput((request.query ?? {}) as Record<string, unknown>, body, provider.audienceParam);
    const publicUrl = this.settings.publicUrl;
    const tokenRequest: TokenRequest = {
      user: this.users.of(request),
      audience: input.audience,
      // Read only by configs that point back here (Miso's).
      get baseUrl() {
        return baseUrlOf(request, publicUrl);
      },
      get path() {
        return route.pathOf(request.url);
      },
    };
    if (input.refreshToken) return this.tokens.refreshFrom(provider, input.refreshToken, tokenRequest).then((answer) => this.answered(request, answer, 'refreshed'));
    const now = this.tokens.issueNow(provider, tokenRequest);
    if (now) return this.answered(request, now, 'issued');
    return this.tokens.issueFrom(provider, tokenRequest).then((answer) => this.answered(request, answer, 'issued'));
  }

  /** Finishes the request's log line and hands back the body. */
  private answered(request: HttpRequestLike, answer: TokenAnswer, outcome: 'issued' | 'refreshed'): unknown {
    const log = TokenRequestLog.of(request);
    if (log) {
      log.cache = answer.source;
      log.upstreamMs = answer.upstreamMs;
      log.finish(200, outcome);
    }
    return answer.body;
  }
}

/** Makes the controller class of one mounted route; its plan is made per app (`RoutePlan.mounted`). */
export function createTokenController(route: TokenRouteOptions): Type<TokenController> {
  class MountedTokenController extends TokenController {}
  Object.defineProperty(MountedTokenController, 'name', { value: `TokenController(${route.provider})` });
  Controller(route.path)(MountedTokenController);
  return MountedTokenController;
}
