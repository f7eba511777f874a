import { Inject, Injectable } from '@nestjs/common';
import { HealthIndicatorService, type HealthIndicatorResult } from '@nestjs/terminus';
import { TokenStore } from '../store/token-store';

const PROBE_KEY = 'health:probe';

/**
 * A `@nestjs/terminus` health indicator for the token store: up while it
 * answers (a Redis PING), down while it does not. The in-memory store is
 * always up. Put it in your readiness check: an instance that cannot reach
 * the shared store cannot mint refresh handles or renew grants.
 *
 * Provide it in a module that imports `TerminusModule` and sees the
 * `TokenModule`'s exports (the module importing `TokenModule`, or anywhere
 * when `isGlobal: true`).
 *
 * @example
 * import { TokenStoreHealthIndicator } from 'nestjs-token-broker/health';
 *
 * @Get('health/ready') @HealthCheck()
 * ready() {
 *   return this.health.check([() => this.store.isHealthy('store')]);
 * }
 */
@Injectable()
export class TokenStoreHealthIndicator {
  constructor(
    private readonly indicators: HealthIndicatorService,
    @Inject(TokenStore) private readonly store: TokenStore,
  ) {}

  /** `{ [key]: { status: 'up' } }` when the store answers within `timeoutMs`, else `down`. */
  async isHealthy<const Key extends string = 'store'>(key: Key = 'store' as Key, timeoutMs = 1_000): Promise<HealthIndicatorResult<Key>> {
    const indicator = this.indicators.check(key);
    const ping = this.store.ping ? this.store.ping() : this.store.get(PROBE_KEY);
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error('timeout')), timeoutMs);
    });
    try {
      await Promise.race([ping, late]);
      return indicator.up();
    } catch (error) {
      // Our own words: an error's text may quote the connection URL, password included.
      return indicator.down({ message: (error as Error).message === 'timeout' ? 'the store did not answer in time' : 'the store is not answering' });
    } finally {
      clearTimeout(timer);
    }
  }
}
