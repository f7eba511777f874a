import { Module, type INestApplication } from '@nestjs/common';
import { TokenModule } from 'nestjs-token-broker';
import { SentifydTokenProvider } from 'nestjs-token-broker/sentifyd';
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Page } from 'playwright-core';
import { CaptureLogger } from '../support/capture-logger';
import { createOnPlatform } from '../support/platforms';

/** A blank HTML page: the replays run in its script context. */
const BLANK = '<!doctype html><meta charset="utf-8"><title>client replay</title><body></body>';

/** Opens a blank page served on `origin` itself (intercepted, so the app needs no page of its own). */
export async function openOn(page: Page, origin: string): Promise<void> {
  const url = `${origin}/__client-replay.html`;
  await page.route(url, (route) => route.fulfill({ status: 200, contentType: 'text/html', body: BLANK }));
  await page.goto(url);
}

/** A second loopback server, on a port of its own (another origin), that serves the blank page. */
export async function startPageServer(): Promise<{ origin: string; close(): Promise<void> }> {
  const server: Server = createServer((_request, response) => {
    response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(BLANK);
  });
  await new Promise<void>((listening) => server.listen(0, '127.0.0.1', listening));
  const { port } = server.address() as AddressInfo;
  return { origin: `http://127.0.0.1:${port}`, close: () => new Promise((closed) => server.close(() => closed())) };
}

/** One request as the app's HTTP server received it (preflights included, which a page never sees). */
export interface WireRequest {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
}

/** Records every request `app`'s server receives, before any framework code runs. */
export function recordRequests(app: INestApplication): WireRequest[] {
  const seen: WireRequest[] = [];
  (app.getHttpServer() as Server).prependListener('request', (request: IncomingMessage) => {
    seen.push({ method: request.method ?? '?', url: request.url ?? '', headers: { ...request.headers } });
  });
  return seen;
}

/**
 * A library app whose Sentifyd route knows its users by a session cookie
 * (`resolveUser`), as a site behind `<sentifyd-bot>` does: the component's
 * GET carries cookies only, never an Authorization header.
 */
export async function bootCookieApp(sentifyd: { apiKey: string; backendUrl: string }, cors: string[]): Promise<{ app: INestApplication; url: string }> {
  @Module({
    imports: [
      TokenModule.forRoot({
        rateLimit: { perMinute: 0 },
        resolveUser: (request) => {
          const cookie = String((request as { headers: Record<string, unknown> }).headers.cookie ?? '');
          const session = /(?:^|;\s*)session=([\w-]+)/.exec(cookie)?.[1];
          return session ? { id: session } : undefined;
        },
        routes: [{ path: '/request_tokens', provider: 'sentifyd', access: 'signed-in', cors }],
      }),
    ],
    providers: [SentifydTokenProvider.register(sentifyd)],
  })
  class CookieSiteModule {}
  const app = await createOnPlatform(CookieSiteModule, new CaptureLogger());
  await app.listen(0, '127.0.0.1');
  const { port } = app.getHttpServer().address() as AddressInfo;
  return { app, url: `http://127.0.0.1:${port}` };
}
