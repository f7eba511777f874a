import { Injectable } from '@nestjs/common';
import { Inject } from '@nestjs/common';
import { Clock } from './clock';
import { secondsLeft } from './grants/expiry';
import { GrantCache, type GrantLoader, type GrantLookup } from './grants/grant-cache';
import { grantKey } from './grants/grant-key';
import { asProblem } from './errors/as-problem';
import { TokenProblem, unauthorized } from './errors/token-problem';
import type { TokenProvider, TokenRequest, UpstreamGrant } from './providers/token-provider';
import { TokenProviderRegistry } from './providers/token-provider.registry';
import { invalidRefreshToken, RefreshHandles } from './handles/refresh-handles';
import { UpstreamError } from './errors/upstream-error';
import { isBilled, ProviderBudget } from './throttling/provider-budget';
import { ProviderUpstream } from './upstream/provider-upstream';
import { UpstreamClient } from './upstream/upstream.client';

/** A token answer: the body for the browser, and how the grant was found (for logs). */
export interface TokenAnswer {
  /** The JSON body the provider shaped. */
  readonly body: unknown;
  /** `hit`, `store`, `upstream` or `merged`. */
  readonly source: GrantLookup['source'];
  /** Milliseconds the upstream took, when this request called it. */
  readonly upstreamMs?: number;
}

/**
 * The one way in: the mounted routes use it, and so can an app's own
 * controllers. Errors come out as `TokenProblem`s with the contract's statuses.
 *
 * @example
 * @Get('avatar-token') @SignedIn()
 * async avatar(@Req() req: Request) {
 *   const user = this.users.of(req);
 *   return (await this.tokens.issue('sentifyd', { user, audience: 'avtr_1' })).body;
 * }
 */
@Injectable()
export class TokenService {
  constructor(
    private readonly registry: TokenProviderRegistry,
    private readonly cache: GrantCache,
    private readonly handles: RefreshHandles,
    @Inject(Clock) private readonly clock: Clock,
    private readonly budget: ProviderBudget,
    private readonly upstream: UpstreamClient,
  ) {}

  /**
   * Issues a token of the enabled provider `providerName` for `request`
   * (404 while it is not configured).
   */
  async issue(providerName: string, request: TokenRequest): Promise<TokenAnswer> {
    return this.issueFrom(this.registry.enabled(providerName), request);
  }

  /**
   * Spends the refresh `handle` of the signed-in `request.user` and issues a
   * token with a new handle. The handle decides the audience, not the request.
   */
  async refresh(providerName: string, handle: string, request: TokenRequest): Promise<TokenAnswer> {
    return this.refreshFrom(this.registry.enabled(providerName), handle, request);
  }

  /** {@link issue} for a caller that already holds the provider (the mounted routes). */
  issueFrom(provider: TokenProvider, request: TokenRequest): Promise<TokenAnswer> {
    return this.guarded(() => this.answer(provider, this.checked(provider, request), undefined));
  }

  /**
   * The answer of {@link issueFrom} when it needs no I/O (a grant in the
   * in-process cache, no refresh handle to mint), synchronously; undefined
   * otherwise. The warm route answers through here without awaiting.
   * Speed trick, kept: the library's own frames fell from 12.5 to 5.9 µs per
   * warm request when this path stopped awaiting (bench/RESULTS.md, "Speed tricks").
   */
  issueNow(provider: TokenProvider, request: TokenRequest): TokenAnswer | undefined {
    if (provider.issuesRefreshHandles || provider.scope === 'request') return undefined;
    const checked = this.checked(provider, request);
    const hit = this.cache.peek(grantKey(provider, checked));
    return hit && this.rendered(provider, checked, hit, undefined);
  }

  /** {@link refresh} for a caller that already holds the provider (the mounted routes). */
  refreshFrom(provider: TokenProvider, handle: string, request: TokenRequest): Promise<TokenAnswer> {
    return this.guarded(async () => {
      const user = request.user;
      if (!provider.issuesRefreshHandles) throw new TokenProblem(400, 'invalid_request', 'This provider takes no refresh token.');
      if (!user) throw unauthorized();
      const redemption = await this.handles.redeem(handle, user.id, provider.name);
      const audience = redemption.binding.audience;
      // The allow-list may have changed since the handle was minted, or the record was planted: check it again.
      if (!audienceStillAllowed(provider, audience)) throw invalidRefreshToken();
      return this.answer(provider, { ...request, audience }, redemption.spend);
    });
  }

  /** Runs `work`, turning the library's own failures into the problems the contract names. */
  private async guarded(work: () => Promise<TokenAnswer>): Promise<TokenAnswer> {
    try {
      return await work();
    } catch (error) {
      throw asProblem(error);
    }
  }

  private checked(provider: TokenProvider, request: TokenRequest): TokenRequest {
    if ((provider.scope === 'user' || provider.issuesRefreshHandles) && !request.user) throw unauthorized();
    if (!provider.checkAudience) return request.audience === undefined ? request : { ...request, audience: undefined };
    const audience = provider.checkAudience(request.audience);
    return audience === request.audience ? request : { ...request, audience };
  }

  /** Looks the grant up first, so a failed upstream call spends no refresh handle. */
  private async answer(provider: TokenProvider, request: TokenRequest, spend: (() => Promise<string>) | undefined): Promise<TokenAnswer> {
    const lookup =
      provider.scope === 'request'
        ? await this.cache.once(() => this.load(provider, request, undefined))
        : await this.cache.get(grantKey(provider, request), this.loader(provider, request));
    const refreshHandle = provider.issuesRefreshHandles
      ? await (spend ? spend() : this.handles.mint({ userId: request.user!.id, provider: provider.name, audience: request.audience }))
      : undefined;
    return this.rendered(provider, request, lookup, refreshHandle);
  }

  private rendered(provider: TokenProvider, request: TokenRequest, lookup: GrantLookup, refreshHandle: string | undefined): TokenAnswer {
    const expiresIn = secondsLeft(lookup.grant.expiresAt, this.clock.now());
    const body = provider.render({ grant: lookup.grant, expiresIn, expiresAt: lookup.grant.expiresAt, refreshHandle, request });
    return { body, source: lookup.source, upstreamMs: lookup.upstreamMs };
  }

  private loader(provider: TokenProvider, request: TokenRequest): GrantLoader {
    return (previous) => this.load(provider, request, previous?.refreshToken);
  }

  /**
   * Fetches or renews a grant through an upstream client bound to its provider
   * and audience, so the call goes through their circuit (one avatar's failures
   * never refuse another). A billed provider first spends its hourly budget
   * (429 past it), and its calls are made once: a retried POST could be billed twice.
   */
  private async load(provider: TokenProvider, request: TokenRequest, refreshToken: string | undefined): Promise<UpstreamGrant> {
    const billed = isBilled(provider);
    if (billed) await this.budget.spend(provider.name);
    const upstream = new ProviderUpstream(this.upstream, provider.name, request.audience, this.clock, billed);
    if (!refreshToken || !provider.refreshGrant) return provider.fetchGrant(upstream, request);
    try {
      return await provider.refreshGrant(upstream, refreshToken, request);
    } catch (error) {
      // A refresh token the upstream no longer takes: log in again instead.
      if (error instanceof UpstreamError && error.failure === 'rejected') return provider.fetchGrant(upstream, request);
      throw error;
    }
  }
}

function audienceStillAllowed(provider: TokenProvider, audience: string | undefined): boolean {
  if (!provider.checkAudience) return audience === undefined;
  try {
    return provider.checkAudience(audience) === audience;
  } catch {
    return false;
  }
}
