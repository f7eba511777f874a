import { viaStore } from '../errors/store-unavailable.error';
import { isFiniteNumber, isRecord } from '../upstream/json-shape';
import { SealedRecords, type ReadRecord } from '../store/sealed-records';
import type { TokenStore } from '../store/token-store';

/**
 * A chain's one record, sealed to its key: whose it is, its current handle's
 * keyed digest and, within the grace, its predecessor's. No handle itself:
 * a successor is derived from its predecessor (`HandleCodec.successor`).
 * Short names: there are up to ten per user and provider.
 */
export interface ChainRecord {
  /** User id. */
  readonly u: string;
  /** Provider. */
  readonly p: string;
  /** Audience (avatar), when the grant has one. */
  readonly a?: string;
  /** Keyed digest of the current handle. */
  readonly cur: string;
  /** Keyed digest of the handle it replaced. */
  readonly prev?: string;
  /** Until then (ms, server clock) the predecessor answers `cur` again. */
  readonly until?: number;
  /** The current handle dies then (ms, server clock). */
  readonly exp: number;
}

/** A chain record as read: its body, its rotation count, and the stored text to swap against. */
export type StoredChain = ReadRecord<ChainRecord>;

const CHAIN_KEY = /^chain:[A-Za-z0-9_-]{43}$/;

/**
 * The chains refresh handles form, one store key each (`chain:<digest>`).
 * Revoking a chain, retiring it, or letting it expire removes that key, and
 * with it every handle of the chain: nothing is left behind to expire later.
 * Each user keeps at most `max` live chains per provider, listed under
 * `chains:<digest of provider and user>`; the least recently used one is
 * retired (deleted) when an 11th starts.
 */
export class HandleChains {
  constructor(
    private readonly store: TokenStore,
    private readonly records: SealedRecords,
    private readonly max: number,
  ) {}

  /** The live record of `chain`, or undefined (revoked, retired, expired, or not one this key sealed). */
  read(chain: string): Promise<StoredChain | undefined> {
    return viaStore(this.records.read(this.key(chain), isChainRecord));
  }

  /** Writes the first record of a new chain, retiring the user's least recently used beyond the cap. */
  async start(chain: string, record: ChainRecord, ttlMs: number): Promise<void> {
    await viaStore(this.records.write(this.key(chain), record, 1, ttlMs));
    await this.touch(chain, record, ttlMs);
  }

  /** Replaces `stored` by `next` unless someone else did first (compare-and-swap); true when this call won. */
  async advance(chain: string, stored: StoredChain, next: ChainRecord, ttlMs: number): Promise<boolean> {
    const key = this.key(chain);
    const sealed = this.records.seal(key, next, stored.version + 1);
    if (!(await viaStore(this.store.swap(key, stored.raw, sealed, ttlMs)))) return false;
    await this.touch(chain, next, ttlMs);
    return true;
  }

  /** Revokes `chain`: its record goes, so every handle of it is refused from now on. */
  async revoke(chain: string): Promise<void> {
    await viaStore(this.records.delete(this.key(chain)));
  }

  /** Moves the chain to the newest end of its user's list; deletes the chains that fall off the other end. */
  private async touch(chain: string, record: ChainRecord, ttlMs: number): Promise<void> {
    // The list lives as long as its most recently used chain, so it counts every live one.
    const list = this.records.name('chains', `${record.p}\n${record.u}`);
    const retired = await viaStore(this.store.enlist(list, this.key(chain), this.max, ttlMs));
    // Members are our own key names; anything else in the list (a writer's) is ignored, never deleted.
    await Promise.all(retired.filter((key) => CHAIN_KEY.test(key)).map((key) => viaStore(this.records.delete(key))));
  }

  private key(chain: string): string {
    return this.records.name('chain', chain);
  }
}

function isChainRecord(body: unknown): body is ChainRecord {
  return (
    isRecord(body) &&
    typeof body.u === 'string' &&
    typeof body.p === 'string' &&
    (body.a === undefined || typeof body.a === 'string') &&
    typeof body.cur === 'string' &&
    (body.prev === undefined || typeof body.prev === 'string') &&
    (body.until === undefined || isFiniteNumber(body.until)) &&
    isFiniteNumber(body.exp)
  );
}
