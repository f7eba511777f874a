import type { Clock } from '../clock';
import { UpstreamError } from './upstream-error';

/**
 * A per-provider circuit: after `threshold` failures in a row it opens and
 * calls fail fast (503) for `resetMs`; then one probe goes through (half-open)
 * and its outcome closes or re-opens the circuit.
 */
export class CircuitBreaker {
  private failures = 0;
  private openedAt: number | undefined;
  private probing = false;

  constructor(
    private readonly provider: string,
    private readonly threshold: number,
    private readonly resetMs: number,
    private readonly clock: Clock,
  ) {}

  /** `closed`, `open` or `half-open`, for logs and tests. */
  get state(): 'closed' | 'open' | 'half-open' {
    if (this.openedAt === undefined) return 'closed';
    return this.clock.now() - this.openedAt < this.resetMs ? 'open' : 'half-open';
  }

  /** Throws `circuit_open` unless a call may go through now. */
  enter(): void {
    const state = this.state;
    if (state === 'closed') return;
    if (state === 'open' || this.probing) throw new UpstreamError(this.provider, 'circuit_open');
    this.probing = true;
  }

  /** Records a call that reached a healthy upstream. */
  succeeded(): void {
    this.failures = 0;
    this.openedAt = undefined;
    this.probing = false;
  }

  /** Records a failed call. */
  failed(): void {
    this.failures += 1;
    if (this.probing || this.failures >= this.threshold) this.openedAt = this.clock.now();
    this.probing = false;
  }
}
