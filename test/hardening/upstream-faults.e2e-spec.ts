import type { SimulatorMode } from 'nestjs-token-broker/testing';
import { eachPlatform } from '../support/platforms';
import { expectProblem } from '../support/expect-reply';
import { MISO, SENTIFYD, startRig, type Rig } from '../support/rig';

/** The deadline of the hang case: short, so the spec is quick. */
const TIMEOUT_MS = 300;
/** The deadline of the other cases: long enough that a busy machine always leaves time for the one retry. */
const ROOMY_TIMEOUT_MS = 3_000;

/**
 * Each way an upstream can fail, on each provider: the contract's status, the
 * retry policy (one retry on 5xx and network errors while the deadline has time left, none otherwise), nothing
 * of the upstream's body passed on, and no failure cached beyond a moment.
 */
const FAULTS: Array<[SimulatorMode, number, number]> = [
  ['reject', 502, 1],
  ['fail', 502, 2],
  ['garbage', 502, 1],
  ['html', 502, 1],
  ['denied', 502, 1],
  ['reset', 503, 2],
  // The deadline covers the retry too: a hung first attempt leaves no time for one.
  ['hang', 504, 1],
];
const PROVIDERS = ['miso', 'sentifyd'] as const;
const CASES = PROVIDERS.flatMap((provider) => FAULTS.map(([mode, status, calls]) => ({ provider, mode, status, calls })));

eachPlatform(() => {
  describe('upstream faults', () => {
    let rig: Rig;

    beforeEach(async () => {
      rig = await startRig({ TOKEN_UPSTREAM_TIMEOUT_MS: String(ROOMY_TIMEOUT_MS) });
    });
    afterEach(() => rig.close());

    const request = (provider: (typeof PROVIDERS)[number]) =>
      provider === 'miso' ? rig.client.get(MISO) : rig.client.get(`${SENTIFYD}?avatar_id=avtr_1`, rig.auth('alice'));

    it.each(CASES)('$provider upstream in mode $mode → $status after $calls call(s), then recovers', async ({ provider, mode, status, calls }) => {
      if (mode === 'hang') {
        await rig.close();
        rig = await startRig({ TOKEN_UPSTREAM_TIMEOUT_MS: String(TIMEOUT_MS) });
      }
      const upstream = rig.upstreams[provider];
      upstream.mode = mode;
      const reply = await request(provider);
      expectProblem(reply, status);
      expect(upstream.count).toBe(calls);
      expect(reply.body.error).toMatch(/^upstream_/);
      expect(JSON.stringify(reply.headers) + reply.text).not.toContain(upstream.errorBody);
      expect(rig.running.logger.lines.join('\n')).not.toContain(upstream.errorBody);
      if (mode === 'hang') expect(reply.ms).toBeLessThan(TIMEOUT_MS + 250);

      upstream.mode = 'ok';
      rig.clock.advance(2_000);
      const after = await request(provider);
      expect(after.status).toBe(200);
      expect(upstream.count).toBe(calls + 1);
    });

    // Without a refresh path a refresh is a login: a second login after a 401 would be a retry of a 4xx.
    it.each([
      ['no refresh path', {}, ['/api/login']],
      ['SENTIFYD_REFRESH_PATH', { SENTIFYD_REFRESH_PATH: '/api/refresh' }, ['/api/refresh', '/api/login']],
    ])('a 4xx is never retried on a refresh (%s)', async (_name, env, paths) => {
      await rig.close();
      rig = await startRig({ TOKEN_UPSTREAM_TIMEOUT_MS: String(ROOMY_TIMEOUT_MS), ...env });
      const handle = (await request('sentifyd')).body.tokens.refreshToken as string;
      rig.clock.advance(2 * 60 * 60_000); // the grant expires: the refresh must call the upstream
      const before = rig.upstreams.sentifyd.count;
      rig.upstreams.sentifyd.mode = 'reject';
      const reply = await rig.client.post(SENTIFYD, { refreshToken: handle }, rig.auth('alice'));
      expectProblem(reply, 502);
      expect(rig.upstreams.sentifyd.calls.slice(before).map((call) => call.path)).toEqual(paths);
      // The failed refresh spent nothing: once the upstream is back, the same handle works.
      rig.upstreams.sentifyd.mode = 'ok';
      rig.clock.advance(2_000);
      expect((await rig.client.post(SENTIFYD, { refreshToken: handle }, rig.auth('alice'))).status).toBe(200);
    });

    it('a failure is shared for a moment only: waiters get it without calling again', async () => {
      rig.upstreams.miso.mode = 'fail';
      expectProblem(await request('miso'), 502);
      expectProblem(await request('miso'), 502);
      expect(rig.upstreams.miso.count).toBe(2);
      rig.upstreams.miso.mode = 'ok';
      rig.clock.advance(1_001);
      expect((await request('miso')).status).toBe(200);
    });
  });
});
