import { Inject, Injectable, Logger, Optional } from '@nestjs/common';
import type { ThrottlerStorage } from '@nestjs/throttler';
import { TokenProblem } from '../errors/token-problem';
import { TokenMetrics } from '../metrics/token-metrics';
import type { TokenProvider } from '../providers/token-provider';
import { TOKEN_SETTINGS, type TokenSettings } from '../token-settings';
import { TOKEN_THROTTLER_STORAGE } from './throttler-storage.token';
import { WindowCounter } from './window-counter';

const HOUR_MS = 60 * 60_000;

/** True for a provider whose every upstream call is billed: its own `billed`, else a per-request scope. */
export function isBilled(provider: Pick<TokenProvider, 'scope' | 'billed'>): boolean {
  return provider.billed ?? provider.scope === 'request';
}

/**
 * The hourly ceiling on a billed provider's upstream calls (`budgetPerHour`,
 * default 1000), counted per provider and clock hour through the module's
 * throttler storage, so instances sharing the store share one budget. Past
 * it: 429 `budget_exhausted` with `Retry-After` until the hour rolls over, a
 * warning logged once per provider and hour, and the
 * `token_budget_exhausted_total` metric counts each refusal.
 */
@Injectable()
export class ProviderBudget {
  private readonly logger = new Logger('TokenModule');
  private readonly counter: WindowCounter;
  /** The hour each provider was last warned about: one entry per billed provider, never more. */
  private readonly warned = new Map<string, number>();

  constructor(
    @Inject(TOKEN_SETTINGS) private readonly settings: TokenSettings,
    @Inject(TOKEN_THROTTLER_STORAGE) storage: ThrottlerStorage,
    @Optional() private readonly metrics?: TokenMetrics,
  ) {
    this.counter = new WindowCounter(storage);
  }

  /** Spends one upstream call of `provider`'s budget; throws 429 when the hour's budget is spent. Synchronous when counting in this process. */
  spend(provider: string): void | Promise<void> {
    const perHour = this.settings.budgetPerHour;
    if (perHour <= 0) return;
    const now = this.settings.clock.now();
    const hour = Math.floor(now / HOUR_MS);
    const hits = this.counter.hit(`budget:${provider}:${hour}`, HOUR_MS, 'budget');
    if (typeof hits === 'number') return this.enforce(provider, hits, perHour, now, hour);
    return hits.then((count) => this.enforce(provider, count, perHour, now, hour));
  }

  private enforce(provider: string, hits: number, perHour: number, now: number, hour: number): void {
    if (hits <= perHour) return;
    this.metrics?.budgetExhausted(provider);
    if (this.warned.get(provider) !== hour) {
      this.warned.set(provider, hour);
      this.logger.warn(`${provider}: the hourly budget of ${perHour} upstream calls is spent; its route answers 429 until the hour rolls over`);
    }
    const seconds = Math.max(1, Math.ceil(((hour + 1) * HOUR_MS - now) / 1000));
    throw new TokenProblem(429, 'budget_exhausted', 'This token service has spent its hourly budget of upstream calls; try again later.', {
      'Retry-After': String(seconds),
    });
  }
}
