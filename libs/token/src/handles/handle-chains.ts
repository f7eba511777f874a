import { randomBytes } from 'node:crypto';
import type { Sealer } from '../store/sealer';
import { viaStore } from '../errors/store-unavailable.error';
import type { TokenStore } from '../store/token-store';

/**
 * The chains refresh handles form: a plain issue starts a chain, each
 * rotation continues it. A chain is alive while `chain:<id>` is in the store,
 * so revoking it (reuse after the grace period, RFC 9700 §4.14) is one delete
 * that stops every handle of it at once. Each user keeps at most `max` live
 * chains per provider; the least recently used one is retired first. Chain ids
 * are random and not credentials; the per-user list is keyed by a keyed digest
 * of the user id, so the store shows no user id in its keys.
 */
export class HandleChains {
  constructor(
    private readonly store: TokenStore,
    private readonly sealer: Sealer,
    private readonly ttlMs: number,
    private readonly max: number,
  ) {}

  /** Starts a chain for `userId` at `provider`, retiring the oldest beyond the cap; answers its id. */
  async start(userId: string, provider: string): Promise<string> {
    const chain = randomBytes(16).toString('base64url');
    await viaStore(this.store.set(chainKey(chain), '1', this.ttlMs));
    await this.touch(chain, userId, provider);
    return chain;
  }

  /** True while `chain` has been neither revoked nor retired, nor left unused past the handle lifetime. */
  async alive(chain: string): Promise<boolean> {
    return (await viaStore(this.store.get(chainKey(chain)))) !== undefined;
  }

  /** Keeps a chain that was just rotated alive for another handle lifetime (never resurrects a revoked one). */
  async continue(chain: string, userId: string, provider: string): Promise<void> {
    if (await viaStore(this.store.extendIf(chainKey(chain), '1', this.ttlMs))) await this.touch(chain, userId, provider);
  }

  /** Revokes `chain`: every handle of it is refused from now on. */
  async revoke(chain: string): Promise<void> {
    await viaStore(this.store.delete(chainKey(chain)));
  }

  private async touch(chain: string, userId: string, provider: string): Promise<void> {
    const list = `chains:${this.sealer.digest(`${provider}\n${userId}`)}`;
    const retired = await viaStore(this.store.enlist(list, chain, this.max, this.ttlMs));
    await Promise.all(retired.map((old) => this.revoke(old)));
  }
}

function chainKey(chain: string): string {
  return `chain:${chain}`;
}
