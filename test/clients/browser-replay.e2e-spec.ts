import type { Page } from 'playwright-core';
import { useChromium, useTab } from '../support/browser';
import { bootApp, startUpstreams, type RunningApp, type Upstreams, closeAll } from '../support/harness';
import { eachPlatform } from '../support/platforms';
import { bootCookieApp, openOn, recordRequests, startPageServer } from './page-origins';
import { MISO_PATHS, sentifydEndpoint } from './replay';

/**
 * The seeds' browser clients in Chromium, replayed as docs/clients.md records them,
 * from a page on the app's own origin and from a page on another origin (a
 * second loopback server), on Express and Fastify. The SDK and the web
 * component are not installed: their fetch calls are replayed in page script.
 */

// Code passed to page.evaluate runs in the page; the repo's tsconfig has no DOM types, hence `any`.

/**
 * Miso `autoInitializeDataClient` then `getEnvironmentToken`: POST, `Content-Type:
 * application/json`, no body, `credentials: 'include'`; a 405 alone makes it GET;
 * it keeps `config` in localStorage and POSTs to `config.baseUrl + config.clientTokenUri`
 * after, five calls at once making five POSTs. Error bodies are read as text.
 */
function replayMiso(page: Page, base: string, clientTokenUri: string) {
  return page.evaluate(
    async ([base, uri]) => {
      const { fetch, localStorage } = globalThis as any;
      const post = (url: string) => fetch(url, { method: 'POST', headers: { 'Content-Type': 'application/json' }, credentials: 'include' });
      let response = await post(`${base}${uri}`);
      if (response.status === 405) response = await fetch(`${base}${uri}`, { method: 'GET', credentials: 'include' });
      if (!response.ok) return { status: response.status, error: await response.text() };
      const { config } = await response.json();
      localStorage.setItem('miso:dataclient-config', JSON.stringify({ config, expiresAt: Date.now() + 1_800_000 }));
      const later = await Promise.all(Array.from({ length: 5 }, () => post(`${config.baseUrl}${config.clientTokenUri}`)));
      const tokens = await Promise.all(later.map(async (r: any) => (r.ok ? (await r.json()).token : `HTTP ${r.status}`)));
      return { status: response.status, config, tokens };
    },
    [base, clientTokenUri] as const,
  );
}

/**
 * `<sentifyd-bot token_endpoint=…>`: a plain GET with the page's cookies only (fetch's
 * default `credentials: 'same-origin'`, no Authorization), then, when its access token
 * expires, the same URL with `&refreshToken=` appended. Tokens go to sessionStorage.
 */
function replaySentifyd(page: Page, endpoint: string) {
  return page.evaluate(async (endpoint) => {
    const { fetch, sessionStorage } = globalThis as any;
    const first = await fetch(endpoint);
    if (!first.ok) return { status: first.status, type: first.headers.get('content-type') };
    const body = await first.json();
    sessionStorage.setItem('sentifyd-tokens', JSON.stringify(body.tokens));
    const again = await fetch(`${endpoint}${endpoint.includes('?') ? '&' : '?'}refreshToken=${encodeURIComponent(body.tokens.refreshToken)}`);
    const refreshed = again.ok ? await again.json() : undefined;
    return { status: first.status, refreshStatus: again.status, avatar: body.avatarParameters?.avatarId, rotated: refreshed?.tokens.refreshToken !== body.tokens.refreshToken };
  }, endpoint);
}

const browser = useChromium();

eachPlatform(() => {
  let upstreams: Upstreams;
  let running: RunningApp;
  let other: Awaited<ReturnType<typeof startPageServer>>;

  beforeAll(async () => {
    upstreams = await startUpstreams();
    other = await startPageServer();
    // Any port of the loopback host: the app's own origin and the other page's.
    running = await bootApp({ ...upstreams.env, MISO_ALLOWED_ORIGINS: 'http://127.0.0.1:*', TOKEN_ALLOWED_ORIGINS: other.origin });
  });
  afterAll(() => closeAll([running, other, upstreams]));
  const tab = useTab(browser);

  describe.each([
    ['the app origin', () => running.url],
    ['another origin, with CORS and credentials', () => other.origin],
  ])('Miso DataClient from a page on %s', (_where, pageOrigin) => {
    it.each(MISO_PATHS)('POSTs %s with no body and gets its token, then its five later POSTs get the same one', async (path) => {
      await (pageOrigin() === running.url ? openOn(tab.page, running.url) : tab.page.goto(`${other.origin}/`));
      const wire = recordRequests(running.app);
      const result = await replayMiso(tab.page, running.url, path);
      expect(result).toEqual({ status: 200, config: expect.objectContaining({ baseUrl: running.url, clientTokenUri: path }), tokens: expect.any(Array) });
      expect(new Set(result.tokens)).toEqual(new Set([expect.stringMatching(/^ey/)]));
      // What the server received from Chromium: POSTs only (no GET fallback), JSON type, Content-Length: 0, the page's Origin.
      const posts = wire.filter((request) => request.method !== 'OPTIONS');
      expect(posts).toHaveLength(6);
      for (const { method, headers } of posts) {
        expect({ method, type: headers['content-type'], length: headers['content-length'], chunked: headers['transfer-encoding'], origin: headers.origin }).toEqual({
          method: 'POST',
          type: 'application/json',
          length: '0',
          chunked: undefined,
          origin: pageOrigin(),
        });
      }
      // From another origin, Content-Type: application/json costs a preflight first.
      const preflights = wire.filter((request) => request.method === 'OPTIONS').length;
      expect(preflights > 0).toBe(pageOrigin() !== running.url);
      expect(upstreams.miso.count).toBe(1);
    });
  });

  it("the web component's plain GET without Authorization is 401 problem+json here (bearer sign-in; cookie sign-in: docs/sign-in.md)", async () => {
    await openOn(tab.page, running.url);
    expect(await replaySentifyd(tab.page, sentifydEndpoint('avtr_wp'))).toEqual({ status: 401, type: expect.stringMatching(/^application\/problem\+json/) });
  });
});

eachPlatform(() => {
  describe('<sentifyd-bot> on a site that signs users in by cookie (library, resolveUser)', () => {
    let upstreams: Upstreams;
    let site: Awaited<ReturnType<typeof bootCookieApp>>;
    let other: Awaited<ReturnType<typeof startPageServer>>;

    beforeAll(async () => {
      upstreams = await startUpstreams();
      other = await startPageServer();
      site = await bootCookieApp({ apiKey: upstreams.secrets.avatarApiKey, backendUrl: upstreams.sentifyd.url }, [other.origin]);
    });
    afterAll(() => closeAll([site?.app, other, upstreams]));
    const tab = useTab(browser, (context) => context.addCookies([{ name: 'session', value: 'visitor-1', url: site.url }]));

    it('same origin: the cookie-only GET of the plugin URL gets tokens, and its &refreshToken= GET a rotated handle', async () => {
      await openOn(tab.page, site.url);
      const wire = recordRequests(site.app);
      const endpoint = `${site.url}${sentifydEndpoint('avtr_wp')}`;
      expect(await replaySentifyd(tab.page, endpoint)).toEqual({ status: 200, refreshStatus: 200, avatar: 'avtr_wp', rotated: true });
      expect(wire.map((request) => [request.method, request.headers.authorization, request.headers.cookie])).toEqual([
        ['GET', undefined, 'session=visitor-1'],
        ['GET', undefined, 'session=visitor-1'],
      ]);
      expect(wire[1].url).toMatch(/\?avatar_id=avtr_wp&_wpnonce=[^&]+&_=\d+&refreshToken=[\w-]+$/);
      expect(upstreams.sentifyd.calls.filter((call) => call.path === '/api/login')).toHaveLength(1);
    });

    it('another origin: the component sends no cookie (same-origin credentials), so it is 401, readable through CORS', async () => {
      await tab.page.goto(`${other.origin}/`);
      const wire = recordRequests(site.app);
      expect(await replaySentifyd(tab.page, `${site.url}${sentifydEndpoint('avtr_wp')}`)).toEqual({ status: 401, type: expect.stringMatching(/^application\/problem\+json/) });
      expect(wire.map((request) => request.headers.cookie)).toEqual([undefined]);
    });
  });
});
