import { randomBytes } from 'node:crypto';
import { TokenStore } from './token-store';

/** A held lock; {@link StoreLock.release} it when done. */
export interface HeldLock {
  /** Stops renewing and deletes the lock if this holder still owns it. */
  release(): Promise<void>;
}

/**
 * A lock across instances on top of a {@link TokenStore}: SET NX PX with a
 * random owner value, renewed every third of its TTL while the work runs (a
 * slow upstream never outlives it, unlike oauth2-proxy's), and released by
 * compare-and-delete so a holder never frees another's lock.
 */
export class StoreLock {
  constructor(
    private readonly store: TokenStore,
    private readonly ttlMs: number,
  ) {}

  /** Takes the lock on `key`, or answers undefined when someone else holds it. */
  async acquire(key: string): Promise<HeldLock | undefined> {
    const owner = randomBytes(16).toString('base64url');
    if (!(await this.store.add(key, owner, this.ttlMs))) return undefined;
    const renew = setInterval(() => {
      this.store.extendIf(key, owner, this.ttlMs).catch(() => undefined);
    }, Math.max(10, Math.floor(this.ttlMs / 3)));
    renew.unref();
    return {
      release: async () => {
        clearInterval(renew);
        await this.store.deleteIf(key, owner).catch(() => undefined);
      },
    };
  }
}
