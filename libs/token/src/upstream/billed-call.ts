import { AsyncLocalStorage } from 'node:async_hooks';

const billed = new AsyncLocalStorage<true>();

/**
 * Runs `work` (a billed provider's upstream calls for one answer) marked as
 * billed, so the {@link UpstreamClient} never retries a call of it that is
 * not idempotent: a retried POST could be billed twice. Carried implicitly,
 * as the circuit's audience is, so no provider has to pass it.
 */
export function asBilledCall<T>(work: () => Promise<T>): Promise<T> {
  return billed.run(true, work);
}

/** True inside {@link asBilledCall}. */
export function isBilledCall(): boolean {
  return billed.getStore() === true;
}
