import { HealthIndicatorService } from '@nestjs/terminus';
import { MemoryTokenStore } from '../store/memory.store';
import type { TokenStore } from '../store/token-store';
import { TokenStoreHealthIndicator } from './token-store.health';

const indicatorFor = (store: TokenStore) => new TokenStoreHealthIndicator(new HealthIndicatorService(), store);
const never = () => new Promise<never>(() => undefined);

describe('TokenStoreHealthIndicator', () => {
  it('is up for the in-memory store', async () => {
    expect(await indicatorFor(new MemoryTokenStore()).isHealthy()).toEqual({ store: { status: 'up' } });
  });

  it('is down, in its own words, when the store refuses the ping', async () => {
    const store = { ...new MemoryTokenStore(), ping: () => Promise.reject(new Error('connect ECONNREFUSED redis://:hunter2@10.0.0.1')) } as unknown as TokenStore;
    const result = await indicatorFor(store).isHealthy('redis');
    expect(result).toEqual({ redis: { status: 'down', message: 'the store is not answering' } });
  });

  it('is down within its timeout when the store hangs', async () => {
    const store = { ping: never } as unknown as TokenStore;
    const started = performance.now();
    expect(await indicatorFor(store).isHealthy('store', 100)).toEqual({ store: { status: 'down', message: 'the store did not answer in time' } });
    expect(performance.now() - started).toBeLessThan(1_000);
  });

  it('reads a key of a store that has no ping', async () => {
    const get = jest.fn(async () => undefined);
    expect(await indicatorFor({ get } as unknown as TokenStore).isHealthy()).toEqual({ store: { status: 'up' } });
    expect(get).toHaveBeenCalledTimes(1);
  });
});
