import { FakeClock } from '../testing/fake-clock';
import { MemoryTokenStore } from './memory.store';

function setup(maxEntries?: number) {
  const clock = new FakeClock();
  return { clock, store: new MemoryTokenStore({ clock, maxEntries }) };
}

describe('MemoryTokenStore', () => {
  it('keeps a value for its TTL on the given clock, then forgets it', async () => {
    const { store, clock } = setup();
    await store.set('k', 'v', 1_000);
    clock.advance(999);
    expect(await store.get('k')).toBe('v');
    clock.advance(1);
    expect(await store.get('k')).toBeUndefined();
  });

  it('overwrites on set, with the new TTL', async () => {
    const { store, clock } = setup();
    await store.set('k', 'old', 1_000);
    await store.set('k', 'new', 5_000);
    clock.advance(2_000);
    expect(await store.get('k')).toBe('new');
  });

  it('add writes only when the key is absent or expired', async () => {
    const { store, clock } = setup();
    expect(await store.add('lock', 'a', 1_000)).toBe(true);
    expect(await store.add('lock', 'b', 1_000)).toBe(false);
    expect(await store.get('lock')).toBe('a');
    clock.advance(1_000);
    expect(await store.add('lock', 'b', 1_000)).toBe(true);
    expect(await store.get('lock')).toBe('b');
  });

  it('deleteIf removes only while the value matches', async () => {
    const { store, clock } = setup();
    await store.set('lock', 'mine', 1_000);
    expect(await store.deleteIf('lock', 'theirs')).toBe(false);
    expect(await store.get('lock')).toBe('mine');
    expect(await store.deleteIf('lock', 'mine')).toBe(true);
    expect(await store.get('lock')).toBeUndefined();
    await store.set('lock', 'mine', 1_000);
    clock.advance(1_000);
    expect(await store.deleteIf('lock', 'mine')).toBe(false);
  });

  it('extendIf extends the TTL from now only while the value matches', async () => {
    const { store, clock } = setup();
    await store.set('lock', 'mine', 1_000);
    clock.advance(900);
    expect(await store.extendIf('lock', 'theirs', 1_000)).toBe(false);
    expect(await store.extendIf('lock', 'mine', 1_000)).toBe(true);
    clock.advance(900); // 1 800 ms after the write, 900 ms after the extension
    expect(await store.get('lock')).toBe('mine');
    clock.advance(100);
    expect(await store.get('lock')).toBeUndefined();
    expect(await store.extendIf('lock', 'mine', 1_000)).toBe(false);
    expect(await store.get('lock')).toBeUndefined();
  });

  it('increment counts hits in a fixed window that starts with the first hit', async () => {
    const { store, clock } = setup();
    expect(await store.increment('rate', 60_000)).toEqual({ hits: 1, ttlMs: 60_000 });
    clock.advance(20_000);
    expect(await store.increment('rate', 60_000)).toEqual({ hits: 2, ttlMs: 40_000 });
    clock.advance(39_999);
    expect(await store.increment('rate', 60_000)).toEqual({ hits: 3, ttlMs: 1 });
    clock.advance(1);
    expect(await store.increment('rate', 60_000)).toEqual({ hits: 1, ttlMs: 60_000 });
  });

  it('keeps counters of different keys apart', async () => {
    const { store } = setup();
    await store.increment('rate:a', 60_000);
    await store.increment('rate:a', 60_000);
    expect((await store.increment('rate:b', 60_000)).hits).toBe(1);
  });

  it('enlist moves a member to the newest end, keeps the newest max, answers what it dropped, and expires', async () => {
    const { store, clock } = setup();
    for (const m of ['a', 'b', 'c']) expect(await store.enlist('l', m, 3, 1_000)).toEqual([]);
    expect(await store.enlist('l', 'a', 3, 1_000)).toEqual([]);
    expect(await store.enlist('l', 'd', 3, 1_000)).toEqual(['b']);
    expect(await store.enlist('l', 'e', 2, 1_000)).toEqual(['c', 'a']);
    clock.advance(1_000);
    expect(await store.enlist('l', 'f', 2, 1_000)).toEqual([]);
  });

  it('evicts the oldest-written entry once maxEntries is reached', async () => {
    const { store } = setup(3);
    await store.set('a', '1', 60_000);
    await store.set('b', '2', 60_000);
    await store.set('c', '3', 60_000);
    await store.set('d', '4', 60_000);
    expect(await store.get('a')).toBeUndefined();
    expect([await store.get('b'), await store.get('c'), await store.get('d')]).toEqual(['2', '3', '4']);
    await store.set('b', '2b', 60_000); // rewriting makes b the newest
    await store.set('e', '5', 60_000);
    expect(await store.get('c')).toBeUndefined();
    expect(await store.get('b')).toBe('2b');
    expect(store.size).toBe(3);
  });

  it('delete and close forget entries', async () => {
    const { store } = setup();
    await store.set('a', '1', 60_000);
    await store.set('b', '2', 60_000);
    await store.delete('a');
    expect(await store.get('a')).toBeUndefined();
    await store.close();
    expect(await store.get('b')).toBeUndefined();
  });
  it('swaps a value only while the key holds the expected one', async () => {
    const store = new MemoryTokenStore();
    await store.set('k', 'a', 1_000);
    expect(await store.swap('k', 'x', 'b', 1_000)).toBe(false);
    expect(await store.swap('k', 'a', 'b', 1_000)).toBe(true);
    expect(await store.get('k')).toBe('b');
    expect(await store.swap('absent', 'a', 'b', 1_000)).toBe(false);
    expect(await store.get('absent')).toBeUndefined();
  });
});
