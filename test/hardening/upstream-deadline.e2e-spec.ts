import type { SimulatorMode } from 'nestjs-token-broker/testing';
import { eachPlatform } from '../support/platforms';
import { expectProblem } from '../support/expect-reply';
import { MISO, startRig, type Rig } from '../support/rig';

const DEADLINE_MS = 300;
/** Room for the app's own work and the event loop of a busy 2-core machine; far less than a second attempt. */
const SLACK_MS = 300;

/**
 * TOKEN_UPSTREAM_TIMEOUT_MS is one deadline for the whole exchange: the first
 * attempt, the back-off and any retry. A retry is made only when time is
 * left, and gets only what is left. Wall-clock is measured: these are real
 * sockets timing out.
 */
eachPlatform((platform) => {
  describe('the upstream deadline bounds the whole exchange', () => {
    let rig: Rig;

    beforeEach(async () => {
      rig = await startRig({ TOKEN_UPSTREAM_TIMEOUT_MS: String(DEADLINE_MS) });
    });
    afterEach(() => rig.close());

    it('a hung upstream: 504 within the deadline, after one call (no time is left for a retry)', async () => {
      rig.upstreams.miso.mode = 'hang';
      const reply = await rig.client.get(MISO);
      console.log(`[figures] ${platform}: hung upstream, deadline ${DEADLINE_MS} ms: ${reply.status} after ${Math.round(reply.ms)} ms, ${rig.upstreams.miso.count} call(s)`);
      expectProblem(reply, 504);
      expect(reply.ms).toBeLessThan(DEADLINE_MS + SLACK_MS);
      expect(rig.upstreams.miso.count).toBe(1);
    });

    it('a slow failure that leaves no time: no retry, the answer still within the deadline', async () => {
      rig.upstreams.miso.mode = 'fail';
      rig.upstreams.miso.delayMs = 220;
      const reply = await rig.client.get(MISO);
      expectProblem(reply, 502);
      expect(rig.upstreams.miso.count).toBe(1);
      expect(reply.ms).toBeLessThan(DEADLINE_MS + SLACK_MS);
    });

    it('a failure after 300 ms, then a hung retry: the retry gets only the time left', async () => {
      const deadline = 1_200; // room for a retry after a 300 ms failure and the back-off (at most 200 ms), even on a busy machine
      await rig.close();
      rig = await startRig({ TOKEN_UPSTREAM_TIMEOUT_MS: String(deadline) });
      const miso = rig.upstreams.miso;
      miso.delayMs = 300;
      Object.defineProperty(miso, 'mode', { get: (): SimulatorMode => (miso.count <= 1 ? 'fail' : 'hang'), configurable: true });
      const reply = await rig.client.get(MISO);
      console.log(`[figures] ${platform}: 500 after 300 ms then a hung retry, deadline ${deadline} ms: ${reply.status} after ${Math.round(reply.ms)} ms`);
      expectProblem(reply, 504);
      expect(miso.count).toBe(2);
      // A retry with a full timeout of its own would end at 300 + 50..200 + 1200 ms at the earliest.
      expect(reply.ms).toBeLessThan(deadline + SLACK_MS);
    });
  });
});
