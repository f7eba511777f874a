import type { Clock } from '../clock';

/** A clock tests move by hand: `advance(ms)` instead of sleeping. */
export class FakeClock implements Clock {
  constructor(private current = Date.parse('2026-01-01T00:00:00Z')) {}

  now(): number {
    return this.current;
  }

  /** Moves time forward by `ms`. */
  advance(ms: number): void {
    this.current += ms;
  }
}
