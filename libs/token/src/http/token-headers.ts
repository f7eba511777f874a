import { applyDecorators, Header } from '@nestjs/common';

/**
 * Headers every token answer carries, success or error: never cached
 * (CVE-2025-48947 came from lacking `no-store`), never sniffed as another type.
 */
export const TOKEN_HEADERS: Readonly<Record<string, string>> = Object.freeze({
  'Cache-Control': 'no-store',
  Pragma: 'no-cache',
  'X-Content-Type-Options': 'nosniff',
});

/**
 * Sets {@link TOKEN_HEADERS} on a route's successful answers. Put it on your
 * own routes that return tokens; errors get them from `ProblemDetailsFilter`.
 *
 * @example
 * @Get('avatar-token') @NoStore()
 * avatar() { ... }
 */
export const NoStore = (): MethodDecorator =>
  applyDecorators(...Object.entries(TOKEN_HEADERS).map(([name, value]) => Header(name, value)));
