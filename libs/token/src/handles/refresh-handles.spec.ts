import { Logger } from '@nestjs/common';
import { FakeClock } from '../testing/fake-clock';
import { Sealer } from '../store/sealer';
import { TokenProblem } from '../errors/token-problem';
import { RefreshHandles, type HandleBinding } from './refresh-handles';
import { RecordingStore } from '../testing/recording-store';
import { resolveSettings } from '../token-settings';

const GRACE_MS = 10_000;
const TTL_MS = 60 * 60_000;
const ALICE: HandleBinding = { userId: 'alice', provider: 'sentifyd', audience: 'avatar-1' };

function setup(maxRefreshChains = 10) {
  const clock = new FakeClock();
  const store = new RecordingStore({ clock });
  const sealer = new Sealer('s'.repeat(32));
  const settings = resolveSettings({ clock, refreshGraceMs: GRACE_MS, refreshHandleTtlMs: TTL_MS, maxRefreshChains });
  const handles = new RefreshHandles(store, clock, sealer, settings);
  return { clock, store, sealer, handles };
}

/** Redeems and spends `handle` at once, as a refresh that got its grant does. */
async function rotate(handles: RefreshHandles, handle: string, userId: string, provider: string) {
  const redemption = await handles.redeem(handle, userId, provider);
  return { binding: redemption.binding, next: await redemption.spend() };
}

/** The HTTP status `promise` rejects with (a TokenProblem), or 'resolved'. */
async function statusOf(promise: Promise<unknown>): Promise<number | 'resolved'> {
  try {
    await promise;
    return 'resolved';
  } catch (error) {
    expect(error).toBeInstanceOf(TokenProblem);
    return (error as TokenProblem).getStatus();
  }
}

/** The chain record keys in `store`. */
function chainKeys(store: RecordingStore): string[] {
  return [...new Set(store.written.filter((v, i) => i % 2 === 0 && v.startsWith('chain:')))].filter((k) => (store as unknown as { live(k: string): unknown }).live(k) !== undefined);
}

describe('RefreshHandles', () => {
  it('mints a 43-character base64url handle, new each time', async () => {
    const { handles } = setup();
    const a = await handles.mint(ALICE);
    expect(a).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(await handles.mint(ALICE)).not.toBe(a);
  });

  it('redeeming without spending (the upstream failed) leaves the handle usable past the grace period', async () => {
    const { handles, clock } = setup();
    const first = await handles.mint(ALICE);
    await handles.redeem(first, 'alice', 'sentifyd');
    clock.advance(60_000);
    expect((await rotate(handles, first, 'alice', 'sentifyd')).binding).toEqual(ALICE);
  });

  it('never writes a handle to the store, not even sealed: only keyed digests', async () => {
    const { handles, store, sealer } = setup();
    const first = await handles.mint(ALICE);
    const { next } = await rotate(handles, first, 'alice', 'sentifyd');
    // Opened with the store key, as someone holding it would: still no handle inside.
    const opened = store.written.map((value, i) => (i % 2 === 1 ? (sealer.open(value, store.written[i - 1]) ?? value) : value));
    expect(opened.filter((text) => text.includes('"cur"'))).not.toHaveLength(0);
    const everything = opened.join('\n');
    expect(everything).not.toContain(first);
    expect(everything).not.toContain(next);
  });

  it('rotates for its owner: the binding and a new handle', async () => {
    const { handles } = setup();
    const first = await handles.mint(ALICE);
    const { binding, next } = await rotate(handles, first, 'alice', 'sentifyd');
    expect(binding).toEqual(ALICE);
    expect(next).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(next).not.toBe(first);
    expect((await rotate(handles, next, 'alice', 'sentifyd')).binding).toEqual(ALICE);
  });

  it('within the grace period the old handle answers the same successor again, never a second one', async () => {
    const { handles, clock } = setup();
    const first = await handles.mint(ALICE);
    const tab1 = await rotate(handles, first, 'alice', 'sentifyd');
    clock.advance(GRACE_MS - 1_000);
    const tab2 = await rotate(handles, first, 'alice', 'sentifyd');
    expect(tab2).toEqual(tab1);
    expect((await rotate(handles, tab2.next, 'alice', 'sentifyd')).binding).toEqual(ALICE);
  });

  it('ten concurrent spends of one handle agree on exactly one successor', async () => {
    const { handles } = setup();
    const first = await handles.mint(ALICE);
    const results = await Promise.all(Array.from({ length: 10 }, () => rotate(handles, first, 'alice', 'sentifyd')));
    expect(new Set(results.map((r) => r.next)).size).toBe(1);
  });

  it('a reuse after the grace period is refused and revokes the whole chain, and nothing else', async () => {
    const warn = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    const { handles, clock } = setup();
    const first = await handles.mint(ALICE);
    const other = await handles.mint(ALICE);
    const second = (await rotate(handles, first, 'alice', 'sentifyd')).next;
    const third = (await rotate(handles, second, 'alice', 'sentifyd')).next;
    clock.advance(GRACE_MS);
    expect(await statusOf(rotate(handles, first, 'alice', 'sentifyd'))).toBe(401);
    expect(await statusOf(rotate(handles, third, 'alice', 'sentifyd'))).toBe(401);
    expect(await statusOf(rotate(handles, second, 'alice', 'sentifyd'))).toBe(401);
    expect((await rotate(handles, other, 'alice', 'sentifyd')).binding).toEqual(ALICE); // another chain
    expect(JSON.stringify(warn.mock.calls)).not.toContain(first);
    warn.mockRestore();
  });

  it('keeps the successor sealed to its key, never in clear', async () => {
    const { handles, store } = setup();
    const first = await handles.mint(ALICE);
    const { next } = await rotate(handles, first, 'alice', 'sentifyd');
    expect(store.written.join('\n')).not.toContain(next);
  });

  it('keeps at most maxRefreshChains live chains per user and provider: the next issue retires the oldest', async () => {
    const { handles } = setup(3);
    const minted = [];
    for (let i = 0; i < 3; i++) minted.push(await handles.mint(ALICE));
    const bobs = await handles.mint({ ...ALICE, userId: 'bob' });
    const misos = await handles.mint({ ...ALICE, provider: 'miso' });
    const fourth = await handles.mint(ALICE);
    expect(await statusOf(rotate(handles, minted[0], 'alice', 'sentifyd'))).toBe(401);
    for (const handle of [minted[1], minted[2], fourth]) expect((await rotate(handles, handle, 'alice', 'sentifyd')).binding).toEqual(ALICE);
    expect((await rotate(handles, bobs, 'bob', 'sentifyd')).binding.userId).toBe('bob');
    expect((await rotate(handles, misos, 'alice', 'miso')).binding.provider).toBe('miso');
  });

  it('refuses a handle it did not mint without touching the store (a plain SHA-256 planted record is never even looked up)', async () => {
    const { handles, store } = setup();
    const chosen = 'C'.repeat(43);
    const reads = jest.spyOn(store, 'get');
    expect(await statusOf(rotate(handles, chosen, 'alice', 'sentifyd'))).toBe(401);
    expect(reads).not.toHaveBeenCalled();
  });

  it("refuses a chain record moved over another chain's key, and one edited", async () => {
    const { handles, store } = setup();
    const a = await handles.mint(ALICE);
    const b = await handles.mint({ ...ALICE, userId: 'bob' });
    const [keyA, keyB] = [...chainKeys(store)];
    await store.set(keyA, (await store.get(keyB))!, TTL_MS); // bob's record over alice's chain
    expect(await statusOf(rotate(handles, a, 'alice', 'sentifyd'))).toBe(401);
    const raw = (await store.get(keyB))!;
    await store.set(keyB, raw.slice(0, -2) + (raw.endsWith('A') ? 'BB' : 'AA'), TTL_MS);
    expect(await statusOf(rotate(handles, b, 'bob', 'sentifyd'))).toBe(401);
  });

  it('keeps one key per chain plus one list per user: spent, retired and revoked handles leave nothing behind', async () => {
    const { handles, store, clock } = setup(3);
    let handle = await handles.mint(ALICE);
    for (let i = 0; i < 50; i++) handle = (await rotate(handles, handle, 'alice', 'sentifyd')).next;
    for (let i = 0; i < 20; i++) await handles.mint(ALICE);
    expect(chainKeys(store).length).toBe(3);
    expect(store.size).toBe(4); // three chains and the list
    clock.advance(GRACE_MS);
    const victim = await handles.mint(ALICE);
    const spent = victim;
    await rotate(handles, victim, 'alice', 'sentifyd');
    clock.advance(GRACE_MS);
    expect(await statusOf(rotate(handles, spent, 'alice', 'sentifyd'))).toBe(401); // reuse: the chain goes
    expect(chainKeys(store).length).toBe(2);
  });

  it('a handle two rotations old (nothing in the store names it any more) still names its chain: presenting it revokes the chain', async () => {
    const { handles, clock } = setup();
    const first = await handles.mint(ALICE);
    const second = (await rotate(handles, first, 'alice', 'sentifyd')).next;
    const third = (await rotate(handles, second, 'alice', 'sentifyd')).next;
    clock.advance(GRACE_MS);
    // `first` is two rotations old: neither current nor predecessor, yet it names its chain.
    expect(await statusOf(rotate(handles, first, 'alice', 'sentifyd'))).toBe(401);
    expect(await statusOf(rotate(handles, third, 'alice', 'sentifyd'))).toBe(401);
  });

  it("rejects another user's handle and revokes it for its owner too", async () => {
    const { handles } = setup();
    const warn = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    const first = await handles.mint(ALICE);
    expect(await statusOf(rotate(handles, first, 'mallory', 'sentifyd'))).toBe(401);
    expect(await statusOf(rotate(handles, first, 'alice', 'sentifyd'))).toBe(401);
    expect(warn).toHaveBeenCalledTimes(1); // the revocation is logged, without the handle
    expect(JSON.stringify(warn.mock.calls)).not.toContain(first);
    warn.mockRestore();
  });

  it('rejects an unknown handle', async () => {
    const { handles } = setup();
    expect(await statusOf(rotate(handles, 'A'.repeat(43), 'alice', 'sentifyd'))).toBe(401);
  });

  it('rejects an unused handle once refreshHandleTtlMs has passed', async () => {
    const { handles, clock } = setup();
    const first = await handles.mint(ALICE);
    clock.advance(TTL_MS - 1);
    const second = await handles.mint(ALICE);
    expect((await rotate(handles, second, 'alice', 'sentifyd')).binding).toEqual(ALICE);
    clock.advance(1);
    expect(await statusOf(rotate(handles, first, 'alice', 'sentifyd'))).toBe(401);
  });

  it('rejects a handle presented to another provider', async () => {
    const { handles } = setup();
    const first = await handles.mint(ALICE);
    expect(await statusOf(rotate(handles, first, 'alice', 'miso'))).toBe(401);
  });

  it('answers with a problem that does not quote the handle', async () => {
    const { handles } = setup();
    const handle = 'Z'.repeat(43);
    const error = await rotate(handles, handle, 'alice', 'sentifyd').catch((e: TokenProblem) => e);
    expect(JSON.stringify((error as TokenProblem).toBody())).not.toContain(handle);
  });
});
