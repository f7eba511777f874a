import { ExecutionContext, Inject, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { ThrottlerGuard, type ThrottlerModuleOptions, type ThrottlerStorage } from '@nestjs/throttler';
import { TokenProblem } from '../errors/token-problem';
import { TokenUsers } from '../http/token-users';
import { TOKEN_THROTTLER_OPTIONS, TOKEN_THROTTLER_STORAGE } from './throttler-options';

// The package exports these types only from files under dist/: derive them instead of reaching in.
type ThrottlerLimitDetail = Parameters<ThrottlerGuard['throwThrottlingException']>[1];

/**
 * Rate limits of the token routes, with `@nestjs/throttler` under private DI
 * tokens (an app's own `ThrottlerModule` keeps its own limits): per caller
 * (the user id when signed in, else the client IP, which honours the
 * platform's proxy setting), one budget per route for GET and POST together,
 * and a tighter one for refreshes. Called by `TokenGuard`; a limited request
 * never reaches the upstream.
 */
@Injectable()
export class TokenThrottler extends ThrottlerGuard {
  constructor(
    @Inject(TOKEN_THROTTLER_OPTIONS) options: ThrottlerModuleOptions,
    @Inject(TOKEN_THROTTLER_STORAGE) storage: ThrottlerStorage,
    reflector: Reflector,
    private readonly users: TokenUsers,
  ) {
    super(options, storage, reflector);
  }

  /** False when limiting is off (`perMinute: 0`): the guard then skips the throttler entirely. */
  get enabled(): boolean {
    return this.throttlers.length > 0;
  }

  /** `perMinute: 0` means limiting off on purpose: skip the throttler's "no throttlers" warning. */
  override async onModuleInit(): Promise<void> {
    if ((this.options as { throttlers?: unknown[] }).throttlers?.length === 0) {
      this.throttlers = [];
      this.commonOptions = {};
      return;
    }
    await super.onModuleInit();
  }

  protected override async getTracker(request: Record<string, any>): Promise<string> {
    const user = this.users.of(request);
    return user ? `user:${user.id}` : `ip:${request.ip ?? 'unknown'}`;
  }

  /** One key per route and caller: GET and POST share a budget. */
  protected override generateKey(context: ExecutionContext, tracker: string, name: string): string {
    return `${context.getClass().name}:${name}:${tracker}`;
  }

  protected override async throwThrottlingException(_context: ExecutionContext, detail: ThrottlerLimitDetail): Promise<void> {
    throw new TokenProblem(429, 'rate_limited', 'Too many token requests; try again later.', {
      'Retry-After': String(Math.max(1, detail.timeToBlockExpire)),
    });
  }
}
