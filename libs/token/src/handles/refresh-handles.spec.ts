import { Logger } from '@nestjs/common';
import { createHash } from 'node:crypto';
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
    expect((await handles.rotate(first, 'alice', 'sentifyd')).binding).toEqual(ALICE);
  });

  it('never writes the handle itself to the store', async () => {
    const { handles, store } = setup();
    const first = await handles.mint(ALICE);
    const { next } = await handles.rotate(first, 'alice', 'sentifyd');
    const everything = store.written.join('\n');
    expect(everything).not.toContain(first);
    expect(everything).not.toContain(next);
  });

  it('rotates for its owner: the binding and a new handle', async () => {
    const { handles } = setup();
    const first = await handles.mint(ALICE);
    const { binding, next } = await handles.rotate(first, 'alice', 'sentifyd');
    expect(binding).toEqual(ALICE);
    expect(next).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(next).not.toBe(first);
    expect((await handles.rotate(next, 'alice', 'sentifyd')).binding).toEqual(ALICE);
  });

  it('within the grace period the old handle answers the same successor again, never a second one', async () => {
    const { handles, clock } = setup();
    const first = await handles.mint(ALICE);
    const tab1 = await handles.rotate(first, 'alice', 'sentifyd');
    clock.advance(GRACE_MS - 1_000);
    const tab2 = await handles.rotate(first, 'alice', 'sentifyd');
    expect(tab2).toEqual(tab1);
    expect((await handles.rotate(tab2.next, 'alice', 'sentifyd')).binding).toEqual(ALICE);
  });

  it('ten concurrent spends of one handle agree on exactly one successor', async () => {
    const { handles } = setup();
    const first = await handles.mint(ALICE);
    const results = await Promise.all(Array.from({ length: 10 }, () => handles.rotate(first, 'alice', 'sentifyd')));
    expect(new Set(results.map((r) => r.next)).size).toBe(1);
  });

  it('a reuse after the grace period is refused and revokes the whole chain, and nothing else', async () => {
    const warn = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    const { handles, clock } = setup();
    const first = await handles.mint(ALICE);
    const other = await handles.mint(ALICE);
    const second = (await handles.rotate(first, 'alice', 'sentifyd')).next;
    const third = (await handles.rotate(second, 'alice', 'sentifyd')).next;
    clock.advance(GRACE_MS);
    expect(await statusOf(handles.rotate(first, 'alice', 'sentifyd'))).toBe(401);
    expect(await statusOf(handles.rotate(third, 'alice', 'sentifyd'))).toBe(401);
    expect(await statusOf(handles.rotate(second, 'alice', 'sentifyd'))).toBe(401);
    expect((await handles.rotate(other, 'alice', 'sentifyd')).binding).toEqual(ALICE); // another chain
    expect(JSON.stringify(warn.mock.calls)).not.toContain(first);
    warn.mockRestore();
  });

  it('keeps the successor sealed to its key, never in clear', async () => {
    const { handles, store } = setup();
    const first = await handles.mint(ALICE);
    const { next } = await handles.rotate(first, 'alice', 'sentifyd');
    expect(store.written.join('\n')).not.toContain(next);
  });

  it('keeps at most maxRefreshChains live chains per user and provider: the next issue retires the oldest', async () => {
    const { handles } = setup(3);
    const minted = [];
    for (let i = 0; i < 3; i++) minted.push(await handles.mint(ALICE));
    const bobs = await handles.mint({ ...ALICE, userId: 'bob' });
    const misos = await handles.mint({ ...ALICE, provider: 'miso' });
    const fourth = await handles.mint(ALICE);
    expect(await statusOf(handles.rotate(minted[0], 'alice', 'sentifyd'))).toBe(401);
    for (const handle of [minted[1], minted[2], fourth]) expect((await handles.rotate(handle, 'alice', 'sentifyd')).binding).toEqual(ALICE);
    expect((await handles.rotate(bobs, 'bob', 'sentifyd')).binding.userId).toBe('bob');
    expect((await handles.rotate(misos, 'alice', 'miso')).binding.provider).toBe('miso');
  });

  it('refuses a record planted under the plain SHA-256 of a chosen value', async () => {
    const { handles, store, sealer } = setup();
    const chosen = 'C'.repeat(43);
    // A copy of a real record (live chain, right user): only the key it sits under is the writer's choice.
    const planted = (await store.get(`handle:${sealer.digest(await handles.mint(ALICE))}`))!;
    await store.set(`handle:${createHash('sha256').update(chosen).digest('base64url')}`, planted, TTL_MS);
    expect(await statusOf(handles.rotate(chosen, 'alice', 'sentifyd'))).toBe(401);
  });

  it('refuses a successor moved from another handle (sealed to its own key)', async () => {
    const warn = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    const { handles, store, sealer } = setup();
    const a = await handles.mint(ALICE);
    const b = await handles.mint(ALICE);
    await handles.rotate(a, 'alice', 'sentifyd');
    const keyA = `handle:${sealer.digest(a)}:next`;
    await store.set(`handle:${sealer.digest(b)}:next`, (await store.get(keyA))!, TTL_MS);
    expect(await statusOf(handles.rotate(b, 'alice', 'sentifyd'))).toBe(401);
    expect(warn).toHaveBeenCalledTimes(1);
    warn.mockRestore();
  });

  it("rejects another user's handle and revokes it for its owner too", async () => {
    const { handles } = setup();
    const warn = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    const first = await handles.mint(ALICE);
    expect(await statusOf(handles.rotate(first, 'mallory', 'sentifyd'))).toBe(401);
    expect(await statusOf(handles.rotate(first, 'alice', 'sentifyd'))).toBe(401);
    expect(warn).toHaveBeenCalledTimes(1); // the revocation is logged, without the handle
    expect(JSON.stringify(warn.mock.calls)).not.toContain(first);
    warn.mockRestore();
  });

  it('rejects an unknown handle', async () => {
    const { handles } = setup();
    expect(await statusOf(handles.rotate('A'.repeat(43), 'alice', 'sentifyd'))).toBe(401);
  });

  it('rejects an unused handle once refreshHandleTtlMs has passed', async () => {
    const { handles, clock } = setup();
    const first = await handles.mint(ALICE);
    clock.advance(TTL_MS - 1);
    const second = await handles.mint(ALICE);
    expect((await handles.rotate(second, 'alice', 'sentifyd')).binding).toEqual(ALICE);
    clock.advance(1);
    expect(await statusOf(handles.rotate(first, 'alice', 'sentifyd'))).toBe(401);
  });

  it('rejects a handle presented to another provider', async () => {
    const { handles } = setup();
    const first = await handles.mint(ALICE);
    expect(await statusOf(handles.rotate(first, 'alice', 'miso'))).toBe(401);
  });

  it('answers with a problem that does not quote the handle', async () => {
    const { handles } = setup();
    const handle = 'Z'.repeat(43);
    const error = await handles.rotate(handle, 'alice', 'sentifyd').catch((e: TokenProblem) => e);
    expect(JSON.stringify((error as TokenProblem).toBody())).not.toContain(handle);
  });
});
