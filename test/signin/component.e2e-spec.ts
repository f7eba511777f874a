import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { BrowserContext, Page } from 'playwright-core';
import { bearer, bootApp, startUpstreams, type RunningApp, type Upstreams } from '../support/harness';
import { eachPlatform } from '../support/platforms';
import { useChromium } from '../support/browser';

const COOKIE = 'wordpress_logged_in_test';
const QUERY = '/request_tokens?avatar_id=a1&_wpnonce=5f2e9c01ab';

/**
 * A page holding `<sentifyd-bot>` as its WordPress plugin writes it, with a
 * stand-in for the component's boot that sends what clients.md records: a
 * plain GET of `token_endpoint` (its own query kept), no Authorization, the
 * site's cookies only (same-origin credentials); then, as on expiry, the same
 * URL with `&refreshToken=` appended. `credentials: 'include'` is a hostile
 * page's variant, not the component's. The outcome lands in `window.outcome`.
 */
function page(endpoint: string, credentials: 'same-origin' | 'include' = 'same-origin'): string {
  return `<!doctype html><meta charset="utf-8"><title>A cookie-session site</title>
<sentifyd-bot token_endpoint="${endpoint}" avatar_id="a1"></sentifyd-bot>
<script>
customElements.define('sentifyd-bot', class extends HTMLElement {
  connectedCallback() { this.boot(); }
  async boot() {
    const endpoint = this.getAttribute('token_endpoint');
    const outcome = { first: 0, refresh: 0 };
    try {
      const first = await fetch(endpoint, { credentials: '${credentials}' });
      outcome.first = first.status;
      if (first.ok) {
        const body = await first.json();
        sessionStorage.setItem('sentifyd-tokens', JSON.stringify(body.tokens));
        outcome.accessToken = typeof body.tokens.accessToken === 'string';
        const again = await fetch(endpoint + '&refreshToken=' + encodeURIComponent(body.tokens.refreshToken), { credentials: '${credentials}' });
        outcome.refresh = again.status;
        if (again.ok) {
          const next = await again.json();
          outcome.newHandle = typeof next.tokens.refreshToken === 'string' && next.tokens.refreshToken !== body.tokens.refreshToken;
        }
      }
    } catch (error) {
      outcome.error = error.name;
    }
    window.outcome = outcome;
  }
});
</script>`;
}

/** The statuses the app answered to `page`'s token requests (seen by the browser even when CORS hides them). */
function tokenStatuses(page: Page): number[] {
  const statuses: number[] = [];
  page.on('response', (response) => {
    if (new URL(response.url()).pathname === '/request_tokens') statuses.push(response.status());
  });
  return statuses;
}

async function outcome(page: Page): Promise<Record<string, unknown>> {
  await page.waitForFunction(() => (globalThis as any).outcome !== undefined, undefined, { timeout: 10_000 });
  return page.evaluate(() => (globalThis as any).outcome);
}

const browser = useChromium();

eachPlatform(() => {
  describe('<sentifyd-bot> on a cookie-session site, in Chromium', () => {
    let upstreams: Upstreams;
    let running: RunningApp;
    let foreign: Server;
    let foreignUrl: string;
    let foreignHtml = '';
    let context: BrowserContext;

    beforeAll(async () => {
      upstreams = await startUpstreams();
      running = await bootApp({ ...upstreams.env, AUTH_COOKIE: COOKIE });
      // Another site's page: a second loopback origin (another port, so another origin; the cookie, per host, still rides along).
      foreign = createServer((_request, response) => void response.writeHead(200, { 'content-type': 'text/html' }).end(foreignHtml));
      await new Promise<void>((done) => foreign.listen(0, '127.0.0.1', done));
      foreignUrl = `http://127.0.0.1:${(foreign.address() as AddressInfo).port}`;
    });
    beforeEach(async () => {
      context = await browser.newContext();
      // The site's session cookie, as its login set it: HttpOnly, SameSite=Lax, for the app's host.
      const jwt = bearer(upstreams.secrets.jwtSecret, 'site-member-7').slice(7);
      await context.addCookies([{ name: COOKIE, value: jwt, domain: '127.0.0.1', path: '/', httpOnly: true, sameSite: 'Lax' }]);
    });
    afterEach(() => context.close());
    /** The statuses of the token requests the app answers from now on (its request log: CORS hides them from the page). */
    const appStatuses = () => {
      const before = running.logger.requestLines().length;
      return () => running.logger.requestLines().slice(before).map((line) => line.status);
    };
    afterAll(async () => {
      await new Promise((done) => foreign.close(done));
      await running.close();
      await upstreams.close();
    });

    it('a page on the app\'s origin gets a token with the cookie alone, then a new handle on refresh', async () => {
      const tab = await context.newPage();
      const statuses = tokenStatuses(tab);
      // The site's own page, served on the app's origin (the token route is the real one).
      await tab.route(`${running.url}/members/chat`, (route) => route.fulfill({ contentType: 'text/html', body: page(QUERY) }));
      await tab.goto(`${running.url}/members/chat`);
      expect(await outcome(tab)).toEqual({ first: 200, accessToken: true, refresh: 200, newHandle: true });
      expect(statuses).toEqual([200, 200]);
    });

    it('the same page without the session cookie gets no token (401)', async () => {
      await context.clearCookies();
      const tab = await context.newPage();
      await tab.route(`${running.url}/members/chat`, (route) => route.fulfill({ contentType: 'text/html', body: page(QUERY) }));
      await tab.goto(`${running.url}/members/chat`);
      expect(await outcome(tab)).toEqual({ first: 401, refresh: 0 });
    });

    it('the same page from another site gets no token: the component sends no cookie (401)', async () => {
      foreignHtml = page(`${running.url}${QUERY}`);
      const tab = await context.newPage();
      const answered = appStatuses();
      await tab.goto(`${foreignUrl}/embed`);
      expect(await outcome(tab)).toEqual({ first: 0, refresh: 0, error: 'TypeError' }); // no CORS grant: the page reads nothing
      expect(answered()).toEqual([401]);
    });

    it('a page of another origin that sends the cookie anyway is refused by the CSRF rule (403)', async () => {
      foreignHtml = page(`${running.url}${QUERY}`, 'include');
      const tab = await context.newPage();
      const answered = appStatuses();
      await tab.goto(`${foreignUrl}/embed`);
      expect(await outcome(tab)).toEqual({ first: 0, refresh: 0, error: 'TypeError' });
      expect(answered()).toEqual([403]);
    });
  });
});
