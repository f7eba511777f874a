import { Reflector } from '@nestjs/core';
import type { TokenAccessLevel } from '../token-module-options';

/**
 * Who may call a route: `'signed-in'` makes `TokenGuard` answer 401 without a
 * user; `'public'` lets anyone through. Use {@link SignedIn} and
 * {@link Public} on your own routes.
 */
export const TokenAccess = Reflector.createDecorator<TokenAccessLevel>();

/**
 * Marks a route or controller as needing a signed-in user (401 otherwise,
 * under `TokenGuard`).
 *
 * @example
 * @Get('avatar-token') @SignedIn() @UseGuards(TokenGuard)
 */
export const SignedIn = (): ClassDecorator & MethodDecorator => TokenAccess('signed-in');

/** Marks a route or controller as open to anonymous callers. */
export const Public = (): ClassDecorator & MethodDecorator => TokenAccess('public');

/**
 * Origins allowed to call a route (`Origin`, else the origin of `Referer`);
 * others get 403 from `TokenGuard`. `http://host:*` matches any port.
 *
 * @example
 * @AllowedOrigins(['https://app.example', 'http://localhost:*'])
 */
export const AllowedOrigins = Reflector.createDecorator<readonly string[]>();

/** What {@link TokenRoute} says of a route. */
export interface TokenRouteMetadata {
  /** The provider the route serves: 404 from `TokenGuard` while it is not configured. */
  readonly provider: string;
  /** The path(s) the route is mounted at, for the log line and configs that point back here. */
  readonly path?: string | readonly string[];
  /** Origins that get CORS headers (credentials allowed, never `*`). */
  readonly cors?: readonly string[];
  /** The route's own rate budget per caller and minute, instead of the module's `rateLimit.perMinute`. */
  readonly perMinute?: number;
}

/**
 * The provider a route serves; set on mounted controllers, and usable on your
 * own so that `TokenGuard` answers 404 while the provider is unconfigured,
 * applies the provider's origin list, and names the route in the log line.
 *
 * @example
 * @Get('weather-token') @TokenRoute({ provider: 'weather' }) @UseGuards(TokenGuard)
 */
export const TokenRoute = Reflector.createDecorator<TokenRouteMetadata>();
