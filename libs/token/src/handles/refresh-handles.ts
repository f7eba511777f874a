import { Inject, Injectable, Logger } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { Clock } from '../clock';
import { Sealer } from '../store/sealer';
import { viaStore } from '../errors/store-unavailable.error';
import { TokenStore } from '../store/token-store';
import { TokenProblem } from '../errors/token-problem';
import { TOKEN_SETTINGS, type TokenSettings } from '../token-settings';
import { HandleChains } from './handle-chains';

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

interface HandleRecord extends HandleBinding {
  /** Server-clock ms after which the handle is dead. */
  readonly expiresAt: number;
  /** The chain it belongs to (see {@link HandleChains}). */
  readonly chain: string;
}

/** What a spent handle leaves behind under `<key>:next`: when it was spent, and its successor sealed to that key. */
interface Spent {
  readonly at: number;
  readonly next: string;
}

/**
 * Opaque per-user refresh handles: what the browser gets instead of an
 * upstream refresh token.
 *
 * A handle is 256 random bits; the store keeps only its keyed digest (HMAC
 * under the store key), so reading the store gives nobody a usable handle and
 * writing it plants none. Handles rotate as a chain: the first spend picks the
 * one successor (kept sealed in the store); within the grace period the spent
 * handle answers with that same successor (concurrent tabs); presented after
 * it, the handle is refused and its whole chain revoked. A handle presented
 * by another user is revoked on the spot, with its chain.
 */
@Injectable()
export class RefreshHandles {
  private readonly logger = new Logger('TokenModule');
  private readonly ttlMs: number;
  private readonly graceMs: number;
  private readonly chains: HandleChains;
  private warnedUnopenable = false;

  constructor(
    @Inject(TokenStore) private readonly store: TokenStore,
    @Inject(Clock) private readonly clock: Clock,
    @Inject(Sealer) private readonly sealer: Sealer,
    @Inject(TOKEN_SETTINGS) settings: TokenSettings,
  ) {
    this.ttlMs = settings.refreshHandleTtlMs;
    this.graceMs = settings.refreshGraceMs;
    this.chains = new HandleChains(store, sealer, this.ttlMs, settings.maxRefreshChains);
  }

  /** Mints a new handle bound to `binding`, starting a new chain (the user's oldest beyond the cap is retired). */
  async mint(binding: HandleBinding): Promise<string> {
    return this.write(binding, await this.chains.start(binding.userId, binding.provider));
  }

  /**
   * Checks `handle` for `userId` without spending it, so a refresh whose
   * upstream call fails leaves the handle usable. Throws 401 when it is
   * unknown, expired, revoked, past its grace (its chain is then revoked), or
   * another user's (revoked too). Call `spend()` on the result once the new grant is in hand.
   */
  async redeem(handle: string, userId: string, provider: string): Promise<Redemption> {
    const key = this.key(handle);
    const record = parse<HandleRecord>(await viaStore(this.store.get(key)));
    if (!record || record.provider !== provider || this.clock.now() >= record.expiresAt) throw invalidRefreshToken();
    if (record.userId !== userId) {
      await viaStore(this.store.delete(key));
      await this.chains.revoke(record.chain);
      this.logger.warn(`refresh handle of another user presented; handle revoked (provider ${provider})`);
      throw invalidRefreshToken();
    }
    if (!(await this.chains.alive(record.chain))) throw invalidRefreshToken();
    await this.checkGrace(await this.spent(key), record);
    const binding: HandleBinding = { userId: record.userId, provider: record.provider, audience: record.audience };
    return { binding, spend: () => this.spend(key, record) };
  }

  /** Redeems and spends `handle` at once: its binding and its successor. */
  async rotate(handle: string, userId: string, provider: string): Promise<{ binding: HandleBinding; next: string }> {
    const redemption = await this.redeem(handle, userId, provider);
    return { binding: redemption.binding, next: await redemption.spend() };
  }

  /** The first spend decides the successor (an atomic add); every later one, within the grace, answers it again. */
  private async spend(key: string, record: HandleRecord): Promise<string> {
    const nextKey = `${key}:next`;
    let spent = await this.spent(key);
    if (!spent) {
      const candidate = await this.write(record, record.chain);
      const at = this.clock.now();
      const value = JSON.stringify({ at, next: this.sealer.seal(candidate, nextKey) } satisfies Spent);
      // Kept as long as the spent handle would have lived, so a late reuse is recognised and revokes the chain.
      if (await viaStore(this.store.add(nextKey, value, Math.max(1, record.expiresAt - at)))) {
        await this.chains.continue(record.chain, record.userId, record.provider);
        return candidate;
      }
      await viaStore(this.store.delete(this.key(candidate))); // another spend won: its successor is the one
      spent = await this.spent(key);
    }
    if (!spent) throw invalidRefreshToken();
    await this.checkGrace(spent, record);
    const next = this.sealer.open(spent.next, nextKey);
    if (next === undefined) {
      if (!this.warnedUnopenable) this.logger.warn('a stored refresh successor could not be opened (moved, altered, or another storeKey): refused');
      this.warnedUnopenable = true;
      throw invalidRefreshToken();
    }
    return next;
  }

  private async spent(key: string): Promise<Spent | undefined> {
    return parse<Spent>(await viaStore(this.store.get(`${key}:next`)));
  }

  /** A spent handle past its grace is reuse: refuse it and revoke its chain (every successor). */
  private async checkGrace(spent: Spent | undefined, record: HandleRecord): Promise<void> {
    if (spent === undefined || this.clock.now() < spent.at + this.graceMs) return;
    await this.chains.revoke(record.chain);
    this.logger.warn(`refresh handle reused after its grace period; its chain is revoked (provider ${record.provider})`);
    throw invalidRefreshToken();
  }

  private async write(binding: HandleBinding, chain: string): Promise<string> {
    const handle = randomBytes(32).toString('base64url');
    const record: HandleRecord = { userId: binding.userId, provider: binding.provider, audience: binding.audience, chain, expiresAt: this.clock.now() + this.ttlMs };
    await viaStore(this.store.set(this.key(handle), JSON.stringify(record), this.ttlMs));
    return handle;
  }

  private key(handle: string): string {
    return `handle:${this.sealer.digest(handle)}`;
  }
}

/** The 401 of a refresh handle that is unknown, expired, revoked or not the caller's. */
export function invalidRefreshToken(): TokenProblem {
  return new TokenProblem(401, 'invalid_refresh_token', 'The refresh token is unknown, expired or not yours.');
}

/** A stored JSON record, or undefined when absent or not JSON (a store writer's garbage is a miss, not a 500). */
function parse<T>(raw: string | undefined): T | undefined {
  if (raw === undefined) return undefined;
  try {
    return JSON.parse(raw) as T;
  } catch {
    return undefined;
  }
}
