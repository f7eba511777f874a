import { Inject, Injectable, Logger } from '@nestjs/common';
import { Clock } from '../clock';
import { Sealer } from '../store/sealer';
import { SealedRecords } from '../store/sealed-records';
import { TokenStore } from '../store/token-store';
import { TokenProblem } from '../errors/token-problem';
import { TOKEN_SETTINGS, type TokenSettings } from '../token-settings';
import { HandleChains, type ChainRecord, type StoredChain } from './handle-chains';
import { HandleCodec } from './handle-codec';

/** What a refresh handle stands for. */
export interface HandleBinding {
  /** The user it was issued to; nobody else may use it. */
  readonly userId: string;
  readonly provider: string;
  /** The audience (avatar) the grant was for. */
  readonly audience?: string;
}

/** A handle found valid and not yet spent. */
export interface Redemption {
  readonly binding: HandleBinding;
  /** Spends the handle (starting its grace period) and answers its successor, the same one however often it is spent. */
  spend(): Promise<string>;
}

/**
 * Opaque per-user refresh handles: what the browser gets instead of an
 * upstream refresh token.
 *
 * A handle names its chain, encrypted and authenticated ({@link HandleCodec}):
 * a handle this server did not mint is refused without a store lookup, and a
 * spent one still names its chain after its records are gone. Each chain is
 * one sealed record (its owner, its current handle, and within the grace its
 * predecessor's digest), rotated by compare-and-swap, so concurrent tabs agree
 * on one successor. Presented after its grace, or by another user, a handle is
 * refused and its chain revoked (RFC 9700 §4.14); revoking deletes the record.
 */
@Injectable()
export class RefreshHandles {
  private readonly logger = new Logger('TokenModule');
  private readonly ttlMs: number;
  private readonly graceMs: number;
  private readonly codec: HandleCodec;
  private readonly chains: HandleChains;

  constructor(
    @Inject(TokenStore) store: TokenStore,
    @Inject(Clock) private readonly clock: Clock,
    @Inject(Sealer) private readonly sealer: Sealer,
    @Inject(TOKEN_SETTINGS) settings: TokenSettings,
  ) {
    this.ttlMs = settings.refreshHandleTtlMs;
    this.graceMs = settings.refreshGraceMs;
    this.codec = new HandleCodec(sealer);
    this.chains = new HandleChains(store, new SealedRecords(store, sealer), settings.maxRefreshChains);
  }

  /** Mints a new handle bound to `binding`, starting a new chain (the user's least recently used beyond the cap is retired). */
  async mint(binding: HandleBinding): Promise<string> {
    const chain = this.codec.newChain();
    const handle = this.codec.mint(chain);
    const record: ChainRecord = { u: binding.userId, p: binding.provider, a: binding.audience, cur: this.sealer.digest(handle), exp: this.clock.now() + this.ttlMs };
    await this.chains.start(chain, record, this.ttlMs);
    return handle;
  }

  /**
   * Checks `handle` for `userId` without spending it, so a refresh whose
   * upstream call fails leaves the handle usable. Throws 401 when it is not
   * ours, expired, revoked, retired, past its grace (its chain is then
   * revoked), or another user's (revoked too). Call `spend()` on the result
   * once the new grant is in hand.
   */
  async redeem(handle: string, userId: string, provider: string): Promise<Redemption> {
    const chain = this.codec.chainOf(handle);
    if (chain === undefined) throw invalidRefreshToken();
    const stored = await this.chains.read(chain);
    const record = stored?.body;
    if (!stored || !record || record.p !== provider || this.clock.now() >= record.exp) throw invalidRefreshToken();
    if (record.u !== userId) return this.revoke(chain, 'refresh handle of another user presented; handle revoked with its chain', provider);
    const binding: HandleBinding = { userId: record.u, provider: record.p, audience: record.a };
    const digest = this.sealer.digest(handle);
    if (digest === record.cur) return { binding, spend: () => this.spend(chain, handle, stored) };
    if (this.inGrace(record, digest)) return { binding, spend: async () => this.codec.successor(chain, handle) };
    // A handle of this chain that is neither current nor within its grace: spent, so this is reuse.
    return this.revoke(chain, 'refresh handle reused after its grace period; its chain is revoked', provider);
  }

  /** The first spend moves the chain on (compare-and-swap); a spend that lost answers the same successor, within the grace. */
  private async spend(chain: string, handle: string, stored: StoredChain): Promise<string> {
    const now = this.clock.now();
    const next = this.codec.successor(chain, handle);
    const spent = this.sealer.digest(handle);
    const record: ChainRecord = { ...stored.body, cur: this.sealer.digest(next), prev: spent, until: now + this.graceMs, exp: now + this.ttlMs };
    if (await this.chains.advance(chain, stored, record, this.ttlMs)) return next;
    const again = (await this.chains.read(chain))?.body;
    if (again && this.inGrace(again, spent)) return next;
    throw invalidRefreshToken();
  }

  private inGrace(record: ChainRecord, digest: string): boolean {
    return record.prev === digest && record.until !== undefined && this.clock.now() < record.until;
  }

  private async revoke(chain: string, why: string, provider: string): Promise<never> {
    await this.chains.revoke(chain);
    this.logger.warn(`${why} (provider ${provider})`);
    throw invalidRefreshToken();
  }
}

/** The 401 of a refresh handle that is unknown, expired, revoked or not the caller's. */
export function invalidRefreshToken(): TokenProblem {
  return new TokenProblem(401, 'invalid_refresh_token', 'The refresh token is unknown, expired or not yours.');
}
