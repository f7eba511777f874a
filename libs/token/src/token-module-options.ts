import type { ThrottlerStorage } from '@nestjs/throttler';
import type { Clock } from './clock';
import type { ExpiryPolicy } from './grants/expiry';
import type { TokenStore } from './store/token-store';
import type { TokenUser } from './providers/token-provider';

/** The `resolveUser` option: who is signed in on a request, now or as a promise. */
export type UserResolver = (request: unknown) => TokenUser | undefined | PromiseLike<TokenUser | undefined>;

/** Who may call a route. */
export type TokenAccessLevel = 'public' | 'signed-in';

/** A route the module mounts for one provider; answers GET and POST. */
export interface TokenRouteOptions {
  /** Path(s), e.g. `/api/client-token`. */
  path: string | string[];
  /** Name of the provider that serves it (`miso`, `sentifyd`, or your own). */
  provider: string;
  /** `public` (anonymous callers) or `signed-in` (401 without a user). */
  access: TokenAccessLevel;
  /** Origins allowed on this route (403 for others); overrides the provider's own list. */
  allowedOrigins?: string[];
  /**
   * Origins that get CORS headers on this route (credentials allowed, never `*`),
   * including preflight answers. Absent: no CORS headers, as for any same-origin route.
   */
  cors?: string[];
  /**
   * This route's own budget per caller and minute, instead of the module's
   * `rateLimit.perMinute` (say 10 for a provider whose every call is billed).
   * Ignored while limiting is off (`rateLimit.perMinute: 0`).
   */
  rateLimit?: { perMinute: number };
}

/** Rate limits of the mounted routes, per caller (user id when signed in, else client IP). */
export interface TokenRateLimitOptions {
  /** Requests per minute on each token route; 0 turns limiting off. Default 60. */
  perMinute?: number;
  /** Refreshes per minute (requests carrying a refresh handle). Default a quarter of `perMinute`, at least 1. */
  refreshPerMinute?: number;
}

/**
 * Options of {@link TokenModule}: what `forRoot` takes and `createTokenOptions`
 * returns. No provider is configured here: each is a Nest provider of its own
 * (`OpenAITokenProvider.register({...})`, or your class), found by discovery.
 */
export interface TokenModuleOptions {
  /**
   * Where grants, handles, locks and rate counters live. Default: a bounded
   * in-memory store. Pass a `RedisTokenStore` when several instances run.
   * The module closes it on shutdown.
   */
  store?: TokenStore;
  /**
   * Key (32+ bytes) that seals grants and upstream refresh tokens in the store.
   * Instances sharing a store must share it. Default: random per process.
   */
  storeKey?: string | Buffer;
  /**
   * Finds the signed-in user on a request (the platform's own request object,
   * Express or Fastify): a user, undefined (nobody), or a promise of either
   * (verify a JWT against a JWKS, look a session up). Called at most once per
   * request, before the rate limit; answer undefined synchronously when the
   * request carries no credential, so anonymous requests await nothing. A user
   * with `via: 'cookie'` gets the CSRF rule. Throw a `TokenProblem` to refuse
   * with its status. Default: Passport's `req.user`, its id from `id`, else `sub`.
   */
  resolveUser?: UserResolver;
  /** Rate limits of the mounted routes. */
  rateLimit?: TokenRateLimitOptions;
  /** Deadline of a whole upstream exchange: the first attempt, the back-off and any retry. Default 5000 ms. */
  upstreamTimeoutMs?: number;
  /** Consecutive upstream failures that open a circuit (one per provider and audience). Default 5. */
  circuitThreshold?: number;
  /** How long an open circuit fails fast before letting one call through. Default 10 000 ms. */
  circuitResetMs?: number;
  /** Expiry margins and the refresh-ahead window of cached grants (a fifth of the usable lifetime, at least 10 s, at most half). */
  expiry?: Partial<ExpiryPolicy>;
  /** Lifetime of a refresh handle that is never used. Default 24 h. */
  refreshHandleTtlMs?: number;
  /** How long a rotated handle answers again with its one successor (concurrent tabs); after it, a use revokes the chain. Default 10 000 ms. */
  refreshGraceMs?: number;
  /** Time source; tests pass one they can move. Default the system clock. */
  clock?: Clock;
  /** Live refresh chains kept per user and provider; an issue beyond it retires the least recently used. Default 10. */
  maxRefreshChains?: number;
  /** Record the `token_*` Prometheus metrics (when prom-client is installed). Default true. */
  metrics?: boolean;
  /** Log one structured line per token request. Default true. */
  logRequests?: boolean;
  /**
   * Public origin of the app (`https://app.example`), for configs that point
   * back here (Miso's `baseUrl`). Unset: derived from the request, whose `Host`
   * must then be a plain `host[:port]` (else 400).
   */
  publicUrl?: string;
  /** Largest request body a token route accepts, in bytes (400 beyond). Default 8192. */
  bodyLimitBytes?: number;
  /**
   * Longest a token route's request body may take to arrive after its
   * headers; then the connection is closed. Default 10 000 ms. The headers'
   * own deadline is server-wide, so the app sets it (`enforceRequestDeadlines`).
   */
  bodyTimeoutMs?: number;
  /**
   * Upstream calls each billed provider (per-request scope, or `billed: true`)
   * may make per clock hour, across the instances sharing the throttler
   * storage; past it, 429 `budget_exhausted`. 0 turns the ceiling off. Default 1000.
   */
  budgetPerHour?: number;
  /**
   * Where rate-limit and budget counters live: any `@nestjs/throttler`
   * storage (its `increment` is all the module calls), e.g. the one your own
   * `ThrottlerModule` uses. Default: the library's own, counting in `store`
   * (in this process, without a promise, with the in-memory store).
   */
  throttlerStorage?: ThrottlerStorage;
}

/** Options given to `forRoot`/`forRootAsync` beside the (possibly async) options. */
export interface TokenModuleExtras {
  /** Register the module globally. Default false. */
  isGlobal?: boolean;
  /** Routes to mount; none by default (use `TokenService` in your own controllers). */
  routes?: TokenRouteOptions[];
}
