import { Inject, Injectable } from '@nestjs/common';
import { normalizeIp } from '@nestjs/throttler';
import { TokenProblem } from '../errors/token-problem';
import type { HttpRequestLike } from '../http/http-exchange';
import type { RoutePlan } from '../http/route-plan';
import { TokenUsers } from '../http/token-users';
import { TOKEN_SETTINGS, type TokenSettings } from '../token-settings';
import { TOKEN_THROTTLER_STORAGE } from './throttler-storage.token';
import type { StoreThrottlerStorage, WindowCount } from './store-throttler.storage';

const MINUTE_MS = 60_000;

/** One budget per caller and route: `token` (every request) or `refresh` (requests carrying a refresh handle). */
interface Budget {
  readonly name: 'token' | 'refresh';
  readonly limit: number;
}

/**
 * Rate limits of the token routes, counted in `@nestjs/throttler` storage
 * under the module's private DI token (an app's own `ThrottlerModule` keeps
 * its own limits): per caller (the user id when signed in, else the client IP,
 * which honours the platform's proxy setting; IPv6 by its /64), one budget per
 * route and minute for GET and POST together, and a tighter one for refreshes.
 * A route may have its own budget (`rateLimit` route option). Called by
 * `TokenGuard` before the sign-in check, so anonymous floods count too; a
 * limited request never reaches the upstream.
 *
 * In memory it costs one Map lookup a request and no promise; with a shared
 * store, one store round trip.
 */
@Injectable()
export class TokenThrottler {
  private readonly budgets: readonly Budget[];

  constructor(
    @Inject(TOKEN_SETTINGS) private readonly settings: TokenSettings,
    @Inject(TOKEN_THROTTLER_STORAGE) private readonly counter: StoreThrottlerStorage,
    protected readonly users: TokenUsers,
  ) {
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
  check(request: HttpRequestLike, plan: RoutePlan): void | Promise<void> {
    const tracker = this.trackerOf(request);
    let pending: Promise<void>[] | undefined;
    for (const budget of this.budgets) {
      if (budget.name === 'refresh' && !carriesRefreshToken(request)) continue;
      const limit = budget.name === 'token' ? (plan.perMinute ?? budget.limit) : budget.limit;
      const counted = this.counter.count(`rate:${budget.name}:${plan.id}:${tracker}`, MINUTE_MS);
      if (counted instanceof Promise) (pending ??= []).push(counted.then((c) => this.enforce(c, limit)));
      else this.enforce(counted, limit);
    }
    return pending && Promise.all(pending).then(() => undefined);
  }

  /** Whose budget a request spends: the user when signed in, else the client IP. Override to change. */
  protected trackerOf(request: HttpRequestLike): string {
    const user = this.users.of(request);
    const ip = request.ip ?? 'unknown';
    return user ? `user:${user.id}` : `ip:${ip.includes(':') ? normalizeIp(ip) : ip}`;
  }

  private enforce(counted: WindowCount, limit: number): void {
    if (counted.hits <= limit) return;
    const seconds = Math.max(1, Math.ceil((counted.resetAt - this.settings.clock.now()) / 1000));
    throw new TokenProblem(429, 'rate_limited', 'Too many token requests; try again later.', { 'Retry-After': String(seconds) });
  }
}

function carriesRefreshToken(request: HttpRequestLike): boolean {
  const { query, body } = request;
  return (
    (typeof query === 'object' && query !== null && Object.hasOwn(query, 'refreshToken')) ||
    (typeof body === 'object' && body !== null && Object.hasOwn(body, 'refreshToken'))
  );
}
