import { Logger } from '@nestjs/common';
import { TokenProblem } from '../errors/token-problem';
import { MemoryTokenStore } from '../store/memory.store';
import { FakeClock } from '../testing/fake-clock';
import { resolveSettings } from '../token-settings';
import { isBilled, ProviderBudget } from './provider-budget';
import { StoreThrottlerStorage } from './store-throttler.storage';

function setup(budgetPerHour: number) {
  const clock = new FakeClock();
  const settings = resolveSettings({ clock, budgetPerHour });
  const exhausted: string[] = [];
  const metrics = { budgetExhausted: (provider: string) => exhausted.push(provider) };
  const budget = new ProviderBudget(settings, new StoreThrottlerStorage(new MemoryTokenStore({ clock }), clock), metrics as never);
  return { clock, budget, exhausted };
}

const refusal = (run: () => unknown): TokenProblem | undefined => {
  try {
    run();
    return undefined;
  } catch (error) {
    return error as TokenProblem;
  }
};

describe('ProviderBudget', () => {
  it('refuses past the hourly budget with 429 budget_exhausted until the hour rolls over, warning once an hour', () => {
    const warn = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    const { clock, budget, exhausted } = setup(3);
    clock.advance(15 * 60_000);
    for (let n = 0; n < 3; n++) expect(refusal(() => budget.spend('openai'))).toBeUndefined();
    const problem = refusal(() => budget.spend('openai'))!;
    expect({ status: problem.getStatus(), code: problem.code, headers: problem.headers }).toEqual({
      status: 429,
      code: 'budget_exhausted',
      headers: { 'Retry-After': String(45 * 60) },
    });
    expect(refusal(() => budget.spend('openai'))?.code).toBe('budget_exhausted');
    expect(refusal(() => budget.spend('gemini'))).toBeUndefined();
    expect(exhausted).toEqual(['openai', 'openai']);
    expect(warn).toHaveBeenCalledTimes(1);
    clock.advance(45 * 60_000);
    expect(refusal(() => budget.spend('openai'))).toBeUndefined();
    for (let n = 0; n < 3; n++) refusal(() => budget.spend('openai'));
    expect(warn).toHaveBeenCalledTimes(2);
    warn.mockRestore();
  });

  it('0 turns the ceiling off; billed means the per-request scope unless a provider says otherwise', () => {
    const { budget } = setup(0);
    for (let n = 0; n < 50; n++) expect(refusal(() => budget.spend('openai'))).toBeUndefined();
    expect(isBilled({ scope: 'request' })).toBe(true);
    expect(isBilled({ scope: 'application' })).toBe(false);
    expect(isBilled({ scope: 'application', billed: true })).toBe(true);
    expect(isBilled({ scope: 'request', billed: false })).toBe(false);
  });
});
