import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomBytes } from 'node:crypto';
import { register } from 'prom-client';
import { FakeClock, startOpenAISimulator, type UpstreamSimulator } from 'nestjs-token-broker/testing';
import { bearer, bootApp, type RunningApp } from '../support/harness';
import { redisCorner } from '../support/redis-server';
import { expectProblem } from '../support/expect-reply';
import { send } from '../support/http';

const ROUTE = '/api/openai/realtime-token';
const HOUR = 60 * 60_000;

/** Finding 6: no cap per billed provider (50 accounts x 10 a minute = 500 OpenAI calls); an upstream 429 never opened the circuit. */
describe('cost ceilings of billed providers (finding 6)', () => {
  const jwtSecret = randomBytes(32).toString('hex');
  const apiKey = `key-${randomBytes(8).toString('hex')}`;
  const auth = (user: string) => ({ authorization: bearer(jwtSecret, user) });
  const env = (url: string, extra: Record<string, string> = {}) => ({
    NODE_ENV: 'test',
    AUTH_JWT_SECRET: jwtSecret,
    TOKEN_RATE_LIMIT: '0',
    OPENAI_API_KEY: apiKey,
    OPENAI_BASE_URL: url,
    ...extra,
  });
  let apps: RunningApp[] = [];
  let upstream: UpstreamSimulator | undefined;
  afterEach(async () => {
    await Promise.all(apps.map((app) => app.close()));
    apps = [];
    await upstream?.close();
    upstream = undefined;
  });

  describe('TOKEN_BUDGET_PER_HOUR, shared by two instances through one Redis', () => {
    const corner = redisCorner('test:budget');
    afterAll(() => corner.clear());

    it('past the budget: 429 budget_exhausted with Retry-After to the hour, a warning once, a metric; back next hour', async () => {
      // 15 minutes into an hour, on the instances' shared (fake) clock.
      const clock = new FakeClock(Math.floor(Date.now() / HOUR) * HOUR + 15 * 60_000);
      upstream = await startOpenAISimulator({ apiKey, clock });
      const storeKey = randomBytes(32);
      for (let i = 0; i < 2; i++) apps.push(await bootApp(env(upstream.url, { TOKEN_BUDGET_PER_HOUR: '3' }), { store: corner.store(), storeKey, clock }));
      const [a, b] = apps;
      const before = (await register.getSingleMetric('token_budget_exhausted_total')?.get())?.values.find((v) => v.labels.provider === 'openai')?.value ?? 0;
      // Three users, alternating instances: the budget is the provider's, not a user's or an instance's.
      const statuses = [];
      for (const [app, user] of [[a, 'u1'], [b, 'u2'], [a, 'u3']] as const) statuses.push((await send(app.url, ROUTE, 'POST', { headers: auth(user) })).status);
      expect(statuses).toEqual([200, 200, 200]);
      for (const app of [b, a, b]) {
        const refused = await send(app.url, ROUTE, 'GET', { headers: auth('u4') });
        expectProblem(refused, 429);
        expect(refused.body.error).toBe('budget_exhausted');
        expect(refused.headers['retry-after']).toBe(String(45 * 60));
      }
      expect(upstream.count).toBe(3);
      const warnings = apps.map((app) => app.logger).map((logger) => logger.lines.filter((line) => /hourly budget/.test(line)));
      // Once per instance for three refusals (Nest's static logger writes both instances' lines to the last app's logger).
      expect(warnings.flat()).toHaveLength(2);
      expect(warnings.flat().join('\n')).not.toContain(apiKey);
      const after = (await register.getSingleMetric('token_budget_exhausted_total')!.get()).values.find((v) => v.labels.provider === 'openai')!.value;
      expect(after - before).toBe(3);
      clock.advance(45 * 60_000);
      expect((await send(b.url, ROUTE, 'GET', { headers: auth('u4') })).status).toBe(200);
      expect(upstream.count).toBe(4);
    });
  });

  describe('an upstream 429', () => {
    let throttling: Server | undefined;
    afterEach(() => new Promise<void>((done) => (throttling ? throttling.close(() => done()) : done())));

    it('opens the circuit for its Retry-After: 503 at once, no retry, no call until it has passed', async () => {
      let hits = 0;
      throttling = createServer((request, response) => {
        hits++;
        request.resume();
        response.writeHead(429, { 'retry-after': '30', 'content-type': 'application/json' }).end('{"error":"rate_limit_exceeded"}');
      });
      await new Promise<void>((done) => throttling!.listen(0, '127.0.0.1', done));
      const clock = new FakeClock();
      apps.push(await bootApp(env(`http://127.0.0.1:${(throttling.address() as AddressInfo).port}`), { clock }));
      const [app] = apps;
      const first = await send(app.url, ROUTE, 'POST', { headers: auth('alice') });
      expectProblem(first, 503);
      expect(hits).toBe(1);
      clock.advance(29_000);
      const paused = await send(app.url, ROUTE, 'POST', { headers: auth('bob') });
      expectProblem(paused, 503);
      expect(paused.body.error).toBe('upstream_circuit_open');
      expect(hits).toBe(1);
      clock.advance(1_000);
      expectProblem(await send(app.url, ROUTE, 'POST', { headers: auth('bob') }), 503);
      expect(hits).toBe(2);
    });
  });

  it('a billed POST that fails with a 5xx is not retried (a retry could be billed twice)', async () => {
    const clock = new FakeClock();
    upstream = await startOpenAISimulator({ apiKey, clock });
    apps.push(await bootApp(env(upstream.url), { clock }));
    upstream.mode = 'fail';
    expectProblem(await send(apps[0].url, ROUTE, 'POST', { headers: auth('alice') }), 502);
    expect(upstream.count).toBe(1);
  });
});
