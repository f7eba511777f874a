import { ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import {
  InjectThrottlerOptions,
  InjectThrottlerStorage,
  ThrottlerGuard,
  type ThrottlerModuleOptions,
  type ThrottlerStorage,
} from '@nestjs/throttler';
import type { ThrottlerLimitDetail } from '@nestjs/throttler/dist/throttler.guard.interface';
import { TokenProblem } from './token-problem';
import { TokenUsers } from './token-users';

const ALLOWED = Promise.resolve(true);

/**
 * Rate limits of the token routes, with `@nestjs/throttler`: per caller (the
 * user id when signed in, else the client IP, which honours Express's
 * `trust proxy`), one budget per route for GET and POST together, and a
 * tighter one for refreshes. A limited request never reaches the upstream.
 */
@Injectable()
export class TokenThrottlerGuard extends ThrottlerGuard {
  constructor(
    @InjectThrottlerOptions() options: ThrottlerModuleOptions,
    @InjectThrottlerStorage() storage: ThrottlerStorage,
    reflector: Reflector,
    private readonly users: TokenUsers,
  ) {
    super(options, storage, reflector);
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

  /** Limiting off (`perMinute: 0`): every request passes, without the base class's per-request work. */
  override canActivate(context: ExecutionContext): Promise<boolean> {
    return this.throttlers.length === 0 ? ALLOWED : super.canActivate(context);
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
