import { Reflector } from '@nestjs/core';
import type { TokenAccessLevel, TokenRouteOptions } from '../token-module-options';

/**
 * Who may call a route: `'signed-in'` makes {@link SignedInGuard} answer 401
 * without a user; `'public'` lets anyone through. Use {@link SignedIn} and
 * {@link Public} on your own routes.
 */
export const TokenAccess = Reflector.createDecorator<TokenAccessLevel>();

/** Marks a route or controller as needing a signed-in user (401 otherwise). */
export const SignedIn = (): ClassDecorator & MethodDecorator => TokenAccess('signed-in');

/** Marks a route or controller as open to anonymous callers. */
export const Public = (): ClassDecorator & MethodDecorator => TokenAccess('public');

/**
 * Origins allowed to call a route (`Origin`, else the origin of `Referer`);
 * read by {@link OriginGuard}. `http://host:*` matches any port.
 *
 * @example
 * @AllowedOrigins(['https://app.example', 'http://localhost:*'])
 */
export const AllowedOrigins = Reflector.createDecorator<readonly string[]>();

/**
 * The provider a route serves; set on mounted controllers, and usable on your
 * own so that {@link ProviderEnabledGuard} answers 404 while it is unconfigured.
 */
export const TokenRoute = Reflector.createDecorator<Pick<TokenRouteOptions, 'provider' | 'path'>>();
