import { Logger } from '@nestjs/common';
import { FakeClock } from '../testing/fake-clock';
import type { UpstreamGrant } from '../providers/token-provider';
import { UpstreamError } from '../errors/upstream-error';
import type { CachedGrant } from './cached-grant';
import { GrantCache } from './grant-cache';
import { Sealer } from '../store/sealer';
import { digestedKey } from '../store/sealed-records';
import { RecordingStore } from '../testing/recording-store';
import { resolveSettings } from '../token-settings';

const STORE_KEY = 'k'.repeat(32);
// 100 s grants, no jitter: expiresAt = +90 s, refreshAt = +72 s.
const OPTIONS = resolveSettings({ expiry: { jitterRatio: 0 } });

function setup() {
  const clock = new FakeClock();
  const store = new RecordingStore({ clock });
  const cache = new GrantCache(store, clock, new Sealer(STORE_KEY), OPTIONS);
  return { clock, store, cache };
}

/** A loader that counts its calls and answers `tok-1`, `tok-2`, …; while held, calls wait for `open()`. */
function loader(expiresIn = 100) {
  const calls: Array<CachedGrant | undefined> = [];
  const waiting: Array<() => void> = [];
  let held = true;
  const load = jest.fn(async (previous: CachedGrant | undefined): Promise<UpstreamGrant> => {
    calls.push(previous);
    const n = calls.length;
    if (held) await new Promise<void>((resolve) => waiting.push(resolve));
    return { accessToken: `tok-${n}`, refreshToken: `ref-${n}`, expiresIn };
  });
  return {
    load,
    calls,
    hold: () => void (held = true),
    open: () => {
      held = false;
      waiting.splice(0).forEach((resolve) => resolve());
    },
  };
}

const ticks = async (n = 20) => {
  for (let i = 0; i < n; i++) await new Promise((resolve) => setImmediate(resolve));
};

describe('GrantCache', () => {
  it('makes one upstream call for 200 concurrent callers on a cold key', async () => {
    const { cache } = setup();
    const up = loader();
    const all = Array.from({ length: 200 }, () => cache.get('miso', up.load));
    up.open();
    const results = await Promise.all(all);
    expect(up.load).toHaveBeenCalledTimes(1);
    expect(new Set(results.map((r) => r.grant.accessToken))).toEqual(new Set(['tok-1']));
  });

  it('peek answers a fresh grant synchronously, and leaves a cold key or one past its refresh point to get()', async () => {
    const { cache, clock, store } = setup();
    const up = loader();
    expect(cache.peek('miso')).toBeUndefined();
    up.open();
    await cache.get('miso', up.load);
    const writes = store.written.length;
    const hit = cache.peek('miso');
    expect(hit).toEqual({ grant: expect.objectContaining({ accessToken: 'tok-1' }), source: 'hit' });
    expect(cache.peek('miso')).toBe(hit); // the same frozen object: nothing allocated per hit
    clock.advance(72_000); // at refreshAt (+72 s): get() must start the refresh, so peek stays out
    expect(cache.peek('miso')).toBeUndefined();
    expect(store.written.length).toBe(writes);
    expect(up.load).toHaveBeenCalledTimes(1);
  });

  it('once: one load per caller, never cached or merged, deadlines from before the call', async () => {
    const { cache, clock, store } = setup();
    let n = 0;
    const load = async (): Promise<UpstreamGrant> => {
      clock.advance(2_000); // the upstream takes 2 s
      return { accessToken: `single-${++n}`, expiresIn: 100 };
    };
    const before = clock.now();
    const lookups = await Promise.all(Array.from({ length: 20 }, () => cache.once(load)));
    expect(new Set(lookups.map((l) => l.grant.accessToken)).size).toBe(20);
    expect(lookups[0]).toMatchObject({ source: 'upstream', grant: { expiresAt: before + 90_000 } }); // 100 s minus the 10 % margin, from before
    expect(store.written).toEqual([]);
    expect(cache.peek('single')).toBeUndefined();
  });

  it('never merges different keys', async () => {
    const { cache } = setup();
    const a = loader();
    const b = loader();
    const pending = [cache.get('sentifyd|a:alice', a.load), cache.get('sentifyd|a:bob', b.load)];
    a.open();
    b.open();
    const [ra, rb] = await Promise.all(pending);
    expect(a.load).toHaveBeenCalledTimes(1);
    expect(b.load).toHaveBeenCalledTimes(1);
    expect(ra.grant).not.toBe(rb.grant);
  });

  it('answers a hit without calling the loader', async () => {
    const { cache, clock } = setup();
    const up = loader();
    up.open();
    await cache.get('miso', up.load);
    clock.advance(60_000);
    const again = await cache.get('miso', up.load);
    expect(again.grant.accessToken).toBe('tok-1');
    expect(again.source).toBe('hit');
    expect(up.load).toHaveBeenCalledTimes(1);
  });

  it('inside the refresh-ahead window, callers wait for the newer grant: one load for the whole burst', async () => {
    const { cache, clock } = setup();
    const up = loader();
    up.open();
    await cache.get('miso', up.load);
    up.hold();
    clock.advance(80_000); // past refreshAt (+72 s), before expiresAt (+90 s): 10 s left, under the 18 s window
    const during = Promise.all(Array.from({ length: 5 }, () => cache.get('miso', up.load)));
    await ticks();
    expect(up.load).toHaveBeenCalledTimes(2);
    expect(up.calls[1]?.refreshToken).toBe('ref-1'); // the loader may renew with the old refresh token
    up.open();
    const answers = await during;
    expect(answers.map((r) => r.grant.accessToken)).toEqual(Array(5).fill('tok-2'));
    expect(answers.map((r) => r.source)).toEqual(['upstream', 'merged', 'merged', 'merged', 'merged']);
    expect(answers[0].grant.expiresAt - clock.now()).toBe(90_000);
    expect(up.load).toHaveBeenCalledTimes(2);
  });

  it('a grant another instance left in the store inside its window is not served: the newer one is fetched', async () => {
    const { cache, store, clock } = setup();
    const other = new GrantCache(store, clock, new Sealer(STORE_KEY), OPTIONS);
    const up = loader();
    up.open();
    await other.get('miso', up.load);
    clock.advance(75_000);
    const { grant } = await cache.get('miso', up.load);
    expect(grant.accessToken).toBe('tok-2');
    expect(up.load).toHaveBeenCalledTimes(2);
  });

  it('when the refresh fails, serves the current grant while it lasts and waits a second before trying again: one warning, not one per hit', async () => {
    const warn = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    const { cache, clock } = setup();
    const up = loader();
    up.open();
    await cache.get('miso', up.load);
    const failing = jest.fn(async (): Promise<UpstreamGrant> => {
      throw new UpstreamError('miso', 'unavailable');
    });
    clock.advance(75_000); // past refreshAt (+72 s), before expiresAt (+90 s)
    for (let i = 0; i < 50; i++) {
      expect((await cache.get('miso', failing)).grant.accessToken).toBe('tok-1');
      await ticks(3);
    }
    expect(warn).toHaveBeenCalledTimes(1);
    clock.advance(1_100); // back-off over (and the shared failure memo too)
    await cache.get('miso', up.load);
    await ticks();
    expect(up.load).toHaveBeenCalledTimes(2);
    expect((await cache.get('miso', up.load)).grant.accessToken).toBe('tok-2');
    warn.mockRestore();
  });

  it('loads again once the grant is past expiresAt', async () => {
    const { cache, clock } = setup();
    const up = loader();
    up.open();
    await cache.get('miso', up.load);
    clock.advance(90_001);
    const next = await cache.get('miso', up.load);
    expect(next.grant.accessToken).toBe('tok-2');
    expect(up.load).toHaveBeenCalledTimes(2);
  });

  it('shares a failure with concurrent waiters, then forgets it after about a second', async () => {
    const { cache, clock } = setup();
    const failing = jest.fn(async (): Promise<UpstreamGrant> => {
      throw new UpstreamError('miso', 'rejected', 401);
    });
    const results = await Promise.allSettled(Array.from({ length: 20 }, () => cache.get('miso', failing)));
    expect(failing).toHaveBeenCalledTimes(1);
    for (const r of results) {
      expect(r.status).toBe('rejected');
      expect((r as PromiseRejectedResult).reason).toBeInstanceOf(UpstreamError);
      expect((r as PromiseRejectedResult).reason.failure).toBe('rejected');
    }
    clock.advance(1_100);
    const up = loader();
    up.open();
    await expect(cache.get('miso', up.load)).resolves.toMatchObject({ grant: { accessToken: 'tok-1' } });
    expect(up.load).toHaveBeenCalledTimes(1);
  });

  it('keeps only sealed values in the store', async () => {
    const { cache, store } = setup();
    const up = loader();
    up.open();
    const { grant } = await cache.get('miso', up.load);
    expect(await store.get('grant:miso')).toBeUndefined(); // no name in clear
    expect(await store.get(digestedKey(new Sealer(STORE_KEY), 'grant', 'miso'))).toBeDefined();
    const everything = store.written.join('\n');
    expect(everything).not.toContain(grant.accessToken);
    expect(everything).not.toContain(grant.refreshToken);
  });

  it('serves a grant fetched by another instance that shares the store and key', async () => {
    const { cache, store, clock } = setup();
    const other = new GrantCache(store, clock, new Sealer(STORE_KEY), OPTIONS);
    const up = loader();
    const first = cache.get('miso', up.load);
    const second = other.get('miso', up.load); // waits on the store lock, then reads the store
    up.open();
    const [a, b] = await Promise.all([first, second]);
    expect(up.load).toHaveBeenCalledTimes(1);
    expect(b.grant.accessToken).toBe(a.grant.accessToken);
  });
});
