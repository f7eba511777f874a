import type { CorsOptions } from '@nestjs/common/interfaces/external/cors-options.interface';
import { originMatcher } from './origin-matcher';

/**
 * CORS for the token routes from an allow-list (`TOKEN_ALLOWED_ORIGINS`):
 * a listed origin is echoed back with credentials allowed; any other gets no
 * CORS headers at all. Never `*`, so never `*` with credentials.
 *
 * @example
 * app.enableCors(tokenCors(['https://app.example']));
 */
export function tokenCors(allowedOrigins: readonly string[]): CorsOptions {
  const allowed = originMatcher(allowedOrigins);
  return {
    origin: (origin, callback) => callback(null, origin !== undefined && allowed(origin)),
    credentials: true,
    methods: ['GET', 'POST'],
    allowedHeaders: ['Authorization', 'Content-Type'],
    maxAge: 600,
  };
}
