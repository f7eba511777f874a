import { AsyncLocalStorage } from 'node:async_hooks';

const audiences = new AsyncLocalStorage<string | undefined>();

/**
 * Runs `work` (a provider's upstream calls for one grant) with `audience` as
 * the scope of its circuit, so the {@link UpstreamClient} picks the circuit of
 * the grant's provider and audience: one avatar's failures never refuse
 * another's. Carried implicitly so custom providers get it without passing it.
 */
export function inCircuitScope<T>(audience: string | undefined, work: () => Promise<T>): Promise<T> {
  return audiences.run(audience, work);
}

/** The audience of the grant being fetched, when the call runs inside {@link inCircuitScope}. */
export function circuitAudience(): string | undefined {
  return audiences.getStore();
}
