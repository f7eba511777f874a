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

function setup() {
  const clock = new FakeClock();
  const store = new RecordingStore({ clock });
  const handles = new RefreshHandles(store, clock, new Sealer('s'.repeat(32)), resolveSettings({ clock, refreshGraceMs: GRACE_MS, refreshHandleTtlMs: TTL_MS }));
  return { clock, store, handles };
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

  it('lets the old handle work again within the grace period, then rejects it', async () => {
    const { handles, clock } = setup();
    const first = await handles.mint(ALICE);
    await handles.rotate(first, 'alice', 'sentifyd');
    clock.advance(GRACE_MS - 1_000);
    const tab2 = await handles.rotate(first, 'alice', 'sentifyd');
    expect(tab2.binding).toEqual(ALICE);
    clock.advance(1_001);
    expect(await statusOf(handles.rotate(first, 'alice', 'sentifyd'))).toBe(401);
    // The successors issued during the grace period stay good.
    expect((await handles.rotate(tab2.next, 'alice', 'sentifyd')).binding).toEqual(ALICE);
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
