import { Inject, Injectable, OnApplicationBootstrap, OnApplicationShutdown, Optional } from '@nestjs/common';
import { TOKEN_SETTINGS, type TokenSettings } from '../token-settings';
import { UpstreamError } from '../errors/upstream-error';
import type { GrantSource } from '../grants/grant-cache';
import { TokenProviderRegistry } from '../providers/token-provider.registry';
import { tokenInstruments, watchCircuits, type BoundCounter, type BoundHistogram, type PendingCount, type TokenInstruments } from './prom-client';

/** How an upstream HTTP call ended, as the `outcome` label says it. */
export type UpstreamOutcome = 'ok' | 'rejected' | 'failed' | 'invalid' | 'timeout' | 'unavailable';

/** What a circuit breaker shows the metrics: only whether it is closed. */
interface CircuitLike {
  readonly state: string;
}

// The `cache` label by index: a request's counter is found with no string built.
const CACHES = ['hit', 'store', 'upstream', 'merged', 'none'] as const;
const CACHE_INDEX: Readonly<Record<GrantSource, number>> = { hit: 0, store: 1, upstream: 2, merged: 3 };

interface UpstreamChildren {
  readonly outcomes: Map<UpstreamOutcome, BoundCounter>;
  readonly duration: BoundHistogram;
}

/**
 * The library's Prometheus metrics, recorded into prom-client's default
 * registry (see the README's "Operating it" for the table). With prom-client
 * not installed every method does nothing. Labels hold provider names, HTTP
 * statuses and fixed words only: never a user id, token, handle or audience.
 *
 * The per-request cost is three map lookups and an increment: each label
 * combination's cell is found once and kept, and the counter adds the cells
 * up when it is scraped.
 *
 * @example
 * // Nothing to wire: expose prom-client's default registry the way you already do.
 * import { register } from 'prom-client';
 * server.get('/metrics', async (_, reply) => reply.type(register.contentType).send(await register.metrics()));
 */
@Injectable()
export class TokenMetrics implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly instruments: TokenInstruments | undefined;
  private readonly requestCounts = new Map<string, Map<number, PendingCount[]>>();
  private readonly upstreamChildren = new Map<string, UpstreamChildren>();
  private readonly circuits = new Map<string, Set<CircuitLike>>();
  private unwatch?: () => void;

  constructor(
    @Optional() private readonly registry?: TokenProviderRegistry,
    @Optional() @Inject(TOKEN_SETTINGS) settings?: TokenSettings,
  ) {
    this.instruments = settings?.metrics === false ? undefined : tokenInstruments();
  }

  /** True when prom-client is installed and metrics are on (`metrics` option): they are recorded. */
  get enabled(): boolean {
    return this.instruments !== undefined;
  }

  /** Counts one answered token request (`cache` undefined: no grant was looked up). */
  request(provider: string | undefined, status: number, cache: GrantSource | undefined): void {
    const instruments = this.instruments;
    if (instruments === undefined) return;
    const name = provider ?? 'none';
    let byStatus = this.requestCounts.get(name);
    if (byStatus === undefined) this.requestCounts.set(name, (byStatus = new Map()));
    let row = byStatus.get(status);
    if (row === undefined) byStatus.set(status, (row = []));
    const index = cache === undefined ? 4 : CACHE_INDEX[cache];
    (row[index] ??= instruments.requestCount(name, String(status), CACHES[index])).pending++;
  }

  /** Runs one upstream HTTP call, counting its outcome and timing it. */
  async measureUpstream<T>(provider: string, call: () => Promise<T>): Promise<T> {
    if (this.instruments === undefined) return call();
    const started = performance.now();
    try {
      const result = await call();
      this.upstream(provider, 'ok', (performance.now() - started) / 1000);
      return result;
    } catch (error) {
      this.upstream(provider, outcomeOf(error), (performance.now() - started) / 1000);
      throw error;
    }
  }

  /** Counts one upstream call of `seconds` that ended with `outcome`. */
  upstream(provider: string, outcome: UpstreamOutcome, seconds: number): void {
    const instruments = this.instruments;
    if (instruments === undefined) return;
    let children = this.upstreamChildren.get(provider);
    if (children === undefined) {
      children = { outcomes: new Map(), duration: instruments.upstreamDuration.labels(provider) };
      this.upstreamChildren.set(provider, children);
    }
    let counter = children.outcomes.get(outcome);
    if (counter === undefined) children.outcomes.set(outcome, (counter = instruments.upstreamRequests.labels(provider, outcome)));
    counter.inc();
    children.duration.observe(seconds);
  }

  /** Counts one request refused because `provider`'s hourly budget is spent. */
  budgetExhausted(provider: string): void {
    this.instruments?.budgetExhausted.labels(provider).inc();
  }

  /**
   * Makes `circuit` (of `provider`, whatever its audience) count towards
   * `token_circuit_open`. The upstream client keeps at most 10 000 circuits
   * and calls {@link unwatchCircuit} for each it forgets, so these sets stay
   * as bounded as its map.
   */
  watchCircuit(provider: string, circuit: CircuitLike): void {
    if (this.instruments === undefined) return;
    let set = this.circuits.get(provider);
    if (set === undefined) this.circuits.set(provider, (set = new Set()));
    set.add(circuit);
  }

  /** Stops counting `circuit` (the upstream client forgot it). */
  unwatchCircuit(provider: string, circuit: CircuitLike): void {
    const set = this.circuits.get(provider);
    if (set?.delete(circuit) && set.size === 0) this.circuits.delete(provider);
  }

  /** Every enabled provider, and whether any of its circuits is not closed. */
  *circuitStates(): Iterable<readonly [string, boolean]> {
    for (const provider of this.registry?.enabledNames() ?? []) {
      let open = false;
      for (const circuit of this.circuits.get(provider) ?? []) open ||= circuit.state !== 'closed';
      yield [provider, open];
    }
  }

  onApplicationBootstrap(): void {
    if (this.instruments !== undefined) this.unwatch ??= watchCircuits(this);
  }

  onApplicationShutdown(): void {
    this.unwatch?.();
    this.unwatch = undefined;
  }
}

function outcomeOf(error: unknown): UpstreamOutcome {
  if (!(error instanceof UpstreamError)) return 'failed';
  return error.failure === 'circuit_open' ? 'unavailable' : error.failure;
}
