import { register } from 'prom-client';
import type { TokenProviderRegistry } from '../providers/token-provider.registry';
import { UpstreamError } from '../errors/upstream-error';
import { resolveSettings } from '../token-settings';
import { TokenMetrics } from './token-metrics';

/** The value of one series of `name` whose labels include `labels`. */
async function valueOf(name: string, labels: Record<string, string>): Promise<number | undefined> {
  const metric = register.getSingleMetric(name);
  const values = (await metric!.get()).values as Array<{ value: number; labels: Record<string, string | number>; metricName?: string }>;
  const found = values.find((v) => (v.metricName ?? name) === name && Object.entries(labels).every(([k, x]) => String(v.labels[k]) === x));
  return found?.value;
}

const registryOf = (...names: string[]) => ({ enabledNames: () => names }) as unknown as TokenProviderRegistry;

describe('TokenMetrics', () => {
  beforeEach(() => register.resetMetrics());

  it('counts requests per provider, status and cache, with cache "none" when no grant was looked up', async () => {
    const metrics = new TokenMetrics();
    metrics.request('miso', 200, 'hit');
    metrics.request('miso', 200, 'hit');
    metrics.request('miso', 200, 'upstream');
    metrics.request('sentifyd', 401, undefined);
    expect(await valueOf('token_requests_total', { provider: 'miso', status: '200', cache: 'hit' })).toBe(2);
    expect(await valueOf('token_requests_total', { provider: 'miso', status: '200', cache: 'upstream' })).toBe(1);
    expect(await valueOf('token_requests_total', { provider: 'sentifyd', status: '401', cache: 'none' })).toBe(1);
  });

  it('records nothing with the metrics option off', async () => {
    const metrics = new TokenMetrics(undefined, resolveSettings({ metrics: false }));
    metrics.request('miso', 200, 'hit');
    expect(metrics.enabled).toBe(false);
    expect(await valueOf('token_requests_total', { provider: 'miso', status: '200', cache: 'hit' })).toBeUndefined();
  });

  it('counts and times upstream calls by outcome; a circuit refusal counts as unavailable', async () => {
    const metrics = new TokenMetrics();
    await metrics.measureUpstream('miso', async () => 'ok');
    await expect(metrics.measureUpstream('miso', () => Promise.reject(new UpstreamError('miso', 'rejected', 401)))).rejects.toThrow();
    await expect(metrics.measureUpstream('miso', () => Promise.reject(new UpstreamError('miso', 'circuit_open')))).rejects.toThrow();
    expect(await valueOf('token_upstream_requests_total', { provider: 'miso', outcome: 'ok' })).toBe(1);
    expect(await valueOf('token_upstream_requests_total', { provider: 'miso', outcome: 'rejected' })).toBe(1);
    expect(await valueOf('token_upstream_requests_total', { provider: 'miso', outcome: 'unavailable' })).toBe(1);
    const histogram = await register.getSingleMetric('token_upstream_duration_seconds')!.get();
    const count = histogram.values.find((v) => (v as { metricName?: string }).metricName === 'token_upstream_duration_seconds_count');
    expect(count?.value).toBe(3);
  });

  it('reports one circuit series per enabled provider, 1 while any of its circuits is not closed', async () => {
    const metrics = new TokenMetrics(registryOf('miso', 'sentifyd'));
    metrics.onApplicationBootstrap();
    try {
      const closed = { state: 'closed' };
      const open = { state: 'closed' };
      metrics.watchCircuit('sentifyd', closed);
      metrics.watchCircuit('sentifyd', open);
      expect(await valueOf('token_circuit_open', { provider: 'miso' })).toBe(0);
      expect(await valueOf('token_circuit_open', { provider: 'sentifyd' })).toBe(0);
      open.state = 'open';
      expect(await valueOf('token_circuit_open', { provider: 'sentifyd' })).toBe(1);
      open.state = 'half-open';
      expect(await valueOf('token_circuit_open', { provider: 'sentifyd' })).toBe(1);
    } finally {
      metrics.onApplicationShutdown();
    }
    expect(await valueOf('token_circuit_open', { provider: 'miso' })).toBeUndefined();
  });

  it('shares the metrics of the default registry between instances (no double registration)', async () => {
    const first = new TokenMetrics();
    const second = new TokenMetrics();
    first.request('miso', 200, 'hit');
    second.request('miso', 200, 'hit');
    expect(await valueOf('token_requests_total', { provider: 'miso', status: '200', cache: 'hit' })).toBe(2);
  });

  it('records nothing, and throws nothing, when prom-client is not installed', async () => {
    let metrics!: TokenMetrics;
    jest.isolateModules(() => {
      jest.doMock('prom-client', () => {
        throw new Error("Cannot find module 'prom-client'");
      });
      // prom-client is required when the first instance is made: make it here, while it is "missing".
      const Isolated = jest.requireActual<typeof import('./token-metrics')>('./token-metrics').TokenMetrics;
      metrics = new Isolated(registryOf('miso'));
    });
    jest.dontMock('prom-client');
    expect(metrics.enabled).toBe(false);
    metrics.request('miso', 200, 'hit');
    metrics.watchCircuit('miso', { state: 'open' });
    metrics.onApplicationBootstrap();
    await expect(metrics.measureUpstream('miso', async () => 7)).resolves.toBe(7);
    expect(await valueOf('token_requests_total', { provider: 'miso', status: '200', cache: 'hit' })).toBeUndefined();
    metrics.onApplicationShutdown();
  });
});

describe('TokenMetrics bookkeeping (finding 9)', () => {
  // Without an avatar allow-list any caller could add circuits, and the gauge's sets kept every one for ever.
  it("keeps no more circuits than the upstream client does (10 000), however many audiences callers send", () => {
    const { UpstreamClient } = jest.requireActual<typeof import('../upstream/upstream.client')>('../upstream/upstream.client');
    const metrics = new TokenMetrics(registryOf('sentifyd'));
    const client = new UpstreamClient({} as never, resolveSettings({}), metrics);
    for (let n = 0; n < 10_050; n++) metrics.watchCircuit('sentifyd', client.circuit('sentifyd', `avatar-${n}`));
    const watched = (metrics as unknown as { circuits: Map<string, Set<unknown>> }).circuits.get('sentifyd')!;
    expect(watched.size).toBe(10_000);
    expect(watched.has(client.circuit('sentifyd', 'avatar-10049'))).toBe(true);
  });

  it('counts budget refusals per provider', async () => {
    const metrics = new TokenMetrics();
    metrics.budgetExhausted('openai');
    metrics.budgetExhausted('openai');
    expect(await valueOf('token_budget_exhausted_total', { provider: 'openai' })).toBe(2);
  });
});
