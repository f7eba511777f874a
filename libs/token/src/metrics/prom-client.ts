/**
 * The one place that loads `prom-client`, an optional peer dependency: an app
 * without it gets `undefined` here and the library records nothing. The
 * metrics live in prom-client's default registry, so an app that already
 * serves `/metrics` shows them with no wiring.
 *
 * The interfaces below are the small part of prom-client the library uses,
 * declared here so that no public type of the library names prom-client.
 */

/** A counter with its labels bound (prom-client's `counter.labels(...)`). */
export interface BoundCounter {
  inc(): void;
}

/** A histogram with its labels bound. */
export interface BoundHistogram {
  observe(value: number): void;
}

/**
 * The count of one label combination of `token_requests_total` not yet added
 * to the counter. The hot path only increments `pending`; the counter adds it
 * when it is read (a scrape). prom-client's own bound `inc()` hashes and
 * validates the labels on every call. Speed trick, kept: 25 ns a request
 * against 370 ns for a bound `inc()` (about a tenth of the library's own
 * 3.8 µs per warm request; bench/RESULTS.md, "Speed tricks").
 */
export interface PendingCount {
  readonly labels: Readonly<Record<string, string>>;
  pending: number;
}

/** The instruments the library records into. */
export interface TokenInstruments {
  /** The cell of one request label combination (the same cell for every caller). */
  requestCount(provider: string, status: string, cache: string): PendingCount;
  readonly upstreamRequests: { labels(provider: string, outcome: string): BoundCounter };
  readonly upstreamDuration: { labels(provider: string): BoundHistogram };
  readonly budgetExhausted: { labels(provider: string): BoundCounter };
}

/** Something that knows, at scrape time, which providers have an open circuit. */
export interface CircuitSource {
  circuitStates(): Iterable<readonly [provider: string, open: boolean]>;
}

type PromClient = typeof import('prom-client');

// Shared by every copy of the library in the process (several apps in one
// test run, or two installed versions): one gauge reads them all.
const shared = globalThis as Record<symbol, unknown>;
const circuitSources = (shared[Symbol.for('nestjs-token-broker.circuit-sources')] ??= new Set()) as Set<CircuitSource>;
const pendingCounts = (shared[Symbol.for('nestjs-token-broker.pending-requests')] ??= new Map()) as Map<string, PendingCount>;

function requestCount(provider: string, status: string, cache: string): PendingCount {
  const key = `${provider}\u0000${status}\u0000${cache}`;
  let cell = pendingCounts.get(key);
  if (cell === undefined) pendingCounts.set(key, (cell = { labels: Object.freeze({ provider, status, cache }), pending: 0 }));
  return cell;
}

let loaded: PromClient | null | undefined;

/** prom-client, or undefined when it is not installed (looked up once). */
function promClient(): PromClient | undefined {
  if (loaded === undefined) {
    try {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      loaded = require('prom-client') as PromClient;
    } catch {
      loaded = null;
    }
  }
  return loaded ?? undefined;
}

/**
 * The library's metrics in prom-client's default registry, created on first
 * use and reused afterwards (a second TokenModule, or a second app in the
 * same process, must not register a metric twice: prom-client throws).
 * Undefined when prom-client is not installed.
 */
export function tokenInstruments(): TokenInstruments | undefined {
  const prom = promClient();
  if (!prom) return undefined;
  const existing = <T>(name: string) => prom.register.getSingleMetric(name) as T | undefined;
  if (!existing('token_requests_total')) {
    new prom.Counter({
      name: 'token_requests_total',
      help: 'Answered token requests.',
      labelNames: ['provider', 'status', 'cache'],
      collect() {
        for (const cell of pendingCounts.values()) {
          if (cell.pending === 0) continue;
          this.inc(cell.labels, cell.pending);
          cell.pending = 0;
        }
      },
    });
  }
  const upstreamRequests =
    existing<InstanceType<PromClient['Counter']>>('token_upstream_requests_total') ??
    new prom.Counter({ name: 'token_upstream_requests_total', help: 'HTTP calls to token upstreams, by outcome.', labelNames: ['provider', 'outcome'] });
  const upstreamDuration =
    existing<InstanceType<PromClient['Histogram']>>('token_upstream_duration_seconds') ??
    new prom.Histogram({
      name: 'token_upstream_duration_seconds',
      help: 'Duration of HTTP calls to token upstreams.',
      labelNames: ['provider'],
      buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    });
  const budgetExhausted =
    existing<InstanceType<PromClient['Counter']>>('token_budget_exhausted_total') ??
    new prom.Counter({ name: 'token_budget_exhausted_total', help: 'Token requests refused because a billed provider spent its hourly budget.', labelNames: ['provider'] });
  if (!prom.register.getSingleMetric('token_circuit_open')) {
    new prom.Gauge({
      name: 'token_circuit_open',
      help: '1 while any upstream circuit of the provider is open (from its opening until a call gets through again), else 0.',
      labelNames: ['provider'],
      collect() {
        this.reset();
        const open = new Map<string, number>();
        for (const source of circuitSources) {
          for (const [provider, isOpen] of source.circuitStates()) open.set(provider, Math.max(open.get(provider) ?? 0, isOpen ? 1 : 0));
        }
        for (const [provider, value] of open) this.set({ provider }, value);
      },
    });
  }
  return { requestCount, upstreamRequests, upstreamDuration, budgetExhausted };
}

/** Adds `source` to what the circuit gauge reports; the returned function removes it. */
export function watchCircuits(source: CircuitSource): () => void {
  circuitSources.add(source);
  return () => void circuitSources.delete(source);
}
