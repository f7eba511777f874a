import { Inject, Injectable, Logger } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { Clock } from '../clock';
import { Sealer } from '../store/sealer';
import { viaStore } from '../errors/store-unavailable.error';
import { TokenStore } from '../store/token-store';
import { TokenProblem } from '../errors/token-problem';
import { TOKEN_SETTINGS, type TokenSettings } from '../token-settings';

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
  /** Spends the handle (starting its grace period) and mints its successor. */
  spend(): Promise<string>;
}

interface HandleRecord extends HandleBinding {
  /** Server-clock ms after which the handle is dead. */
  readonly expiresAt: number;
}

/**
 * Opaque per-user refresh handles: what the browser gets instead of an
 * upstream refresh token.
 *
 * A handle is 256 random bits; the store keeps only its SHA-256, so reading
 * the store gives nobody a usable handle. Each use rotates it: the first use
 * starts a grace period (concurrent tabs may use it until then), after which it
 * is rejected. A handle presented by another user is revoked on the spot.
 */
@Injectable()
export class RefreshHandles {
  private readonly logger = new Logger('TokenModule');
  private readonly ttlMs: number;
  private readonly graceMs: number;

  constructor(
    @Inject(TokenStore) private readonly store: TokenStore,
    @Inject(Clock) private readonly clock: Clock,
    @Inject(Sealer) private readonly sealer: Sealer,
    @Inject(TOKEN_SETTINGS) settings: TokenSettings,
  ) {
    this.ttlMs = settings.refreshHandleTtlMs;
    this.graceMs = settings.refreshGraceMs;
  }

  /** Mints a new handle bound to `binding`. */
  async mint(binding: HandleBinding): Promise<string> {
    const handle = randomBytes(32).toString('base64url');
    const record: HandleRecord = { ...binding, expiresAt: this.clock.now() + this.ttlMs };
    await viaStore(this.store.set(this.key(handle), JSON.stringify(record), this.ttlMs));
    return handle;
  }

  /**
   * Checks `handle` for `userId` without spending it, so a refresh whose
   * upstream call fails leaves the handle usable. Throws 401 when it is
   * unknown, expired, past its grace, or another user's (that one is revoked).
   * Call `spend()` on the result once the new grant is in hand.
   */
  async redeem(handle: string, userId: string, provider: string): Promise<Redemption> {
    const key = this.key(handle);
    const raw = await viaStore(this.store.get(key));
    const record = raw === undefined ? undefined : (JSON.parse(raw) as HandleRecord);
    if (!record || record.provider !== provider || this.clock.now() >= record.expiresAt) throw rejected();
    if (record.userId !== userId) {
      await viaStore(this.store.delete(key));
      this.logger.warn(`refresh handle of another user presented; handle revoked (provider ${provider})`);
      throw rejected();
    }
    await this.checkGrace(key);
    const binding: HandleBinding = { userId: record.userId, provider: record.provider, audience: record.audience };
    return { binding, spend: () => this.spend(key, record) };
  }

  /** Redeems and spends `handle` at once: its binding and its successor. */
  async rotate(handle: string, userId: string, provider: string): Promise<{ binding: HandleBinding; next: string }> {
    const redemption = await this.redeem(handle, userId, provider);
    return { binding: redemption.binding, next: await redemption.spend() };
  }

  /** The first use starts the grace period; later uses must fall inside it. */
  private async spend(key: string, record: HandleRecord): Promise<string> {
    const now = this.clock.now();
    if (await viaStore(this.store.add(`${key}:used`, String(now), this.graceMs))) {
      // The spent handle lives on for the grace period only.
      await viaStore(this.store.set(key, JSON.stringify({ ...record, expiresAt: now + this.graceMs }), this.graceMs));
    } else {
      await this.checkGrace(key);
    }
    return this.mint({ userId: record.userId, provider: record.provider, audience: record.audience });
  }

  private async checkGrace(key: string): Promise<void> {
    const usedAt = await viaStore(this.store.get(`${key}:used`));
    if (usedAt !== undefined && !(this.clock.now() < Number(usedAt) + this.graceMs)) throw rejected();
  }

  private key(handle: string): string {
    return `handle:${this.sealer.digest(handle)}`;
  }
}

function rejected(): TokenProblem {
  return new TokenProblem(401, 'invalid_refresh_token', 'The refresh token is unknown, expired or not yours.');
}
