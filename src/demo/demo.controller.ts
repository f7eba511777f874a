import { Controller, Get, Header, HttpCode, Inject, NotFoundException, Param, Post } from '@nestjs/common';
import { DemoAssets } from './demo-assets';

/** What the demo needs from the sandbox. */
export interface DemoOptions {
  /** The sandbox's demo user's bearer JWT (without `Bearer `), handed to the page by `POST /demo/session`. */
  bearer: string;
}

export const DEMO_OPTIONS = Symbol('DEMO_OPTIONS');

/** Same-origin files only; the page has no inline script or style. */
const CSP = "default-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'none'";

/**
 * The sandbox demo: a page at `/` that signs in as the demo user and shows the
 * two token routes at work through the browser client. Registered only in
 * sandbox mode (see `AppModule.forRoot`).
 */
@Controller()
export class DemoController {
  constructor(
    private readonly assets: DemoAssets,
    @Inject(DEMO_OPTIONS) private readonly options: DemoOptions,
  ) {}

  @Get()
  @Header('Content-Type', 'text/html; charset=utf-8')
  @Header('Cache-Control', 'no-store')
  @Header('Content-Security-Policy', CSP)
  @Header('X-Content-Type-Options', 'nosniff')
  page(): string {
    return this.assets.html;
  }

  @Get('demo.css')
  @Header('Content-Type', 'text/css; charset=utf-8')
  @Header('Cache-Control', 'no-cache')
  @Header('X-Content-Type-Options', 'nosniff')
  css(): string {
    return this.assets.css;
  }

  /** The page script and the browser client's modules (`index.js`, `token-client.js`, `token-client-error.js`, `types.js`). */
  @Get('demo/:file')
  @Header('Content-Type', 'text/javascript; charset=utf-8')
  @Header('Cache-Control', 'no-cache')
  @Header('X-Content-Type-Options', 'nosniff')
  script(@Param('file') file: string): string {
    const script = this.assets.scripts.get(file);
    if (script === undefined) throw new NotFoundException();
    return script;
  }

  /** Signs the page in as the demo user: the sandbox's stand-in for a real sign-in. */
  @Post('demo/session')
  @HttpCode(200)
  @Header('Cache-Control', 'no-store')
  session(): { bearer: string } {
    return { bearer: this.options.bearer };
  }
}
