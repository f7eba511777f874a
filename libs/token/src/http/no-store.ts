import { applyDecorators, Header } from '@nestjs/common';

/** Headers every token response carries, success or error (CVE-2025-48947 came from lacking them). */
export const NO_STORE_HEADERS: Readonly<Record<string, string>> = Object.freeze({
  'Cache-Control': 'no-store',
  Pragma: 'no-cache',
});

/** Sets `Cache-Control: no-store` and `Pragma: no-cache` on a route's successful answers. */
export const NoStore = (): MethodDecorator =>
  applyDecorators(...Object.entries(NO_STORE_HEADERS).map(([name, value]) => Header(name, value)));
