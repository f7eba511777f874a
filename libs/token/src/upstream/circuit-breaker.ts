import type { Clock } from '../clock';

/**
 * A circuit breaker: after `threshold` failures in a row it opens and callers
 * are refused for `resetMs`; then one probe goes through (half-open) and its
 * outcome closes or re-opens the circuit. Callers throw their own error when
 * refused: each upstream provider has one, and so has the Redis store.
 *
 * @example
 * if (!circuit.tryEnter()) throw new UpstreamError('miso', 'circuit_open');
 * try { const r = await call(); circuit.succeeded(); return r; } catch (e) { circuit.failed(); throw e; }
 */
export class CircuitBreaker {
  private failures = 0;
  private openedAt: number | undefined;
  /** How long the current opening lasts: `resetMs`, or what an upstream's `Retry-After` asked for. */
  private openMs: number;
  private probing = false;

  constructor(
    private readonly threshold: number,
    private readonly resetMs: number,
    private readonly clock: Clock,
  ) {
    this.openMs = resetMs;
  }

  /** `closed`, `open` or `half-open`. */
  get state(): 'closed' | 'open' | 'half-open' {
    if (this.openedAt === undefined) return 'closed';
    return this.clock.now() - this.openedAt < this.openMs ? 'open' : 'half-open';
  }

  /** True when a call may go through now (a half-open circuit lets exactly one probe through). */
  tryEnter(): boolean {
    const state = this.state;
    if (state === 'closed') return true;
    if (state === 'open' || this.probing) return false;
    this.probing = true;
    return true;
  }

  /** Records a call that got a healthy answer: closes the circuit. */
  succeeded(): void {
    this.failures = 0;
    this.openedAt = undefined;
    this.probing = false;
  }

  /** Records a failed call; a failed probe re-opens at once. */
  failed(): void {
    this.failures += 1;
    if (this.probing || this.failures >= this.threshold) this.open(this.resetMs);
    this.probing = false;
  }

  /** Opens now for `ms` whatever the failure count (an upstream's 429 with its `Retry-After`). */
  openFor(ms: number): void {
    this.failures = Math.max(this.failures, this.threshold);
    this.open(ms);
    this.probing = false;
  }

  private open(ms: number): void {
    this.openedAt = this.clock.now();
    this.openMs = ms;
  }
}
