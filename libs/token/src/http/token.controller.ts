import { Controller, Get, HttpCode, Post, Req, Type, UseFilters, UseGuards } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request } from 'express';
import { TokenProviderRegistry } from '../providers/token-provider.registry';
import type { TokenRequest } from '../providers/token-provider';
import { TokenService, type TokenAnswer } from '../token.service';
import type { TokenRouteOptions } from '../token-module-options';
import { NoStore } from './no-store';
import { OriginGuard } from './origin.guard';
import { ProblemDetailsFilter } from './problem-details.filter';
import { ProviderEnabledGuard } from './provider-enabled.guard';
import { SignedInGuard } from './signed-in.guard';
import { readTokenInput } from './token-input';
import { TokenRequestLog } from './token-request-log';
import { TokenRequestLogGuard } from './token-request-log.guard';
import { AllowedOrigins, TokenAccess, TokenRoute } from './token-route.decorator';
import { TokenThrottlerGuard } from './token-throttler.guard';
import { TokenUsers } from './token-users';

/**
 * A mounted token route, GET and POST (Miso's browser client POSTs first;
 * the docs GET). The module makes one subclass per configured route; the
 * guards run in order: provider configured (404), origin (403), rate (429,
 * counting anonymous callers of signed-in routes too), signed in (401).
 */
@UseFilters(ProblemDetailsFilter)
@UseGuards(TokenRequestLogGuard, ProviderEnabledGuard, OriginGuard, TokenThrottlerGuard, SignedInGuard)
export class TokenController {
  private route?: Pick<TokenRouteOptions, 'provider' | 'path'>;

  constructor(
    protected readonly reflector: Reflector,
    protected readonly tokens: TokenService,
    protected readonly users: TokenUsers,
    protected readonly registry: TokenProviderRegistry,
  ) {}

  @Get()
  @NoStore()
  get(@Req() request: Request): Promise<unknown> {
    return this.answer(request);
  }

  @Post()
  @HttpCode(200)
  @NoStore()
  post(@Req() request: Request): Promise<unknown> {
    return this.answer(request);
  }

  /** Reads the request, asks the {@link TokenService}, returns the provider's body. */
  protected async answer(request: Request): Promise<unknown> {
    // The route a mounted controller serves is fixed: read its metadata once.
    const route = (this.route ??= this.reflector.get(TokenRoute, this.constructor));
    const provider = this.registry.enabled(route.provider);
    const input = readTokenInput(request.query, request.method === 'POST' ? request.body : undefined, provider.audienceParam);
    const tokenRequest: TokenRequest = {
      user: this.users.of(request),
      audience: input.audience,
      // Read only by configs that point back here (Miso's, without a configured baseUrl).
      get baseUrl() {
        return `${request.protocol}://${request.get('host') ?? 'localhost'}`;
      },
      path: Array.isArray(route.path) ? route.path[0] : route.path,
    };
    const answer: TokenAnswer = input.refreshToken
      ? await this.tokens.refresh(provider.name, input.refreshToken, tokenRequest)
      : await this.tokens.issue(provider.name, tokenRequest);
    const log = TokenRequestLog.of(request);
    if (log) {
      log.cache = answer.source;
      log.upstreamMs = answer.upstreamMs;
      log.finish(200, input.refreshToken ? 'refreshed' : 'issued');
    }
    return answer.body;
  }
}

/** Makes the controller class of one mounted route. */
export function createTokenController(route: TokenRouteOptions): Type<TokenController> {
  class MountedTokenController extends TokenController {}
  Object.defineProperty(MountedTokenController, 'name', { value: `TokenController(${route.provider})` });
  Controller(route.path)(MountedTokenController);
  TokenRoute({ provider: route.provider, path: route.path })(MountedTokenController);
  TokenAccess(route.access)(MountedTokenController);
  if (route.allowedOrigins) AllowedOrigins(route.allowedOrigins)(MountedTokenController);
  return MountedTokenController;
}
