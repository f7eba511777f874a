import { eachPlatform } from '../support/platforms';
import { expectProblem } from '../support/expect-reply';
import { MISO, SENTIFYD, useRig } from '../support/rig';

/**
 * A circuit per grant scope (provider and audience; Miso's per provider): 5 failed requests in a row open it (each 2 upstream
 * calls: one retry); while open, requests answer 503 fast without a call;
 * after 10 s one probe goes through and the route recovers. The clock moves
 * 1.1 s between requests, so the cache's failure memo never answers for the upstream.
 */
eachPlatform(() => {
  describe('circuit breaker', () => {
    const STEP_MS = 1_100;

    const rig = useRig('each');

    const fail = async (times: number, send: () => Promise<unknown>) => {
      for (let n = 0; n < times; n++) {
        rig.clock.advance(STEP_MS);
        await send();
      }
    };

    it('opens after 5 failed requests, answers 503 fast without calling, recovers after 10 s', async () => {
      const miso = rig.upstreams.miso;
      miso.mode = 'fail';
      for (let n = 1; n <= 5; n++) {
        rig.clock.advance(STEP_MS);
        expectProblem(await rig.client.get(MISO), 502);
        expect(miso.count).toBe(2 * n);
      }
      for (let n = 0; n < 3; n++) {
        rig.clock.advance(STEP_MS);
        const reply = await rig.client.get(MISO);
        expectProblem(reply, 503);
        expect(reply.body.error).toBe('upstream_circuit_open');
        expect(reply.ms).toBeLessThan(250);
      }
      expect(miso.count).toBe(10);

      miso.mode = 'ok';
      rig.clock.advance(5_500); // 8.8 s since it opened: still open, healthy or not
      expectProblem(await rig.client.get(MISO), 503);
      expect(miso.count).toBe(10);
      rig.clock.advance(1_500); // 10.3 s: one probe

      expect((await rig.client.get(MISO)).status).toBe(200);
      expect(miso.count).toBe(11);
      rig.clock.advance(STEP_MS);
      expect((await rig.client.get(MISO)).status).toBe(200);
      expect(miso.count).toBe(11);
    });

    it('stays closed below the threshold, and a success resets the count', async () => {
      const sentifyd = rig.upstreams.sentifyd;
      sentifyd.mode = 'fail';
      const get = (avatar: string) => rig.client.get(`${SENTIFYD}?avatar_id=${avatar}`, rig.auth('alice'));
      await fail(4, () => get('avtr_a'));
      sentifyd.mode = 'ok';
      rig.clock.advance(STEP_MS);
      expect((await get('avtr_a')).status).toBe(200);
      rig.clock.advance(2 * 60 * 60_000); // the grant expires: the next requests call the upstream again
      sentifyd.mode = 'fail';
      await fail(4, () => get('avtr_a'));
      const before = sentifyd.count;
      rig.clock.advance(STEP_MS);
      expectProblem(await get('avtr_a'), 502);
      expect(sentifyd.count).toBe(before + 2);
    });

    it("opens per avatar: a user asking for five broken avatars opens only theirs; another avatar still gets 200", async () => {
      const sentifyd = rig.upstreams.sentifyd;
      const broken = ['avtr_b1', 'avtr_b2', 'avtr_b3', 'avtr_b4', 'avtr_b5'];
      for (const id of broken) sentifyd.brokenAvatarIds.add(id);
      const get = (avatar: string, user: string) => rig.client.get(`${SENTIFYD}?avatar_id=${avatar}`, rig.auth(user));
      for (let round = 0; round < 5; round++) {
        for (const id of broken) {
          rig.clock.advance(STEP_MS);
          expectProblem(await get(id, 'mallory'), 502);
        }
      }
      rig.clock.advance(STEP_MS);
      const calls = sentifyd.count;
      for (const id of broken) {
        const reply = await get(id, 'mallory');
        expectProblem(reply, 503);
        expect(reply.body.error).toBe('upstream_circuit_open');
      }
      expect(sentifyd.count).toBe(calls);
      expect((await get('avtr_healthy', 'alice')).status).toBe(200);
      expect((await rig.client.get(SENTIFYD, rig.auth('alice'))).status).toBe(200);
      expect((await get('avtr_other', 'mallory')).status).toBe(200);
    });

    it('a failed probe re-opens the circuit at once; circuits are per provider', async () => {
      const miso = rig.upstreams.miso;
      miso.mode = 'reset';
      await fail(5, () => rig.client.get(MISO));
      rig.clock.advance(10_000);
      expectProblem(await rig.client.get(MISO), 503);
      const afterProbe = miso.count;
      expect(afterProbe).toBe(12);
      rig.clock.advance(STEP_MS);
      const reply = await rig.client.get(MISO);
      expectProblem(reply, 503);
      expect(reply.body.error).toBe('upstream_circuit_open');
      expect(miso.count).toBe(afterProbe);
      expect((await rig.client.get(SENTIFYD, rig.auth('alice'))).status).toBe(200);
    });

    it('upstream 4xx answers do not open the circuit', async () => {
      const miso = rig.upstreams.miso;
      miso.mode = 'reject';
      await fail(6, () => rig.client.get(MISO));
      expect(miso.count).toBe(6);
      miso.mode = 'ok';
      rig.clock.advance(STEP_MS);
      expect((await rig.client.get(MISO)).status).toBe(200);
    });
  });
});
