import { bearer } from '../support/harness';
import { eachPlatform } from '../support/platforms';
import { MISO, SENTIFYD, startRig, type Rig } from '../support/rig';
import { expectProblem } from '../support/expect-reply';

const COOKIE = 'site_session';
const PARTNER = 'https://partner.example';
const EVIL = 'https://evil.example';

type Row = [name: string, status: number, headers: (own: string) => Record<string, string>];

/**
 * The CSRF table of cookie-signed requests, as the contract states it: Fetch
 * Metadata first, then Origin; the route's CORS allow-list lets a site in.
 */
const CSRF_ROWS: Row[] = [
  ['no Sec-Fetch-Site, no Origin (not a browser)', 200, () => ({})],
  ['Sec-Fetch-Site: same-origin', 200, () => ({ 'sec-fetch-site': 'same-origin' })],
  ['Sec-Fetch-Site: same-origin with its Origin', 200, (own) => ({ 'sec-fetch-site': 'same-origin', origin: own })],
  ['Sec-Fetch-Site: none (typed in the address bar)', 200, () => ({ 'sec-fetch-site': 'none' })],
  ['Sec-Fetch-Site: cross-site from a foreign origin', 403, () => ({ 'sec-fetch-site': 'cross-site', origin: EVIL })],
  ['Sec-Fetch-Site: cross-site without Origin (a navigation)', 403, () => ({ 'sec-fetch-site': 'cross-site' })],
  ['Sec-Fetch-Site: cross-site from an allowed origin', 200, () => ({ 'sec-fetch-site': 'cross-site', origin: PARTNER })],
  ['Sec-Fetch-Site: same-site from an origin not allowed', 403, () => ({ 'sec-fetch-site': 'same-site', origin: 'https://blog.partner.example' })],
  ['Sec-Fetch-Site: same-site from an allowed origin', 200, () => ({ 'sec-fetch-site': 'same-site', origin: PARTNER })],
  ['no Sec-Fetch-Site, its own Origin (an older browser)', 200, (own) => ({ origin: own })],
  ['no Sec-Fetch-Site, a foreign Origin', 403, () => ({ origin: EVIL })],
  ['no Sec-Fetch-Site, Origin: null', 403, () => ({ origin: 'null' })],
];

eachPlatform(() => {
  describe('sign-in by session cookie (AUTH_COOKIE) and its CSRF rule', () => {
    let rig: Rig;
    let cookie: (sub: string) => Record<string, string>;
    beforeAll(async () => {
      rig = await startRig({ AUTH_COOKIE: COOKIE, TOKEN_ALLOWED_ORIGINS: PARTNER });
      cookie = (sub) => ({ cookie: `theme=dark; ${COOKIE}=${bearer(rig.upstreams.secrets.jwtSecret, sub).slice(7)}; other=1` });
    });
    afterAll(() => rig.close());

    it.each(CSRF_ROWS)('Sentifyd route, cookie-signed, %s: %d', async (_name, status, headers) => {
      const reply = await rig.client.get(`${SENTIFYD}?avatar_id=a1&_wpnonce=n0nce`, { ...cookie('alice'), ...headers(rig.running.url) });
      if (status === 403) {
        expectProblem(reply, 403);
        expect(reply.body.error).toBe('csrf_rejected');
      } else {
        expect(reply.status).toBe(status);
        expect(reply.body.tokens.refreshToken).toEqual(expect.any(String));
      }
    });

    it('a POST from a foreign site with the cookie is refused the same way', async () => {
      const reply = await rig.client.post(SENTIFYD, undefined, { ...cookie('alice'), 'sec-fetch-site': 'cross-site', origin: EVIL });
      expectProblem(reply, 403);
      expect(reply.body.error).toBe('csrf_rejected');
    });

    it('the CSRF rule is not the bearer\'s: a bearer from a foreign site is served', async () => {
      const reply = await rig.client.get(SENTIFYD, { ...rig.auth('bob'), 'sec-fetch-site': 'cross-site', origin: EVIL });
      expect(reply.status).toBe(200);
    });

    it('a bearer wins over the cookie, even a bad one', async () => {
      const bad = await rig.client.get(SENTIFYD, { authorization: 'Bearer not.a.jwt', ...cookie('alice') });
      expectProblem(bad, 401);
      const basic = await rig.client.get(SENTIFYD, { authorization: 'Basic YTpi', ...cookie('alice') });
      expectProblem(basic, 401);
      const good = await rig.client.get(SENTIFYD, { ...rig.auth('bob'), cookie: `${COOKIE}=garbage` });
      expect(good.status).toBe(200);
      // The handle is bob's (the bearer's), not alice's (the cookie's): alice presenting it is refused.
      const handle = encodeURIComponent(good.body.tokens.refreshToken);
      const asAlice = await rig.client.get(`${SENTIFYD}?refreshToken=${handle}`, cookie('alice'));
      expectProblem(asAlice, 401);
    });

    it('the cookie gets the bearer\'s checks: expired, foreign-signed, absent or empty is 401', async () => {
      const expired = bearer(rig.upstreams.secrets.jwtSecret, 'alice', { expiresInSeconds: -120 }).slice(7);
      const foreign = bearer('another-secret-of-32-bytes-or-more-0123456789', 'alice').slice(7);
      for (const value of [`${COOKIE}=${expired}`, `${COOKIE}=${foreign}`, `${COOKIE}=`, 'unrelated=1', `X${COOKIE}=${foreign}`]) {
        expectProblem(await rig.client.get(SENTIFYD, { cookie: value }), 401);
      }
      expectProblem(await rig.client.get(SENTIFYD), 401);
    });

    it('the web component\'s flow: cookie-only GET with its own query, then &refreshToken=: a new handle', async () => {
      const endpoint = `${SENTIFYD}?avatar_id=a1&_wpnonce=n0nce`;
      const first = await rig.client.get(endpoint, { ...cookie('carol'), 'sec-fetch-site': 'same-origin' });
      expect(first.status).toBe(200);
      const handle = first.body.tokens.refreshToken as string;
      const refreshed = await rig.client.get(`${endpoint}&refreshToken=${encodeURIComponent(handle)}`, { ...cookie('carol'), 'sec-fetch-site': 'same-origin' });
      expect(refreshed.status).toBe(200);
      expect(refreshed.body.tokens.refreshToken).toEqual(expect.any(String));
      expect(refreshed.body.tokens.refreshToken).not.toBe(handle);
    });

    it('public route: a cookie-signed request from a foreign site is refused, an anonymous one is not', async () => {
      const signed = await rig.client.get(MISO, { ...cookie('alice'), 'sec-fetch-site': 'cross-site', origin: EVIL });
      expectProblem(signed, 403);
      expect(signed.body.error).toBe('csrf_rejected');
      const anonymous = await rig.client.get(MISO, { 'sec-fetch-site': 'cross-site', origin: EVIL });
      expect(anonymous.status).toBe(200);
    });

    it('never echoes the cookie or logs it', () => {
      const jwt = cookie('alice').cookie.split(`${COOKIE}=`)[1].split(';')[0];
      expect(rig.client.transcript.join('\n')).not.toContain(jwt);
      expect(rig.running.logger.lines.join('\n')).not.toContain(jwt);
    });
  });
});

eachPlatform(() => {
  describe('rate limit of cookie-signed users', () => {
    let rig: Rig;
    beforeAll(async () => {
      rig = await startRig({ AUTH_COOKIE: COOKIE, TOKEN_RATE_LIMIT: '2' });
    });
    afterAll(() => rig.close());

    it('counts per user, resolved before the limiter, from one address', async () => {
      const as = (sub: string) => ({ cookie: `${COOKIE}=${bearer(rig.upstreams.secrets.jwtSecret, sub).slice(7)}` });
      const statuses = [];
      for (const sub of ['dora', 'dora', 'dora', 'erin']) statuses.push((await rig.client.get(SENTIFYD, as(sub))).status);
      expect(statuses).toEqual([200, 200, 429, 200]);
    });
  });
});
