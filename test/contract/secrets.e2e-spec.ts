import type { SimulatorMode } from 'nestjs-token-broker/testing';
import { bearer, bootApp, expectNoSecrets, startUpstreams, type RunningApp, type Upstreams, closeAll } from '../support/harness';
import { FakeClock } from 'nestjs-token-broker/testing';
import { eachPlatform } from '../support/platforms';
import { headerText, send, type Method, type Reply } from '../support/http';

const MISO = '/api/client-token';
const SENTIFYD = '/request_tokens';
const HOUR_MS = 3_600_000;

/**
 * One long mixed session (successes, refreshes, refusals, and upstreams that
 * reject, fail or answer garbage), then a scan of every response and log line.
 */
eachPlatform(() => {
  describe('secrets never leak', () => {
    let upstreams: Upstreams;
    let running: RunningApp;
    const clock = new FakeClock();
    const replies: Reply[] = [];
    const statuses: Array<[string, number]> = [];
    const upstreamRefreshTokens = new Set<string>();
    const handles = new Set<string>();
    const bearers: string[] = [];

    beforeAll(async () => {
      upstreams = await startUpstreams();
      running = await bootApp({ ...upstreams.env, SENTIFYD_REFRESH_PATH: '/api/refresh' }, { clock });
      const alice = bearer(upstreams.secrets.jwtSecret, 'alice');
      const bob = bearer(upstreams.secrets.jwtSecret, 'bob');
      bearers.push(alice, bob);

      async function step(label: string, route: string, method: Method, options: Parameters<typeof send>[3] = {}): Promise<Reply> {
        const reply = await send(running.url, route, method, options);
        replies.push(reply);
        statuses.push([label, reply.status]);
        for (const token of upstreams.sentifyd.issuedRefreshTokens) upstreamRefreshTokens.add(token);
        const handle = reply.body?.tokens?.refreshToken;
        if (typeof handle === 'string') handles.add(handle);
        return reply;
      }
      const asAlice = { authorization: alice };
      const both = async (label: string, route: string, options: Parameters<typeof send>[3] = {}) => {
        await step(`GET ${label}`, route, 'GET', options);
        return step(`POST ${label}`, route, 'POST', options);
      };
      const failing = async (mode: SimulatorMode) => {
        // A fresh handle each round: a refresh spends its handle even when the upstream then fails.
        upstreams.miso.mode = 'ok';
        upstreams.sentifyd.mode = 'ok';
        clock.advance(2 * HOUR_MS);
        const handle = (await step(`sentifyd before ${mode}`, SENTIFYD, 'GET', { headers: asAlice })).body.tokens.refreshToken;
        upstreams.miso.mode = mode;
        upstreams.sentifyd.mode = mode;
        clock.advance(2 * HOUR_MS); // past every grant and any remembered failure
        await both(`miso ${mode}`, MISO);
        await both(`sentifyd ${mode}`, SENTIFYD, { headers: asAlice });
        await step(`sentifyd refresh ${mode}`, SENTIFYD, 'POST', { headers: asAlice, params: { refreshToken: handle } });
      };

      await both('miso ok', MISO);
      let reply = await both('sentifyd ok', SENTIFYD, { headers: asAlice });
      reply = await step('refresh ok', SENTIFYD, 'GET', { headers: asAlice, params: { refreshToken: reply.body.tokens.refreshToken } });
      await step('refresh by bob', SENTIFYD, 'POST', { headers: { authorization: bob }, params: { refreshToken: reply.body.tokens.refreshToken } });
      reply = await step('sentifyd ok again', SENTIFYD, 'GET', { headers: asAlice });
      clock.advance(2 * HOUR_MS);
      reply = await step('refresh via upstream', SENTIFYD, 'POST', { headers: asAlice, params: { refreshToken: reply.body.tokens.refreshToken } });
      await step('no bearer', SENTIFYD, 'GET');
      await step('bad avatar', SENTIFYD, 'GET', { headers: asAlice, params: { avatar_id: '../x' } });
      await step('bad json', SENTIFYD, 'POST', { headers: asAlice, rawBody: '{' });
      for (const mode of ['reject', 'fail', 'garbage', 'html', 'denied'] as const) await failing(mode);
      for (const call of upstreams.sentifyd.calls) {
        const token = JSON.parse(call.body || '{}').refresh_token;
        if (typeof token === 'string') upstreamRefreshTokens.add(token);
      }
    });

    afterAll(() => closeAll([running, upstreams]));

    it('ran the series it meant to: successes, refusals, upstream refreshes and 502s', () => {
      const byLabel = Object.fromEntries(statuses);
      expect(byLabel).toMatchObject({
        'GET miso ok': 200,
        'POST sentifyd ok': 200,
        'refresh ok': 200,
        'refresh by bob': 401,
        'refresh via upstream': 200,
        'no bearer': 401,
        'bad avatar': 400,
        'bad json': 400,
      });
      for (const [label, status] of statuses) if (label.startsWith('sentifyd before')) expect(status).toBe(200);
      for (const mode of ['reject', 'fail', 'garbage', 'html', 'denied']) {
        expect([byLabel[`GET miso ${mode}`], byLabel[`POST sentifyd ${mode}`], byLabel[`sentifyd refresh ${mode}`]]).toEqual([502, 502, 502]);
      }
      expect(upstreams.sentifyd.calls.some((call) => call.path === '/api/refresh')).toBe(true);
      expect(upstreamRefreshTokens.size).toBeGreaterThanOrEqual(2);
      expect(handles.size).toBeGreaterThanOrEqual(4);
    });

    it('logs one true line per token request, 502s included', () => {
      // (CaptureLogger.requestLines() chokes on the context Nest appends after the JSON.)
      const lines = running.logger.lines
        .filter((line) => line.includes('"event":"token_request"'))
        .map((line) => JSON.parse(line.slice(line.indexOf('{'), line.lastIndexOf('}') + 1)) as Record<string, unknown>);
      expect(lines.length).toBeGreaterThanOrEqual(statuses.length - 1); // the bad-JSON body never reaches a route
      const upstreamFailures = lines.filter((line) => line.status === 502);
      expect(upstreamFailures.length).toBe(statuses.filter(([, status]) => status === 502).length);
      expect(upstreamFailures.length).toBe(25);
      for (const line of upstreamFailures) expect(line.outcome).not.toBe('issued');
    });

    /** What must never leave the server: its secrets, the upstreams' refresh tokens and error bodies. */
    const serverSide = (): string[] => [
      upstreams.secrets.misoClientSecret,
      upstreams.secrets.avatarApiKey,
      upstreams.secrets.jwtSecret,
      upstreams.miso.errorBody,
      upstreams.sentifyd.errorBody,
      ...upstreamRefreshTokens,
    ];

    it('keeps secrets, upstream refresh tokens, upstream error bodies, bearers and handles out of every log line', () => {
      expect(running.logger.lines.some((line) => line.includes('upstream_rejected'))).toBe(true);
      expectNoSecrets(running.logger.lines, [
        ...serverSide(),
        ...bearers.map((value) => value.slice('Bearer '.length)),
        ...handles,
      ]);
    });

    it('keeps secrets, upstream refresh tokens and upstream error bodies out of every response body and header', () => {
      const texts = replies.flatMap((reply) => [reply.text, headerText(reply)]);
      expect(texts.length).toBeGreaterThan(40);
      // The scan sees what the browser saw: the handles it was given are there.
      expect(() => expectNoSecrets(texts, [...handles].slice(0, 1))).toThrow();
      expectNoSecrets(texts, serverSide());
    });
  });
});
