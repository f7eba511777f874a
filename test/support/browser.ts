import { live } from './lifecycle';
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { AddressInfo } from 'node:net';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { createApp } from '../../src/app.factory';
import { startSandbox } from '../../src/sandbox/sandbox';
import { CaptureLogger } from './capture-logger';
import type { Platform } from './platforms';

const ROOT = resolve(__dirname, '../..');

/** Debian's Chromium; CHROMIUM_PATH points elsewhere. No browser is ever downloaded. */
export const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';

/** The routes the demo page calls, as the request log names them. */
export const TOKEN_ROUTES = ['/api/client-token', '/request_tokens'] as const;
export type TokenRoute = (typeof TOKEN_ROUTES)[number];

/**
 * Launches the system Chromium headless. Without it the spec fails with one
 * line saying how to install it (CI installs it in .ci/run).
 */
export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`Chromium not found at ${CHROMIUM}: install it with "sudo apt-get install -y chromium" (Debian/Ubuntu) or set CHROMIUM_PATH`);
  }
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    timeout: 30_000,
  });
}

/** Chromium for the whole spec file (or block): launched before all, closed after all. */
export function useChromium(): Browser {
  return live(launchChromium, { timeout: 60_000 });
}

/** A fresh context and page for each test, closed after it; `prepare` runs on the context first (cookies, say). */
export function useTab(browser: Browser, prepare?: (context: BrowserContext) => Promise<unknown>): { context: BrowserContext; page: Page } {
  return live(
    async () => {
      const context = await browser.newContext();
      await prepare?.(context);
      return { context, page: await context.newPage(), close: () => context.close() };
    },
    { when: 'each' },
  );
}

/**
 * The demo page serves the built browser client (`libs/token/dist/browser`):
 * builds the library when that is missing or older than its source.
 */
export function ensureBrowserClientBuilt(): void {
  const source = join(ROOT, 'libs/token/src/browser');
  const built = join(ROOT, 'libs/token/dist/browser/token-client.js');
  const newest = Math.max(...readdirSync(source).map((file) => statSync(join(source, file)).mtimeMs));
  if (existsSync(built) && statSync(built).mtimeMs >= newest) return;
  execFileSync('npm', ['run', 'build:lib'], { cwd: ROOT, stdio: 'ignore', timeout: 180_000 });
}

/** The example app in sandbox mode with the demo page, on a free loopback port. */
export interface DemoApp {
  url: string;
  logger: CaptureLogger;
  /** Token requests the app has answered on `route` (its request log lines). */
  hits(route: TokenRoute): Array<Record<string, unknown>>;
  close(): Promise<void>;
}

/** Boots the app as `npm start` does with no provider configured: sandbox upstreams, demo page on. */
export async function bootDemo(platform: Platform, options: { tokenTtlSeconds?: number } = {}): Promise<DemoApp> {
  const sandbox = await startSandbox({
    SANDBOX: '1',
    NODE_ENV: 'test',
    HTTP_ADAPTER: platform,
    SANDBOX_TOKEN_TTL_SECONDS: options.tokenTtlSeconds?.toString(),
  });
  if (!sandbox) throw new Error('the sandbox did not start');
  const logger = new CaptureLogger();
  try {
    const app = await createApp(sandbox.env, { logger, demo: { bearer: sandbox.demoBearer } });
    await app.listen(0, '127.0.0.1');
    const { port } = app.getHttpServer().address() as AddressInfo;
    return {
      url: `http://127.0.0.1:${port}`,
      logger,
      hits: (route) => logger.requestLines().filter((line) => line.route === route),
      close: async () => {
        await app.close();
        await sandbox.close();
      },
    };
  } catch (error) {
    await sandbox.close();
    throw error;
  }
}

/** What one page did: console errors, uncaught errors, failed requests, token requests by route. */
export interface PageWatch {
  errors: string[];
  tokenRequests: Record<TokenRoute, number>;
  /** Every response body the page received, for secret scans. */
  bodies: string[];
}

/** Starts recording what `page` does; call before its first navigation. */
export function watch(page: Page): PageWatch {
  const seen: PageWatch = { errors: [], tokenRequests: { '/api/client-token': 0, '/request_tokens': 0 }, bodies: [] };
  page.on('console', (message) => {
    if (message.type() === 'error' || message.type() === 'warning') seen.errors.push(`console.${message.type()}: ${message.text()}`);
  });
  page.on('pageerror', (error) => seen.errors.push(`uncaught: ${error.message}`));
  page.on('requestfailed', (request) => seen.errors.push(`request failed: ${request.url()} ${request.failure()?.errorText}`));
  page.on('request', (request) => {
    const path = new URL(request.url()).pathname as TokenRoute;
    if (path in seen.tokenRequests) seen.tokenRequests[path] += 1;
  });
  page.on('response', (response) => {
    response.text().then(
      (text) => seen.bodies.push(text),
      () => undefined,
    );
  });
  return seen;
}

/** What the page shows on one token card. */
export interface CardView {
  state: string;
  token: string;
  expiresAt: string;
  received: number;
}

// Code passed to page.evaluate runs in the page; the repo's Node tsconfig has no DOM
// types (on purpose), so it reaches the page's globals through `any`.

/** Reads the Miso and Sentifyd cards. */
export function cards(page: Page): Promise<Record<'miso' | 'sentifyd', CardView>> {
  return page.evaluate(() => {
    const { document } = globalThis as any;
    const view = (id: string) => {
      const card = document.getElementById(id);
      return {
        state: card.dataset.state ?? '',
        token: card.querySelector('[data-role="token"]')?.textContent ?? '',
        expiresAt: card.dataset.expiresAt ?? '',
        received: Number(card.dataset.received ?? 0),
      };
    };
    return { miso: view('miso'), sentifyd: view('sentifyd') };
  });
}

/** Waits (at most `timeoutMs`) until both cards show a token. */
export async function bothTokensShown(page: Page, timeoutMs = 10_000): Promise<void> {
  await page.waitForFunction(
    () => ['miso', 'sentifyd'].every((id) => (globalThis as any).document.getElementById(id)?.dataset.received),
    undefined,
    { timeout: timeoutMs },
  );
}

/** Polls `condition` every 50 ms; throws `what` after `timeoutMs`. */
export async function until(what: string, condition: () => boolean | Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((done) => setTimeout(done, 50));
  }
}

/**
 * Everything the page's origin keeps: localStorage, sessionStorage, cookies
 * (script-visible and all), IndexedDB databases with their records, Cache Storage.
 */
export async function storedEverywhere(page: Page): Promise<string> {
  const inPage = await page.evaluate(async () => {
    const { localStorage, sessionStorage, indexedDB, document, caches } = globalThis as any;
    const dump = (storage: any) => Object.fromEntries(Object.keys(storage).map((key) => [key, storage.getItem(key)]));
    const databases: Record<string, unknown> = {};
    for (const { name, version } of (await indexedDB.databases()) as Array<{ name?: string; version?: number }>) {
      if (!name) continue;
      const db = await new Promise<any>((ok, fail) => {
        const open = indexedDB.open(name, version);
        open.onsuccess = () => ok(open.result);
        open.onerror = () => fail(open.error);
      });
      for (const store of Array.from(db.objectStoreNames as ArrayLike<string>)) {
        databases[`${name}/${store}`] = await new Promise((ok, fail) => {
          const all = db.transaction(store).objectStore(store).getAll();
          all.onsuccess = () => ok(all.result);
          all.onerror = () => fail(all.error);
        });
      }
      db.close();
    }
    return {
      localStorage: dump(localStorage),
      sessionStorage: dump(sessionStorage),
      documentCookie: document.cookie,
      indexedDB: databases,
      caches: await caches.keys(),
    };
  });
  return JSON.stringify({ ...inPage, cookies: await page.context().cookies() });
}
