import { DiscoveryService } from '@nestjs/core';
import type { CachedGrant } from '../grants/cached-grant';
import type { ProviderUpstream } from '../upstream/provider-upstream';

/**
 * Who shares one grant: the whole application (Miso's client token), one
 * audience such as an avatar (Sentifyd), one signed-in user, or nobody:
 * `request` grants (single-use tokens, tokens carrying per-session config) are
 * fetched for one caller, never cached and never merged with another's call.
 */
export type GrantScope = 'application' | 'audience' | 'user' | 'request';

/** The signed-in user as the app's authentication put it on the request. */
export interface TokenUser {
  /** Stable user id (`sub` of a JWT, `id` of a Passport user). */
  readonly id: string;
  /**
   * How the request proved who it is. `'cookie'`: by a credential the browser
   * attaches on its own (a session cookie), which a page of another site can
   * make it send; the guard then applies the Fetch Metadata CSRF rule
   * (403 `csrf_rejected`, see `TokenGuard`). Unset or `'bearer'`: a
   * credential the page's own script added (`Authorization`), never refused for that.
   */
  readonly via?: 'cookie' | 'bearer';
}

/** What a token request asks for, once the route has read and checked it. */
export interface TokenRequest {
  /** The signed-in user, when there is one. */
  readonly user?: TokenUser;
  /** The audience (Sentifyd: the avatar id), when the provider takes one. */
  readonly audience?: string;
  /** Scheme and host the request came to, e.g. `https://app.example` (for configs that point back here). */
  readonly baseUrl?: string;
  /** Path of the route that answered, e.g. `/api/client-token`. */
  readonly path?: string;
}

/** A grant as the upstream gave it, before the cache puts deadlines on it. */
export interface UpstreamGrant {
  /** The token handed to the browser. */
  readonly accessToken: string;
  /** Lifetime in seconds as the upstream stated it at receipt. */
  readonly expiresIn: number;
  /** Upstream refresh token: stays on the server, sealed in the store. */
  readonly refreshToken?: string;
  /** Provider data kept with the grant and rendered with it (JSON-serialisable). */
  readonly extras?: Readonly<Record<string, unknown>>;
}

/** One answer to a token request, ready for the provider to shape. */
export interface IssuedToken {
  readonly grant: CachedGrant;
  /** Whole seconds the access token really has left after the safety margin (>= 1). */
  readonly expiresIn: number;
  /** When the token stops being served (ms since the epoch, server clock, margin applied): `new Date(expiresAt).toISOString()` for answers. */
  readonly expiresAt: number;
  /** Opaque per-user refresh handle, for providers that issue them. */
  readonly refreshHandle?: string;
  readonly request: TokenRequest;
}

/**
 * A token-provider strategy: how to get a grant from one upstream and how to
 * shape it for the browser. Register one by decorating an injectable class
 * with {@link RegisterTokenProvider} and listing it in the providers of the
 * module that imports `TokenModule` (the built-in ones too: `register(options)`).
 * The library hands `fetchGrant` an upstream client already bound to the
 * provider and the grant's audience: no name to pass, no client to inject.
 *
 * @example
 * @RegisterTokenProvider()
 * @Injectable()
 * export class WeatherTokenProvider implements TokenProvider {
 *   readonly name = 'weather';
 *   readonly scope = 'application';
 *   async fetchGrant(upstream: ProviderUpstream) {
 *     const body = (await upstream.postJson('https://auth.example/token')) as { access_token?: unknown; expires_in?: unknown };
 *     if (typeof body.access_token !== 'string' || typeof body.expires_in !== 'number') throw upstream.invalid();
 *     return { accessToken: body.access_token, expiresIn: body.expires_in };
 *   }
 *   render(t: IssuedToken) {
 *     return { token: t.grant.accessToken, expiresIn: t.expiresIn };
 *   }
 * }
 */
export interface TokenProvider {
  /** Unique name, used by routes (`provider: 'miso'`) and in cache keys. */
  readonly name: string;
  /** Who shares a grant of this provider. */
  readonly scope: GrantScope;
  /** False when the provider is registered but not configured: its routes answer 404. Default true. */
  readonly enabled?: boolean;
  /** Request parameter that names the audience (Sentifyd: `avatar_id`). */
  readonly audienceParam?: string;
  /**
   * True when every upstream call costs money: such a provider gets the hourly
   * budget (`budgetPerHour`) and its non-idempotent calls are never retried.
   * Default: true for the `request` scope (a call per answer), else false.
   */
  readonly billed?: boolean;
  /** True when each answer carries a per-user refresh handle (routes must then be signed-in). */
  readonly issuesRefreshHandles?: boolean;
  /** Origins allowed to call this provider's routes; empty or absent allows any. */
  readonly allowedOrigins?: readonly string[];
  /**
   * Checks the requested audience and returns the one to use. Throw a
   * `TokenProblem` (400) to refuse it.
   */
  checkAudience?(audience: string | undefined): string | undefined;
  /**
   * Gets a new grant through `upstream` (bound to this provider and
   * `request.audience`). Throw an `UpstreamError` (`upstream.invalid()`) on failure.
   */
  fetchGrant(upstream: ProviderUpstream, request: TokenRequest): Promise<UpstreamGrant>;
  /** Renews a grant with its upstream refresh token, when the upstream has a refresh endpoint. */
  refreshGrant?(upstream: ProviderUpstream, refreshToken: string, request: TokenRequest): Promise<UpstreamGrant>;
  /** Shapes the JSON body the browser gets. */
  render(issued: IssuedToken): unknown;
}

/**
 * Marks an injectable class as a {@link TokenProvider}; the module finds it
 * through Nest's discovery, so a new provider needs no change to the library.
 */
export const RegisterTokenProvider = DiscoveryService.createDecorator<void>();
