import { randomBytes } from 'node:crypto';
import { MetricsListener } from '../../src/metrics/metrics-listener';
import { bearer, bootApp, expectNoSecrets, startUpstreams, type RunningApp, type Upstreams, closeAll } from '../support/harness';
import { eachPlatform } from '../support/platforms';
import { scrape, valueOf, type Sample } from '../support/prometheus';

/**
 * The contract's metrics, scraped from the app's METRICS_PORT listener after
 * a known run of requests: every counter moves by exactly what happened.
 * Deltas, not absolutes: every app of this process shares prom-client's
 * default registry.
 */
describe('Prometheus metrics (METRICS_PORT)', () => {
  eachPlatform(() => {
    let upstreams: Upstreams;
    let running: RunningApp;
    let metricsUrl: string;
    const user = `user-${randomBytes(6).toString('hex')}`;
    const avatar = (n: number) => `avtr_${n}_${randomBytes(4).toString('hex')}`;

    beforeAll(async () => {
      upstreams = await startUpstreams();
      // One failure opens a circuit (the circuit test); a rejection (4xx) is no failure, so the counts are unaffected.
      running = await bootApp({ ...upstreams.env, METRICS_PORT: '0', HOST: '127.0.0.1' }, { circuitThreshold: 1 });
      metricsUrl = running.app.get(MetricsListener).running!.url;
    });
    afterAll(() => closeAll([running, upstreams]));

    const get = (path: string, auth?: string) => fetch(`${running.url}${path}`, { headers: auth ? { authorization: auth } : {} });
    const signedIn = () => bearer(upstreams.secrets.jwtSecret, user);

    it('counts warm and cold requests, merged callers and an upstream rejection exactly, and times every upstream call', async () => {
      const before = (await scrape(metricsUrl)).samples;
      const upstreamCallsBefore = { miso: upstreams.miso.count, sentifyd: upstreams.sentifyd.count };
      const bodies: string[] = [];
      const expectStatus = async (response: Promise<Response>, status: number) => {
        const reply = await response;
        bodies.push(await reply.text());
        expect(reply.status).toBe(status);
      };

      // Miso: one cold, three warm.
      for (let i = 0; i < 4; i++) await expectStatus(get('/api/client-token'), 200);
      // Sentifyd: one cold and one warm avatar token, then five callers of a cold avatar at once on a slow upstream.
      const first = avatar(1);
      await expectStatus(get(`/request_tokens?avatar_id=${first}`, signedIn()), 200);
      await expectStatus(get(`/request_tokens?avatar_id=${first}`, signedIn()), 200);
      upstreams.sentifyd.delayMs = 300;
      const burst = avatar(2);
      await Promise.all(Array.from({ length: 5 }, () => expectStatus(get(`/request_tokens?avatar_id=${burst}`, signedIn()), 200)));
      upstreams.sentifyd.delayMs = 0;
      // The upstream rejects our key; a caller who is not signed in never reaches it.
      upstreams.sentifyd.mode = 'reject';
      const rejected = avatar(3);
      await expectStatus(get(`/request_tokens?avatar_id=${rejected}`, signedIn()), 502);
      upstreams.sentifyd.mode = 'ok';
      await expectStatus(get(`/request_tokens?avatar_id=${avatar(4)}`), 401);

      const { text, samples: after } = await scrape(metricsUrl);
      const delta = (name: string, labels: Record<string, string>) => valueOf(after, name, labels) - valueOf(before, name, labels);
      const requests = (provider: string, status: string, cache: string) => delta('token_requests_total', { provider, status, cache });
      expect({
        misoCold: requests('miso', '200', 'upstream'),
        misoWarm: requests('miso', '200', 'hit'),
        sentifydCold: requests('sentifyd', '200', 'upstream'),
        sentifydWarm: requests('sentifyd', '200', 'hit'),
        sentifydMerged: requests('sentifyd', '200', 'merged'),
        sentifydRejected: requests('sentifyd', '502', 'none'),
        sentifydUnauthorized: requests('sentifyd', '401', 'none'),
      }).toEqual({ misoCold: 1, misoWarm: 3, sentifydCold: 2, sentifydWarm: 1, sentifydMerged: 4, sentifydRejected: 1, sentifydUnauthorized: 1 });
      expect(sum(after, 'token_requests_total') - sum(before, 'token_requests_total')).toBe(13);

      const upstreamCalls = { miso: upstreams.miso.count - upstreamCallsBefore.miso, sentifyd: upstreams.sentifyd.count - upstreamCallsBefore.sentifyd };
      expect(upstreamCalls).toEqual({ miso: 1, sentifyd: 3 });
      expect(delta('token_upstream_requests_total', { provider: 'miso', outcome: 'ok' })).toBe(1);
      expect(delta('token_upstream_requests_total', { provider: 'sentifyd', outcome: 'ok' })).toBe(2);
      expect(delta('token_upstream_requests_total', { provider: 'sentifyd', outcome: 'rejected' })).toBe(1);
      for (const provider of ['miso', 'sentifyd'] as const) {
        expect(delta('token_upstream_duration_seconds_count', { provider })).toBe(upstreamCalls[provider]);
        expect(delta('token_upstream_duration_seconds_bucket', { provider, le: '+Inf' })).toBe(upstreamCalls[provider]);
      }
      // The burst waited 300 ms on the upstream: its call is in the sum.
      expect(delta('token_upstream_duration_seconds_sum', { provider: 'sentifyd' })).toBeGreaterThanOrEqual(0.3);
      expect(valueOf(after, 'token_circuit_open', { provider: 'miso' })).toBe(0);
      expect(valueOf(after, 'token_circuit_open', { provider: 'sentifyd' })).toBe(0);
      // Node's default metrics come along.
      expect(after.some((s) => s.name === 'process_cpu_user_seconds_total')).toBe(true);

      // No token, handle, secret, user id or audience in any label.
      const issued = bodies.flatMap((body) => {
        const parsed = JSON.parse(body) as { token?: string; tokens?: { accessToken: string; refreshToken: string } };
        return [parsed.token, parsed.tokens?.accessToken, parsed.tokens?.refreshToken].filter((v): v is string => !!v);
      });
      expect(issued.length).toBe(4 + 7 * 2); // Miso tokens; Sentifyd access tokens and refresh handles
      const { misoClientSecret, avatarApiKey, jwtSecret } = upstreams.secrets;
      expectNoSecrets([text], [...issued, misoClientSecret, avatarApiKey, jwtSecret, user, first, burst, rejected, upstreams.sentifyd.errorBody]);
      for (const token of upstreams.sentifyd.issuedRefreshTokens) expect(text).not.toContain(token);
    });

    it('reports the circuit of a provider whose upstream fails as open, and the others as closed', async () => {
      upstreams.sentifyd.mode = 'fail';
      try {
        expect((await get(`/request_tokens?avatar_id=${avatar(10)}`, signedIn())).status).toBe(502);
        const { samples } = await scrape(metricsUrl);
        expect(valueOf(samples, 'token_circuit_open', { provider: 'sentifyd' })).toBe(1);
        expect(valueOf(samples, 'token_circuit_open', { provider: 'miso' })).toBe(0);
      } finally {
        upstreams.sentifyd.mode = 'ok';
      }
    });

    it('counts with the request log turned off too, body errors refused before routing included', async () => {
      const quiet = await bootApp(upstreams.env, { logRequests: false });
      try {
        const before = (await scrape(metricsUrl)).samples;
        expect((await fetch(`${quiet.url}/api/client-token`)).status).toBe(200);
        const badJson = await fetch(`${quiet.url}/api/client-token`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"oops' });
        expect(badJson.status).toBe(400);
        const after = (await scrape(metricsUrl)).samples;
        const delta = (status: string, cache: string) =>
          valueOf(after, 'token_requests_total', { provider: 'miso', status, cache }) - valueOf(before, 'token_requests_total', { provider: 'miso', status, cache });
        expect(delta('200', 'hit') + delta('200', 'upstream')).toBe(1);
        expect(delta('400', 'none')).toBe(1);
        expect(quiet.logger.requestLines()).toEqual([]);
      } finally {
        await quiet.close();
      }
    });

    it('serves /metrics on METRICS_PORT only: 404 on the public port, and nothing else on the metrics port', async () => {
      expect((await get('/metrics')).status).toBe(404);
      expect((await fetch(metricsUrl.replace('/metrics', '/'))).status).toBe(404);
      expect((await fetch(metricsUrl.replace('/metrics', '/health/live'))).status).toBe(404);
    });
  });
});

function sum(samples: readonly Sample[], name: string): number {
  return samples.filter((s) => s.name === name).reduce((total, s) => total + s.value, 0);
}
