import { eachPlatform } from '../support/platforms';
import { SENTIFYD, useRig } from '../support/rig';
import { expectProblem } from '../support/expect-reply';

const GRACE_MS = 10_000;

/**
 * Refresh handles rotate as a chain (RFC 9700 §4.14): concurrent tabs spending
 * one handle within the grace get one successor between them; a reuse after the
 * grace is refused and revokes every successor; a user keeps at most 10 chains.
 */
eachPlatform(() => {
  describe('refresh handle chains', () => {
    const rig = useRig('each');

    const issue = async (user = 'alice') => {
      const reply = await rig.client.get(`${SENTIFYD}?avatar_id=avtr_chain`, rig.auth(user));
      expect(reply.status).toBe(200);
      return reply.body.tokens.refreshToken as string;
    };
    const refresh = (handle: string, user = 'alice') => rig.client.post(SENTIFYD, { refreshToken: handle }, rig.auth(user));

    it('10 concurrent refreshes with one handle: all 200, exactly one distinct successor', async () => {
      const first = await issue();
      const replies = await Promise.all(Array.from({ length: 10 }, () => refresh(first)));
      expect(replies.map((r) => r.status)).toEqual(Array(10).fill(200));
      const successors = new Set(replies.map((r) => r.body.tokens.refreshToken));
      expect(successors.size).toBe(1);
      expect(successors.has(first)).toBe(false);
    });

    it('a reuse after the grace is 401 and revokes the chain: the successor is then 401 too', async () => {
      const first = await issue();
      const second = (await refresh(first)).body.tokens.refreshToken as string;
      rig.clock.advance(GRACE_MS - 1);
      expect((await refresh(first)).body.tokens.refreshToken).toBe(second); // a second tab, within the grace
      rig.clock.advance(1);
      const late = await refresh(first);
      expectProblem(late, 401);
      expect(late.body.error).toBe('invalid_refresh_token');
      expectProblem(await refresh(second), 401);
      expect(rig.running.logger.lines.join('\n')).not.toContain(first);
    });

    it('the 11th issue retires the oldest chain; the others and other users keep working', async () => {
      const bobs = await issue('bob');
      const handles: string[] = [];
      for (let i = 0; i < 11; i++) handles.push(await issue());
      expectProblem(await refresh(handles[0]), 401);
      expect((await refresh(handles[1])).status).toBe(200);
      expect((await refresh(handles[10])).status).toBe(200);
      expect((await refresh(bobs, 'bob')).status).toBe(200);
    });
  });
});
