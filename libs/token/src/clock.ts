/**
 * Where the library reads the time. Every expiry decision (grant lifetimes,
 * refresh-ahead, handle grace, rate windows in memory) goes through it, so tests
 * move time instead of sleeping.
 *
 * @example
 * TokenModule.forRoot({ clock: { now: () => fakeNow } })
 */
export interface Clock {
  /** Milliseconds since the epoch, like `Date.now()`. */
  now(): number;
}

/** DI token of the {@link Clock} the module uses. */
export const Clock = Symbol('Clock');

/** The real clock. */
export const systemClock: Clock = { now: () => Date.now() };
