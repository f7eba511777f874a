import type { ExecutionContext } from '@nestjs/common';
import type { ThrottlerModuleOptions } from '@nestjs/throttler';
import type { TokenSettings } from '../token-settings';

/** Private DI token of the token routes' throttler options (never `@nestjs/throttler`'s own). */
export const TOKEN_THROTTLER_OPTIONS = Symbol('TokenThrottlerOptions');
/** Private DI token of the token routes' throttler storage (never `@nestjs/throttler`'s own). */
export const TOKEN_THROTTLER_STORAGE = Symbol('TokenThrottlerStorage');

const MINUTE_MS = 60_000;

/**
 * The throttlers of the token routes: `token` (every request) and `refresh`
 * (requests carrying a refresh handle, a tighter budget). `perMinute: 0`
 * turns limiting off.
 */
export function throttlerOptions(settings: TokenSettings): ThrottlerModuleOptions {
  const { perMinute, refreshPerMinute } = settings.rateLimit;
  if (perMinute <= 0) return { throttlers: [] };
  return {
    throttlers: [
      { name: 'token', ttl: MINUTE_MS, limit: perMinute },
      { name: 'refresh', ttl: MINUTE_MS, limit: refreshPerMinute, skipIf: (context) => !carriesRefreshToken(context) },
    ],
  };
}

function carriesRefreshToken(context: ExecutionContext): boolean {
  const request = context.switchToHttp().getRequest<{ query?: object; body?: unknown }>();
  const body = request.body;
  return (
    (typeof request.query === 'object' && request.query !== null && Object.hasOwn(request.query, 'refreshToken')) ||
    (typeof body === 'object' && body !== null && Object.hasOwn(body, 'refreshToken'))
  );
}
