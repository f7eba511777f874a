import type { SimulatorMode } from 'nestjs-token-broker/testing';
import { bootApp, expectNoSecrets } from '../support/harness';
import { expectNoStore, expectProblem } from '../support/expect-reply';
import { headerText, METHODS, type Method, type Reply } from '../support/http';
import { startProviderRig, type CatalogueProvider, type ProviderRig } from './provider-rig';

/**
 * What every per-request route promises beyond its own upstream's shape:
 * signed-in only, upstream failures mapped to the contract's statuses with no
 * upstream body, one upstream call and a different token per answer (never
 * shared, even between concurrent callers), a budget of 10 a minute per user,
 * and no key or token in any log line. Call inside `eachPlatform`.
 */
export function describePerRequestRoute(provider: CatalogueProvider): void {
  describe.each(METHODS)(`%s ${provider.route}`, (method: Method) => {
    let rig: ProviderRig;
    const start = async (env: Record<string, string> = {}) => {
      rig = await startProviderRig(provider, env);
      return rig;
    };
    afterEach(() => rig?.close());

    it('refuses a caller who is not signed in with 401, and makes no upstream call', async () => {
      await start();
      const reply = await rig.ask(method);
      expectProblem(reply, 401);
      expect(reply.body.error).toBe('unauthorized');
      expect(rig.upstream.count).toBe(0);
    });

    it('is 404 while its key is not configured', async () => {
      await start();
      await rig.running.close();
      rig.running = await bootApp({ NODE_ENV: 'test', AUTH_JWT_SECRET: rig.jwtSecret });
      expectProblem(await rig.ask(method, 'alice'), 404);
      expect(rig.upstream.count).toBe(0);
    });

    it('answers every request with a fresh upstream call, never the same token twice', async () => {
      await start();
      const first = await rig.ask(method, 'alice');
      const second = await rig.ask(method, 'alice');
      for (const reply of [first, second]) {
        expect(reply.status).toBe(200);
        expectNoStore(reply);
      }
      expect(rig.upstream.count).toBe(2);
      expect(provider.tokenOf(second.body)).not.toBe(provider.tokenOf(first.body));
    });

    it('20 concurrent requests make 20 upstream calls and get 20 different tokens', async () => {
      await start();
      const replies = await Promise.all(Array.from({ length: 20 }, (_, i) => rig.ask(method, `user-${i % 3}`)));
      expect(replies.map((reply) => reply.status)).toEqual(Array(20).fill(200));
      expect(rig.upstream.count).toBe(20);
      expect(new Set(replies.map((reply) => provider.tokenOf(reply.body))).size).toBe(20);
      // Not one of them was merged with another's call.
      expect(new Set(rig.running.logger.requestLines().map((line) => line.cache))).toEqual(new Set(['upstream']));
    });

    it.each([
      ['rejects our key (401)', 'reject', 502, 'upstream_rejected', 1],
      // Billed and not idempotent (a POST): never retried, a retry could be billed twice. A GET is retried once.
      ['fails (500), retried only when idempotent', 'fail', 502, 'upstream_failed', provider.upstreamGet ? 2 : 1],
      ['answers garbage', 'garbage', 502, 'upstream_invalid', 1],
      ['answers an HTML page', 'html', 502, 'upstream_invalid', 1],
    ] as const)('when the upstream %s (%s): %d %s, without the upstream body', async (_name, mode, status, error, calls) => {
      await start();
      rig.upstream.mode = mode;
      const reply = await rig.ask(method, 'alice');
      expectProblem(reply, status);
      expect(reply.body.error).toBe(error);
      expect(rig.upstream.count).toBe(calls);
      expect(reply.text).not.toContain(rig.upstream.errorBody);
    });

    it('when the upstream hangs: 504 within TOKEN_UPSTREAM_TIMEOUT_MS, after one call', async () => {
      await start({ TOKEN_UPSTREAM_TIMEOUT_MS: '300' });
      rig.upstream.mode = 'hang';
      const started = performance.now();
      const reply = await rig.ask(method, 'alice');
      expectProblem(reply, 504);
      expect(reply.body.error).toBe('upstream_timeout');
      expect(performance.now() - started).toBeLessThan(300 + 700);
      expect(rig.upstream.count).toBe(1);
    });

    it('when the upstream cannot be reached: 503', async () => {
      await start();
      await rig.upstream.close();
      const reply = await rig.ask(method, 'alice');
      expectProblem(reply, 503);
      expect(reply.body.error).toBe('upstream_unavailable');
    });

    it('allows 10 a minute per user by default (each call is billed), then 429 with Retry-After', async () => {
      await start({ TOKEN_RATE_LIMIT: '' });
      for (let i = 0; i < 10; i++) expect((await rig.ask(method, 'alice')).status).toBe(200);
      const limited = await rig.ask(method, 'alice');
      expectProblem(limited, 429);
      expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
      expect(rig.upstream.count).toBe(10);
      // Another user has a budget of their own.
      expect((await rig.ask(method, 'bob')).status).toBe(200);
      // A sliding minute: Retry-After says when the burst has faded enough for one more.
      rig.clock.advance(Number(limited.headers['retry-after']) * 1000);
      expect((await rig.ask(method, 'alice')).status).toBe(200);
    });

    it('never puts the key in an answer or a log line, nor a token in a log line', async () => {
      await start();
      const replies: Reply[] = [];
      for (const mode of ['ok', 'reject', 'fail', 'garbage', 'ok'] as const) {
        rig.upstream.mode = mode;
        replies.push(await rig.ask(method, 'alice'), await rig.ask(method));
      }
      const tokens = replies.filter((reply) => reply.status === 200).map((reply) => provider.tokenOf(reply.body));
      expect(tokens).toHaveLength(2);
      const answers = replies.flatMap((reply) => [reply.text, headerText(reply)]);
      const logs = rig.running.logger.lines;
      expect(logs.length).toBeGreaterThan(0);
      // The key did reach the upstream, so a leak would be found.
      expect(JSON.stringify(rig.upstream.calls.map((call) => call.headers))).toContain(rig.apiKey);
      expectNoSecrets([...answers, ...logs], [rig.apiKey, rig.upstream.errorBody]);
      expectNoSecrets(logs, tokens);
    });
  });
}

/**
 * What every application-wide route promises (Miso, Azure Speech, OAuth2):
 * one grant shared by every caller (one upstream call for 20 concurrent
 * callers), signed-in only unless public, upstream failures mapped to the
 * contract's statuses with no upstream body, 404 while not configured, and no
 * secret or token in any log line. Call inside `eachPlatform`.
 */
export function describeSharedRoute(provider: CatalogueProvider): void {
  const user = provider.signedIn === false ? undefined : 'alice';
  describe.each(METHODS)(`%s ${provider.route}`, (method: Method) => {
    let rig: ProviderRig;
    const replies: Reply[] = [];
    /** Calls as `user`, or anonymously. */
    const ask = async (as: 'user' | 'anonymous' = 'user') => {
      const reply = await rig.ask(method, as === 'user' ? user : undefined);
      replies.push(reply);
      return reply;
    };
    afterEach(async () => {
      await rig?.close();
      const answers = replies.splice(0).flatMap((reply) => [reply.text, headerText(reply)]);
      expectNoSecrets([...answers, ...rig.running.logger.lines], [rig.apiKey, rig.upstream.errorBody]);
    });

    if (user !== undefined) {
      it('refuses a caller who is not signed in with 401, and makes no upstream call', async () => {
        rig = await startProviderRig(provider);
        expectProblem(await ask('anonymous'), 401);
        expect(rig.upstream.count).toBe(0);
      });
    }

    it('shares one grant across the application: 20 concurrent callers, one upstream call, one token', async () => {
      rig = await startProviderRig(provider);
      rig.upstream.delayMs = 100;
      const answers = await Promise.all(Array.from({ length: 20 }, (_, n) => rig.ask(method, user && `user-${n % 5}`)));
      expect(answers.map((reply) => reply.status)).toEqual(Array(20).fill(200));
      for (const reply of answers) expectNoStore(reply);
      expect(new Set(answers.map((reply) => provider.tokenOf(reply.body))).size).toBe(1);
      expect(provider.tokenOf((await ask()).body)).toBe(provider.tokenOf(answers[0].body));
      expect(rig.upstream.count).toBe(1);
      expectNoSecrets(rig.running.logger.lines, [provider.tokenOf(answers[0].body)]);
    });

    it.each<readonly [SimulatorMode, number, string]>([
      ['reject', 502, 'upstream_rejected'],
      ['fail', 502, 'upstream_failed'],
      ['garbage', 502, 'upstream_invalid'],
      ['html', 502, 'upstream_invalid'],
      ['hang', 504, 'upstream_timeout'],
      ...(provider.extraFaults ?? []),
    ])('when the upstream answers %s: %i %s, its body passed on nowhere', async (mode, status, error) => {
      rig = await startProviderRig(provider, { TOKEN_UPSTREAM_TIMEOUT_MS: '300' });
      rig.upstream.mode = mode;
      const reply = await ask();
      expectProblem(reply, status);
      expect(reply.body.error).toBe(error);
    });

    it('is 404 while it is not configured', async () => {
      rig = await startProviderRig(provider);
      await rig.running.close();
      rig.running = await bootApp({ NODE_ENV: 'test', AUTH_JWT_SECRET: rig.jwtSecret });
      expectProblem(await ask(), 404);
      expect(rig.upstream.count).toBe(0);
    });
  });
}
