import { HandleCodec } from '../../libs/token/src/handles/handle-codec';
import { SealedRecords } from '../../libs/token/src/store/sealed-records';
import { Sealer } from '../../libs/token/src/store/sealer';
import type { TokenStore } from '../../libs/token/src/store/token-store';

/** The store's key names as the library makes them for `storeKey` (a test that edits the store must know where to look). */
export interface StoreKeys {
  /** e.g. `name('grant', 'sentifyd|a:avtr_ok')`, `name('lock', 'miso')`, `name('fail', 'miso')`. */
  name(kind: string, id: string): string;
  /** The key of the chain record `handle` belongs to. */
  chainOf(handle: string): string;
  /** Seals `body` for `key` at `version`, as the library writes records (a planted record made with the right key). */
  seal(key: string, body: unknown, version: number): string;
  /** Opens a stored record of `key`; undefined when it does not open. */
  open(key: string, raw: string): { v: number; b: Record<string, unknown> } | undefined;
}

/** {@link StoreKeys} for `storeKey`. */
export function storeKeys(storeKey: string | Buffer): StoreKeys {
  const sealer = new Sealer(storeKey);
  const records = new SealedRecords(undefined as unknown as TokenStore, sealer);
  const codec = new HandleCodec(sealer);
  return {
    name: (kind, id) => records.name(kind, id),
    chainOf: (handle) => records.name('chain', codec.chainOf(handle)!),
    seal: (key, body, version) => sealer.seal(JSON.stringify({ v: version, b: body }), key),
    open: (key, raw) => {
      const plain = sealer.open(raw, key);
      return plain === undefined ? undefined : (JSON.parse(plain) as { v: number; b: Record<string, unknown> });
    },
  };
}
