import { MemoryTokenStore } from './memory.store';
import { isFiniteNumber, isRecord } from '../upstream/json-shape';
import { SealedRecords } from './sealed-records';
import { Sealer } from './sealer';

interface Note {
  n: number;
}
const isNote = (body: unknown): body is Note => isRecord(body) && isFiniteNumber(body.n);

function setup() {
  const store = new MemoryTokenStore();
  const sealer = new Sealer('r'.repeat(32));
  return { store, sealer, records: new SealedRecords(store, sealer) };
}

describe('SealedRecords', () => {
  it('names keys by a keyed digest: no id in clear, the same for the same key, another for another key', () => {
    const { records, sealer } = setup();
    const name = records.name('grant', 'sentifyd|u:alice|a:avtr_1');
    expect(name).toMatch(/^grant:[A-Za-z0-9_-]{43}$/);
    expect(name).not.toContain('alice');
    expect(new SealedRecords(new MemoryTokenStore(), sealer).name('grant', 'sentifyd|u:alice|a:avtr_1')).toBe(name);
    expect(new SealedRecords(new MemoryTokenStore(), new Sealer('x'.repeat(32))).name('grant', 'sentifyd|u:alice|a:avtr_1')).not.toBe(name);
    expect(records.name('lock', 'sentifyd|u:alice|a:avtr_1')).not.toBe(name.replace('grant:', 'lock:'));
  });

  it('reads back what it wrote, with its version', async () => {
    const { records } = setup();
    await records.write('k:1', { n: 7 }, 3, 60_000);
    expect(await records.read('k:1', isNote)).toMatchObject({ body: { n: 7 }, version: 3 });
  });

  it.each([
    ['edited', async (store: MemoryTokenStore) => store.set('k:1', `${(await store.get('k:1'))!.slice(0, -2)}AA`, 60_000)],
    ['moved', async (store: MemoryTokenStore) => store.set('k:1', (await store.get('k:2'))!, 60_000)],
    ['planted as plain JSON', (store: MemoryTokenStore) => store.set('k:1', JSON.stringify({ v: 9, b: { n: 1 } }), 60_000)],
    ['planted as 1', (store: MemoryTokenStore) => store.set('k:1', '1', 60_000)],
  ])('treats a record %s as absent', async (_, tamper) => {
    const { records, store } = setup();
    await records.write('k:1', { n: 1 }, 1, 60_000);
    await records.write('k:2', { n: 2 }, 1, 60_000);
    await tamper(store);
    expect(await records.read('k:1', isNote)).toBeUndefined();
  });

  it('treats a body of the wrong shape as absent, even sealed with the right key', async () => {
    const { records } = setup();
    await records.write('k:1', { n: 'seven' }, 1, 60_000);
    expect(await records.read('k:1', isNote)).toBeUndefined();
  });

  it('refuses an older version written back over a newer one it has seen, and anything of a key it deleted', async () => {
    const { records, store } = setup();
    await records.write('k:1', { n: 1 }, 1, 60_000);
    const older = (await store.get('k:1'))!;
    await records.write('k:1', { n: 2 }, 2, 60_000);
    await store.set('k:1', older, 60_000);
    expect(await records.read('k:1', isNote)).toBeUndefined();
    await records.write('k:1', { n: 3 }, 3, 60_000);
    const last = (await store.get('k:1'))!;
    await records.delete('k:1');
    await store.set('k:1', last, 60_000);
    expect(await records.read('k:1', isNote)).toBeUndefined();
  });
});
