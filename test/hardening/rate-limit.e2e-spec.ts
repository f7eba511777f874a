import { eachPlatform } from '../support/platforms';
import { expectProblem } from '../support/expect-reply';
import { MISO, SENTIFYD, startRig, type Rig } from '../support/rig';
import { type Reply } from '../support/http';

/** Rate limits per caller and route, counted in the module's store under the fake clock. */
eachPlatform(() => {
  describe('rate limits', () => {
    let rig: Rig | undefined;
    const boot = async (env: Record<string, string>) => (rig = await startRig(env));
    afterEach(async () => {
      await rig?.close();
      rig = undefined;
    });

    const expectLimited = (reply: Reply): void => {
      expectProblem(reply, 429);
      expect(reply.body.error).toBe('rate_limited');
      expect(reply.headers['retry-after']).toMatch(/^\d+$/);
      const seconds = Number(reply.headers['retry-after']);
      expect(seconds).toBeGreaterThan(0);
      // A sliding minute: a burst fades over the next one, so at most two minutes.
      expect(seconds).toBeLessThanOrEqual(120);
    };
    const avatar = (r: Rig, user: string, n: number, method = 'GET') =>
      r.client.send(`${SENTIFYD}?avatar_id=avtr_${user}_${n}`, { method, headers: r.auth(user) });

    it('the 4th request in a minute is 429 with Retry-After, and never reaches the upstream', async () => {
      const r = await boot({ TOKEN_RATE_LIMIT: '3' });
      for (let n = 1; n <= 3; n++) expect((await avatar(r, 'alice', n)).status).toBe(200);
      expect(r.upstreams.sentifyd.count).toBe(3);
      expectLimited(await avatar(r, 'alice', 4));
      expect(r.upstreams.sentifyd.count).toBe(3);
      const line = r.running.logger.requestLines().at(-1);
      expect(line).toMatchObject({ status: 429, outcome: 'rate_limited' });
    });

    it('anonymous callers are counted per IP, signed-in ones per user, each route on its own', async () => {
      const r = await boot({ TOKEN_RATE_LIMIT: '3' });
      for (let n = 1; n <= 3; n++) expect((await avatar(r, 'alice', n)).status).toBe(200);
      expectLimited(await avatar(r, 'alice', 4));
      for (let n = 1; n <= 3; n++) expect((await avatar(r, 'bob', n)).status).toBe(200);
      expectLimited(await avatar(r, 'bob', 4));
      for (let n = 1; n <= 3; n++) expect((await r.client.get(MISO)).status).toBe(200);
      expectLimited(await r.client.get(MISO));
    });

    it('anonymous callers of the signed-in route are counted too: 401s until the budget is spent, then 429', async () => {
      const r = await boot({ TOKEN_RATE_LIMIT: '3' });
      for (let n = 1; n <= 3; n++) expect((await r.client.get(SENTIFYD)).status).toBe(401);
      expectLimited(await r.client.get(SENTIFYD));
      expect(r.upstreams.sentifyd.count).toBe(0);
    });

    // A health check matched on User-Agent became an authentication bypass elsewhere (GHSA-5hvv-m4w4-gf6v).
    it.each(['ELB-HealthChecker/2.0', 'kube-probe/1.29', 'GoogleHC/1.0'])('a %s User-Agent gets no exemption from sign-in or limits', async (agent) => {
      const r = await boot({ TOKEN_RATE_LIMIT: '2' });
      const asProbe = { headers: { 'user-agent': agent } };
      expectProblem(await r.client.send(SENTIFYD, asProbe), 401);
      expectProblem(await r.client.send(SENTIFYD, asProbe), 401);
      expectLimited(await r.client.send(SENTIFYD, asProbe));
      expect(r.upstreams.sentifyd.count).toBe(0);
    });

    it('GET and POST share one budget', async () => {
      const r = await boot({ TOKEN_RATE_LIMIT: '3' });
      expect((await r.client.get(MISO)).status).toBe(200);
      expect((await r.client.post(MISO)).status).toBe(200);
      expect((await r.client.get(MISO)).status).toBe(200);
      expectLimited(await r.client.post(MISO));
    });

    // A quarter of the limit, at least 1; the refused refresh still counts against the route's budget.
    it.each([
      ['8', 2, true],
      ['4', 1, true],
      ['3', 1, false],
    ])('TOKEN_RATE_LIMIT=%s allows %d refreshes a minute', async (limit, refreshes, budgetLeft) => {
      const r = await boot({ TOKEN_RATE_LIMIT: limit });
      let handle = (await avatar(r, 'alice', 0)).body.tokens.refreshToken as string;
      for (let n = 0; n < refreshes; n++) {
        const reply = await r.client.post(SENTIFYD, { refreshToken: handle }, r.auth('alice'));
        expect(reply.status).toBe(200);
        handle = reply.body.tokens.refreshToken;
      }
      expectLimited(await r.client.get(`${SENTIFYD}?refreshToken=${handle}`, r.auth('alice')));
      if (budgetLeft) expect((await avatar(r, 'alice', 0)).status).toBe(200);
    });

    it('defaults to 60 a minute', async () => {
      const r = await boot({ TOKEN_RATE_LIMIT: '' });
      const replies = await Promise.all(Array.from({ length: 60 }, () => r.client.get(MISO)));
      expect(replies.map((reply) => reply.status)).toEqual(Array(60).fill(200));
      expectLimited(await r.client.get(MISO));
    });

    it('TOKEN_RATE_LIMIT=0 turns limiting off', async () => {
      const r = await boot({ TOKEN_RATE_LIMIT: '0' });
      for (let batch = 0; batch < 5; batch++) {
        const replies = await Promise.all(Array.from({ length: 10 }, () => r.client.get(MISO)));
        expect(replies.map((reply) => reply.status)).toEqual(Array(10).fill(200));
      }
    });

    it.each([
      ['true', 200],
      ['unset', 429],
    ])('TRUST_PROXY=%s: another X-Forwarded-For gets %d', async (trust, status) => {
      const r = await boot({ TOKEN_RATE_LIMIT: '3', ...(trust === 'true' && { TRUST_PROXY: trust }) });
      for (let n = 0; n < 3; n++) expect((await r.client.get(MISO, { 'x-forwarded-for': '203.0.113.7' })).status).toBe(200);
      expectLimited(await r.client.get(MISO, { 'x-forwarded-for': '203.0.113.7' }));
      const other = await r.client.get(MISO, { 'x-forwarded-for': '198.51.100.9' });
      expect(other.status).toBe(status);
    });

    it('the window slides on the module clock: a client that obeys Retry-After gets through', async () => {
      const r = await boot({ TOKEN_RATE_LIMIT: '3' });
      for (let n = 0; n < 3; n++) expect((await r.client.get(MISO)).status).toBe(200);
      expectLimited(await r.client.get(MISO));
      r.clock.advance(30_000);
      const later = await r.client.get(MISO);
      expectLimited(later);
      // Obeying Retry-After gets through (a refused early retry would count, as every hit does).
      r.clock.advance(Number(later.headers['retry-after']) * 1000);
      expect((await r.client.get(MISO)).status).toBe(200);
    });

    // Finding 6: a fixed window let 19 calls through in 1.4 s across its edge (limit 10).
    it('lets no second burst through across the edge of a minute', async () => {
      const r = await boot({ TOKEN_RATE_LIMIT: '10' });
      r.clock.advance(59_300);
      const before = await Promise.all(Array.from({ length: 10 }, () => r.client.get(MISO)));
      r.clock.advance(1_400);
      const after = await Promise.all(Array.from({ length: 10 }, () => r.client.get(MISO)));
      expect(before.map((reply) => reply.status)).toEqual(Array(10).fill(200));
      expect(after.filter((reply) => reply.status === 200).length).toBeLessThanOrEqual(1);
    });

    // Finding 7: with TRUST_PROXY=true a 15 kB junk header became a rate-limit key, a fresh one per request.
    it('TRUST_PROXY=true: X-Forwarded-For entries that are no IP address count as the socket address', async () => {
      const r = await boot({ TOKEN_RATE_LIMIT: '3', TRUST_PROXY: 'true' });
      const junk = (n: number) => ({ 'x-forwarded-for': `${'j'.repeat(15_000)}${n}` });
      for (let n = 0; n < 3; n++) expect((await r.client.get(MISO, junk(n))).status).toBe(200);
      expectLimited(await r.client.get(MISO, junk(3)));
      expectLimited(await r.client.get(MISO, { 'x-forwarded-for': 'not-an-ip, also-not' }));
      // A real address in the header is still used, as TRUST_PROXY asks.
      expect((await r.client.get(MISO, { 'x-forwarded-for': '198.51.100.9' })).status).toBe(200);
    });
  });
});
