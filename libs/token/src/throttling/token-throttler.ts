import { Inject, Injectable } from '@nestjs/common';
import { normalizeIp } from '@nestjs/throttler';
import { TokenProblem } from '../errors/token-problem';
import type { HttpRequestLike } from '../http/http-exchange';
import type { RoutePlan } from '../http/route-plan';
import type { ThrottlerStorage } from '@nestjs/throttler';
import { clientIp } from '../http/client-ip';
import { TokenUsers } from '../http/token-users';
import { TOKEN_SETTINGS, type TokenSettings } from '../token-settings';
import { slidingVerdict } from './sliding-window';
import { TOKEN_THROTTLER_STORAGE } from './throttler-storage.token';
import { WindowCounter } from './window-counter';

const MINUTE_MS = 60_000;

/** One budget per caller and route: `token` (every request) or `refresh` (requests carrying a refresh handle). */
interface Budget {
  readonly name: 'token' | 'refresh';
  readonly limit: number;
}

/**
 * Rate limits of the token routes, counted through a `@nestjs/throttler`
 * storage's `increment` under the module's private DI token (an app's own
 * `ThrottlerModule` keeps its own limits; the `throttlerStorage` option hands
 * the module any storage): per caller (the user id when signed in, else the
 * client IP, which honours the platform's proxy setting when it is an IP;
 * IPv6 by its /64), one budget per route and sliding minute for GET and POST
 * together (see {@link slidingVerdict}: no double burst at a window's edge),
 * and a tighter one for refreshes. A refused request counts too, so a caller
 * that ignores `Retry-After` stays refused.
 * A route may have its own budget (`rateLimit` route option). Called by
 * `TokenGuard` before the sign-in check, so anonymous floods count too; a
 * limited request never reaches the upstream.
 *
 * In memory it costs two Map lookups a request and no promise; with a shared
 * store, two pipelined store round trips.
 */
@Injectable()
export class TokenThrottler {
  private readonly budgets: readonly Budget[];
  private readonly counter: WindowCounter;

  constructor(
    @Inject(TOKEN_SETTINGS) private readonly settings: TokenSettings,
    @Inject(TOKEN_THROTTLER_STORAGE) storage: ThrottlerStorage,
    protected readonly users: TokenUsers,
  ) {
    this.counter = new WindowCounter(storage);
    const { perMinute, refreshPerMinute } = settings.rateLimit;
    this.budgets = perMinute > 0 ? [{ name: 'token', limit: perMinute }, { name: 'refresh', limit: refreshPerMinute }] : [];
  }

  /** False when limiting is off (`perMinute: 0`): the guard then skips the throttler entirely. */
  get enabled(): boolean {
    return this.budgets.length > 0;
  }

  /**
   * Counts `request` against the budgets of the route `plan`; throws 429 (with
   * `Retry-After`) when one is spent. Synchronous when counting in this process.
   */
  check(request: HttpRequestLike, plan: Pick<RoutePlan, 'id' | 'perMinute'>): void | Promise<void> {
    const tracker = this.trackerOf(request);
    const now = this.settings.clock.now();
    const window = Math.floor(now / MINUTE_MS);
    let pending: Promise<void>[] | undefined;
    for (const budget of this.budgets) {
      if (budget.name === 'refresh' && !carriesRefreshToken(request)) continue;
      const limit = budget.name === 'token' ? (plan.perMinute ?? budget.limit) : budget.limit;
      const key = `rate:${budget.name}:${plan.id}:${tracker}:`;
      // Previous window first: its counter minus this one's is the previous window's own count.
      const counted = this.counter.hitBoth(key + (window - 1), key + window, 2 * MINUTE_MS, budget.name);
      if (counted instanceof Promise) (pending ??= []).push(counted.then((c) => this.enforce(c, now, limit)));
      else this.enforce(counted, now, limit);
    }
    return pending && Promise.all(pending).then(() => undefined);
  }

  /** Whose budget a request spends: the user when signed in, else the client IP. Override to change. */
  protected trackerOf(request: HttpRequestLike): string {
    const user = this.users.of(request);
    const ip = clientIp(request);
    return user ? `user:${user.id}` : `ip:${ip.includes(':') ? normalizeIp(ip) : ip}`;
  }

  private enforce([previousRaw, current]: readonly [number, number], now: number, limit: number): void {
    const verdict = slidingVerdict(current, previousRaw, now, MINUTE_MS, limit);
    if (verdict.allowed) return;
    throw new TokenProblem(429, 'rate_limited', 'Too many token requests; try again later.', { 'Retry-After': String(verdict.retryAfterS) });
  }
}

function carriesRefreshToken(request: HttpRequestLike): boolean {
  const { query, body } = request;
  return (
    (typeof query === 'object' && query !== null && Object.hasOwn(query, 'refreshToken')) ||
    (typeof body === 'object' && body !== null && Object.hasOwn(body, 'refreshToken'))
  );
}
