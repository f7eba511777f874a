import { eachPlatform } from '../support/platforms';
import { expectProblem } from '../support/expect-reply';
import { SENTIFYD, startRig, type Rig } from '../support/rig';

/** Finding 8: with SENTIFYD_AVATAR_IDS set, a request without avatar_id logged in with none, letting the upstream pick. */
eachPlatform(() => {
  describe('the avatar allow-list with no avatar_id (finding 8)', () => {
    let rig: Rig | undefined;
    afterEach(async () => {
      await rig?.close();
      rig = undefined;
    });
    const loginBodies = (r: Rig) => r.upstreams.sentifyd.calls.map((call) => JSON.parse(call.body) as Record<string, unknown>);

    it('means the one allowed id when the list has one', async () => {
      rig = await startRig({ SENTIFYD_AVATAR_IDS: 'avtr_only' });
      for (const method of ['GET', 'POST']) {
        const reply = await rig.client.send(SENTIFYD, { method, headers: rig.auth('alice') });
        expect(reply.status).toBe(200);
      }
      expect(loginBodies(rig).map((body) => body.avatar_id)).toEqual(['avtr_only']);
    });

    it('is 400 when the list has several, and never reaches the upstream', async () => {
      rig = await startRig({ SENTIFYD_AVATAR_IDS: 'avtr_1,avtr_2' });
      for (const method of ['GET', 'POST']) expectProblem(await rig.client.send(SENTIFYD, { method, headers: rig.auth('alice') }), 400);
      expectProblem(await rig.client.get(`${SENTIFYD}?avatar_id=avtr_3`, rig.auth('alice')), 400);
      expect(rig.upstreams.sentifyd.count).toBe(0);
      expect((await rig.client.get(`${SENTIFYD}?avatar_id=avtr_2`, rig.auth('alice'))).status).toBe(200);
      expect(loginBodies(rig).map((body) => body.avatar_id)).toEqual(['avtr_2']);
    });

    it('without a list, no avatar_id still logs in without one (the upstream default)', async () => {
      rig = await startRig();
      expect((await rig.client.get(SENTIFYD, rig.auth('alice'))).status).toBe(200);
      expect(loginBodies(rig)[0]).not.toHaveProperty('avatar_id');
    });
  });
});
