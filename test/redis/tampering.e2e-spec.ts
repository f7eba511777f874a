import { randomBytes } from 'node:crypto';
import { FakeClock } from 'nestjs-token-broker/testing';
import { bearer, bootApp, startUpstreams, type RunningApp, type Upstreams } from '../support/harness';
import { redisCorner } from '../support/redis-server';
import { storeKeys } from '../support/store-keys';

interface SentifydBody {
  tokens: { accessToken: string; refreshToken: string };
}

/**
 * Someone who can write to Redis but does not hold the store key: every
 * record the library reads back is sealed to its key, so each edit, move,
 * plant and replay below is treated as absent (401 for a handle, a fresh
 * upstream call for a grant, no memo for a failure), never trusted, never a 500.
 */
describe('a store writer cannot forge, move, plant or replay records (real Redis)', () => {
  const corner = redisCorner('test:tamper');
  const storeKey = randomBytes(32);
  const keys = storeKeys(storeKey);
  const clock = new FakeClock(Date.now());
  let upstreams: Upstreams;
  let A: RunningApp;
  let B: RunningApp;

  beforeAll(async () => {
    upstreams = await startUpstreams({ sentifyd: { expiresIn: 600 } });
    const env = { ...upstreams.env, SENTIFYD_AVATAR_IDS: 'avtr_ok,avtr_other,avtr_replay,avtr_memo' };
    A = await bootApp(env, { store: corner.store(), storeKey, clock });
    B = await bootApp(env, { store: corner.store(), storeKey, clock });
  });
  afterAll(async () => {
    await A?.close();
    await B?.close();
    await upstreams?.close();
    await corner.clear();
  });

  const auth = (user: string) => ({ authorization: bearer(upstreams.secrets.jwtSecret, user) });
  const sentifyd = async (app: RunningApp, user: string, avatar: string) => {
    const response = await fetch(`${app.url}/request_tokens?avatar_id=${avatar}`, { headers: auth(user) });
    expect(response.status).toBe(200);
    return ((await response.json()) as SentifydBody).tokens;
  };
  const refresh = (user: string, handle: string, app = A) =>
    fetch(`${app.url}/request_tokens`, { method: 'POST', headers: { ...auth(user), 'content-type': 'application/json' }, body: JSON.stringify({ refreshToken: handle }) });
  const get = (key: string) => corner.raw.get(corner.prefix + key);
  const put = (key: string, value: string) => corner.raw.set(corner.prefix + key, value, 'PX', 600_000);
  const flip = (sealed: string) => sealed.slice(0, -3) + (sealed.endsWith('AAA') ? 'BBB' : 'AAA');
  const noLeak = (planted: string) => {
    const lines = [...A.logger.lines, ...B.logger.lines];
    expect(lines.filter((line) => line.includes(planted))).toEqual([]);
  };

  describe('edit', () => {
    it("a chain record with a changed byte: its handle is 401 (and nobody's user id can be rewritten: the plain JSON of another owner is 401 too)", async () => {
      const { refreshToken } = await sentifyd(A, 'alice', 'avtr_ok');
      const key = keys.chainOf(refreshToken);
      const sealed = (await get(key))!;
      await put(key, flip(sealed));
      expect((await refresh('alice', refreshToken)).status).toBe(401);
      await put(key, JSON.stringify({ u: 'mallory', p: 'sentifyd', a: 'avtr_ok', cur: refreshToken, exp: Date.now() + 3_600_000 }));
      expect((await refresh('mallory', refreshToken)).status).toBe(401);
    });

    it('a grant with a changed byte: a fresh upstream call, never the edited grant', async () => {
      await sentifyd(A, 'alice', 'avtr_other');
      const key = keys.name('grant', 'sentifyd|a:avtr_other');
      await put(key, flip((await get(key))!));
      const before = upstreams.sentifyd.count;
      await sentifyd(B, 'bob', 'avtr_other');
      expect(upstreams.sentifyd.count).toBe(before + 1);
    });

    it('a failure memo of planted text: no memo (a fresh call, 200), and the text is in no log line', async () => {
      const planted = `sentifyd <planted-${randomBytes(4).toString('hex')}>`;
      const memo = keys.name('fail', 'miso');
      await put(memo, planted);
      const miso = await fetch(`${B.url}/api/client-token`);
      expect(miso.status).toBe(200);
      // Sealed with the right key, but with words we never write: refused after opening, too.
      const sealedMemo = keys.name('fail', 'sentifyd|a:avtr_memo');
      await put(sealedMemo, keys.seal(sealedMemo, { p: 'sentifyd', f: planted }, clock.now()));
      await sentifyd(B, 'bob', 'avtr_memo');
      noLeak(planted);
    });
  });

  describe('move', () => {
    it("a signed-in avatar's sealed grant copied over the Miso grant key is not handed out by the anonymous Miso route", async () => {
      const { accessToken } = await sentifyd(A, 'alice', 'avtr_ok');
      const sealed = (await get(keys.name('grant', 'sentifyd|a:avtr_ok')))!;
      await put(keys.name('grant', 'miso'), sealed);
      const before = upstreams.miso.count;
      const fresh = await bootApp({ ...upstreams.env }, { store: corner.store(), storeKey, clock });
      try {
        const miso = await fetch(`${fresh.url}/api/client-token`);
        expect(miso.status).toBe(200);
        expect(JSON.stringify(await miso.json())).not.toContain(accessToken);
        expect(upstreams.miso.count).toBe(before + 1); // it fetched its own
      } finally {
        await fresh.close();
      }
    });

    it("bob's chain record moved over alice's chain key: alice's handle is 401 and bob's binding is never used", async () => {
      const alice = (await sentifyd(A, 'alice', 'avtr_ok')).refreshToken;
      const bob = (await sentifyd(A, 'bob', 'avtr_ok')).refreshToken;
      await put(keys.chainOf(alice), (await get(keys.chainOf(bob)))!);
      expect((await refresh('alice', alice)).status).toBe(401);
      expect((await refresh('bob', alice)).status).toBe(401);
    });
  });

  describe('plant', () => {
    it('`SET chain:<id> 1` after a revocation does not revive the chain', async () => {
      const first = (await sentifyd(A, 'carol', 'avtr_ok')).refreshToken;
      const second = (await (await refresh('carol', first)).json()) as SentifydBody;
      clock.advance(11_000);
      expect((await refresh('carol', first)).status).toBe(401); // late reuse: the chain is revoked (its record deleted)
      const key = keys.chainOf(first);
      expect(await get(key)).toBeNull();
      await put(key, '1');
      expect((await refresh('carol', second.tokens.refreshToken, B)).status).toBe(401);
    });

    it('a plain record that moves the grace time forward does not allow a late reuse', async () => {
      const first = (await sentifyd(A, 'dave', 'avtr_ok')).refreshToken;
      const next = ((await (await refresh('dave', first)).json()) as SentifydBody).tokens.refreshToken;
      clock.advance(11_000);
      const key = keys.chainOf(first);
      const opened = keys.open(key, (await get(key))!)!;
      await put(key, JSON.stringify({ ...opened.b, until: clock.now() + 3_600_000 }));
      expect((await refresh('dave', first, B)).status).toBe(401);
      expect((await refresh('dave', next, B)).status).toBe(401);
    });

    it('deleting a chain record makes no second successor: both handles are 401', async () => {
      const first = (await sentifyd(A, 'erin', 'avtr_ok')).refreshToken;
      const next = ((await (await refresh('erin', first)).json()) as SentifydBody).tokens.refreshToken;
      await corner.raw.del(corner.prefix + keys.chainOf(first));
      expect((await refresh('erin', first)).status).toBe(401);
      expect((await refresh('erin', next)).status).toBe(401);
    });

    it('a handle the server did not mint is 401; a plain grant planted under a grant key is never served', async () => {
      expect((await refresh('alice', randomBytes(32).toString('base64url'))).status).toBe(401);
      const key = keys.name('grant', 'sentifyd|a:avtr_replay');
      await put(key, JSON.stringify({ accessToken: 'planted-token', expiresAt: clock.now() + 600_000, refreshAt: clock.now() + 500_000 }));
      const tokens = await sentifyd(B, 'frank', 'avtr_replay');
      expect(tokens.accessToken).not.toBe('planted-token');
    });
  });

  describe('replay', () => {
    it('an older sealed grant written back over a newer one is not served: a fresh upstream call', async () => {
      const key = keys.name('grant', 'sentifyd|a:avtr_replay');
      const older = await sentifyd(A, 'gina', 'avtr_replay');
      const sealedOlder = (await get(key))!;
      clock.advance(500_000); // past its refresh point (4/5 of 600 s), before its expiry
      await sentifyd(A, 'gina', 'avtr_replay'); // a hit that starts the refresh-ahead
      for (let i = 0; i < 100 && (await get(key)) === sealedOlder; i++) await new Promise((resolve) => setTimeout(resolve, 20));
      expect(await get(key)).not.toBe(sealedOlder);
      await put(key, sealedOlder);
      const before = upstreams.sentifyd.count;
      const fresh = await bootApp({ ...upstreams.env, SENTIFYD_AVATAR_IDS: 'avtr_replay' }, { store: corner.store(), storeKey, clock });
      try {
        const tokens = await sentifyd(fresh, 'hank', 'avtr_replay');
        expect(tokens.accessToken).not.toBe(older.accessToken);
        expect(upstreams.sentifyd.count).toBe(before + 1);
      } finally {
        await fresh.close();
      }
    });

    it('an older sealed chain record written back does not make a spent handle current again', async () => {
      const first = (await sentifyd(A, 'ivan', 'avtr_ok')).refreshToken;
      const key = keys.chainOf(first);
      const older = (await get(key))!;
      const next = ((await (await refresh('ivan', first)).json()) as SentifydBody).tokens.refreshToken;
      clock.advance(11_000);
      await put(key, older);
      expect((await refresh('ivan', first)).status).toBe(401);
      expect((await refresh('ivan', next)).status).toBe(401); // the reuse revoked the chain
    });
  });

  it('no answer above was a 500, and no log line holds a stack trace', () => {
    const lines = [...A.logger.lines, ...B.logger.lines];
    expect(lines.filter((line) => /\n\s+at |status code|500/.test(line))).toEqual([]);
  });
});
