import type { ExecutionContext } from '@nestjs/common';
import type { ThrottlerModuleOptions } from '@nestjs/throttler';
import type { TokenModuleOptions } from '../token-module-options';

const MINUTE_MS = 60_000;

/**
 * The throttlers of the token routes: `token` (every request) and `refresh`
 * (requests carrying a refresh handle, a tighter budget). `perMinute: 0`
 * turns limiting off.
 */
export function throttlerOptions(options: TokenModuleOptions): ThrottlerModuleOptions {
  const perMinute = options.rateLimit?.perMinute ?? 60;
  if (perMinute <= 0) return { throttlers: [] };
  const refreshPerMinute = options.rateLimit?.refreshPerMinute ?? Math.max(1, Math.floor(perMinute / 4));
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
    (request.query !== undefined && Object.hasOwn(request.query, 'refreshToken')) ||
    (typeof body === 'object' && body !== null && Object.hasOwn(body, 'refreshToken'))
  );
}
