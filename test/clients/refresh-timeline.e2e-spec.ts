import type { TokenModuleOptions } from 'nestjs-token-broker';
// The module itself: jest cannot resolve the package entry's browser-style `.js` imports.
import { createTokenClient } from 'nestjs-token-broker/browser/token-client';
import { FakeClock } from 'nestjs-token-broker/testing';
import { randomBytes } from 'node:crypto';
import { bearer, bootApp, startUpstreams, type RunningApp, type Upstreams, closeAll } from '../support/harness';
import { eachPlatform } from '../support/platforms';
import { redisCorner } from '../support/redis-server';
import { MISO_PATHS, misoHeaders, sentifydEndpoint, withRefreshToken } from './replay';
import { rawSend } from '../support/http';

/**
 * "Refresh means fresher", timed with a moved clock: the issue's 30 s tokens
 * (about 27 s usable after the safety margin, so a 10 s refresh-ahead window),
 * asked for every 250 ms over five minutes by the browser client, and every
 * second by a client that keeps no token (Miso's SDK POSTs each time). One
 * upstream call per token lifetime; never a token with less than the window left.
 */
const TTL_S = 30;
const WINDOW_S = 10;
const RUN_MS = 300_000;

interface Seen {
  at: number;
  expiresIn: number;
  token: string;
}

eachPlatform((platform) => {
  describe.each(['memory', 'redis'] as const)('on the %s store', (storeKind) => {
    const corner = redisCorner('test:clients-timeline');
    let upstreams: Upstreams;
    let running: RunningApp;
    let clock: FakeClock;

    beforeEach(async () => {
      clock = new FakeClock();
      upstreams = await startUpstreams({ miso: { expiresIn: TTL_S }, sentifyd: { expiresIn: TTL_S } });
      const store: Partial<TokenModuleOptions> = storeKind === 'redis' ? { store: corner.store(), storeKey: randomBytes(32) } : {};
      running = await bootApp(upstreams.env, { clock, ...store });
    });
    afterEach(() => closeAll([running, upstreams], () => corner.clear()));

    /** Polls `ask` every `stepMs` of fake time for RUN_MS; the tokens it was answered, by route request. */
    async function timeline(stepMs: number, ask: () => Promise<unknown>, seen: Seen[]): Promise<void> {
      const start = clock.now();
      while (clock.now() - start < RUN_MS) {
        await ask();
        clock.advance(stepMs);
      }
      for (const s of seen) s.at -= start;
    }

    /** A fetch that notes each answer's token and expiresIn (read by `pick`) at the fake time it came. */
    function recorded(seen: Seen[], pick: (body: any) => Omit<Seen, 'at'>) {
      return async (url: string, init: RequestInit): Promise<Response> => {
        const response = await fetch(url, init);
        seen.push({ at: clock.now(), ...pick(await response.clone().json()) });
        return response;
      };
    }

    function expectFresher(seen: Seen[], upstreamCalls: number, label: string): void {
      const tokens = [...new Set(seen.map((s) => s.token))];
      console.log(
        `[figures] ${platform}/${storeKind} ${label}: ${seen.length} route requests, ${upstreamCalls} upstream calls, ` +
          `least expiresIn answered ${Math.min(...seen.map((s) => s.expiresIn))} s, ` +
          `answers (s, expiresIn): ${seen
            .filter((s, i) => i === 0 || s.token !== seen[i - 1].token)
            .slice(0, 6)
            .map((s) => `${(s.at / 1000).toFixed(2)}/${s.expiresIn}`)
            .join(' ')} …`,
      );
      expect(Math.min(...seen.map((s) => s.expiresIn))).toBeGreaterThanOrEqual(WINDOW_S);
      expect(upstreamCalls).toBe(tokens.length);
      // One call per usable lifetime minus the window (27 - 10 = 17 s), jitter aside: 300 s / 17 s ≈ 18.
      expect(upstreamCalls).toBeGreaterThanOrEqual(Math.floor(RUN_MS / 1000 / (TTL_S - WINDOW_S)));
      expect(upstreamCalls).toBeLessThanOrEqual(Math.ceil(RUN_MS / 1000 / (TTL_S * 0.88 - WINDOW_S)) + 1);
    }

    it('the browser client makes one route request and the route one upstream call per lifetime (Miso)', async () => {
      const seen: Seen[] = [];
      const client = createTokenClient({
        url: `${running.url}${MISO_PATHS[1]}`,
        clock,
        locks: null,
        channel: null,
        fetch: recorded(seen, (body) => ({ token: body.token, expiresIn: body.expiresIn })),
      });
      await timeline(250, () => client.getToken(), seen);
      expectFresher(seen, upstreams.miso.count, 'browser client, Miso');
      // Every request the client made brought a newer token: none was wasted on the old one.
      expect(new Set(seen.map((s) => s.token)).size).toBe(seen.length);
    });

    it('the browser client refreshing a Sentifyd handle: one request, one login per lifetime', async () => {
      const seen: Seen[] = [];
      const authorization = bearer(upstreams.secrets.jwtSecret, 'visitor-1');
      const client = createTokenClient({
        url: `${running.url}${sentifydEndpoint('avtr_t')}`,
        clock,
        locks: null,
        channel: null,
        fetchInit: { headers: { authorization } },
        fetch: recorded(seen, (body) => ({ token: body.tokens.accessToken, expiresIn: body.tokens.expiresIn })),
      });
      await timeline(250, () => client.getToken(), seen);
      expectFresher(seen, upstreams.sentifyd.count, 'browser client, Sentifyd refresh without SENTIFYD_REFRESH_PATH');
      expect(new Set(seen.map((s) => s.token)).size).toBe(seen.length);
    });

    it('a Sentifyd ?refreshToken= without SENTIFYD_REFRESH_PATH: the current grant while it has more than the window left, else a new login', async () => {
      const headers = { authorization: bearer(upstreams.secrets.jwtSecret, 'visitor-2') };
      const endpoint = sentifydEndpoint('avtr_r');
      const first = await rawSend(running.url, 'GET', endpoint, headers, 'none');
      clock.advance(5_000); // 21 s left of 26: outside the 10 s window
      const early = await rawSend(running.url, 'GET', withRefreshToken(endpoint, first.body.tokens.refreshToken), headers, 'none');
      expect(early.body.tokens).toEqual({ accessToken: first.body.tokens.accessToken, refreshToken: expect.any(String), expiresIn: first.body.tokens.expiresIn - 5 });
      expect(early.body.tokens.refreshToken).not.toBe(first.body.tokens.refreshToken);
      clock.advance(12_000); // 9 s left: inside it
      const late = await rawSend(running.url, 'GET', withRefreshToken(endpoint, early.body.tokens.refreshToken), headers, 'none');
      expect(late.body.tokens.accessToken).not.toBe(first.body.tokens.accessToken);
      expect(late.body.tokens.expiresIn).toBeGreaterThanOrEqual(26);
      expect(upstreams.sentifyd.calls.map((call) => call.path)).toEqual(['/api/login', '/api/login']);
    });

    it("Miso's SDK, POSTing with no body every second, is never handed a token inside its window", async () => {
      const seen: Seen[] = [];
      await timeline(
        1_000,
        async () => {
          const reply = await rawSend(running.url, 'POST', MISO_PATHS[0], misoHeaders(), 'length-0');
          seen.push({ at: clock.now(), expiresIn: reply.body.expiresIn, token: reply.body.token });
        },
        seen,
      );
      expectFresher(seen, upstreams.miso.count, 'SDK POST every 1 s');
    });
  });
});
