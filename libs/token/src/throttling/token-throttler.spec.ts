import { ThrottlerStorageService } from '@nestjs/throttler';
import { TokenProblem } from '../errors/token-problem';
import type { HttpRequestLike } from '../http/http-exchange';
import type { RoutePlan } from '../http/route-plan';
import { TokenUsers } from '../http/token-users';
import { MemoryTokenStore } from '../store/memory.store';
import type { TokenStore } from '../store/token-store';
import { FakeClock } from '../testing/fake-clock';
import { resolveSettings } from '../token-settings';
import { StoreThrottlerStorage } from './store-throttler.storage';
import { TokenThrottler } from './token-throttler';

const ROUTE: Pick<RoutePlan, 'id' | 'perMinute'> = Object.freeze({ id: 'TokenController(miso)' });

function setup(perMinute = 3, store: TokenStore = new MemoryTokenStore(), storage?: ThrottlerStorageService) {
  const clock = new FakeClock();
  const settings = resolveSettings({ clock, rateLimit: { perMinute } });
  const throttler = new TokenThrottler(settings, storage ?? new StoreThrottlerStorage(store, clock), new TokenUsers(settings));
  return { clock, throttler };
}

const from = (ip: string, extra: Partial<HttpRequestLike> = {}): HttpRequestLike => ({ method: 'GET', url: '/', headers: {}, ip, ...extra });

/** The status `check` ends with: 200 when admitted, else the problem's. */
function statusOf(run: () => void | Promise<void>): number {
  try {
    const result = run();
    if (result !== undefined) throw new Error('expected a synchronous answer with the memory store');
    return 200;
  } catch (error) {
    if (error instanceof TokenProblem) return error.getStatus();
    throw error;
  }
}

describe('TokenThrottler', () => {
  it('answers synchronously in memory and refuses the 4th request of a minute with 429 and Retry-After', () => {
    const { throttler, clock } = setup(3);
    const statuses = Array.from({ length: 4 }, () => statusOf(() => throttler.check(from('10.0.0.1'), ROUTE)));
    expect(statuses).toEqual([200, 200, 200, 429]);
    clock.advance(20_000);
    // 5 hits in this minute so far: they must fade to 2 (weight 0.4) in the next one, 40 s + 36 s from now.
    expect(() => throttler.check(from('10.0.0.1'), ROUTE)).toThrow(expect.objectContaining({ headers: { 'Retry-After': '76' } }));
    clock.advance(75_000);
    expect(statusOf(() => throttler.check(from('10.0.0.1'), ROUTE))).toBe(429);
    clock.advance(20_000);
    expect(statusOf(() => throttler.check(from('10.0.0.1'), ROUTE))).toBe(200);
  });

  // The finding: a fixed window let 2 x limit through within 1.4 s across its edge.
  it('lets no second burst through at the edge of a minute', () => {
    const { throttler, clock } = setup(10);
    clock.advance(59_300);
    const before = Array.from({ length: 10 }, () => statusOf(() => throttler.check(from('10.0.0.9'), ROUTE)));
    clock.advance(1_400);
    const after = Array.from({ length: 10 }, () => statusOf(() => throttler.check(from('10.0.0.9'), ROUTE)));
    expect(before).toEqual(Array(10).fill(200));
    expect(after.filter((status) => status === 200).length).toBeLessThanOrEqual(1);
  });

  it('keeps a budget per caller and per route, and a route may have its own', () => {
    const { throttler } = setup(2);
    const billed: Pick<RoutePlan, 'id' | 'perMinute'> = { id: 'TokenController(openai)', perMinute: 1 };
    expect([1, 2].map(() => statusOf(() => throttler.check(from('10.0.0.1'), ROUTE)))).toEqual([200, 200]);
    expect(statusOf(() => throttler.check(from('10.0.0.2'), ROUTE))).toBe(200);
    expect([1, 2].map(() => statusOf(() => throttler.check(from('10.0.0.1'), billed)))).toEqual([200, 429]);
  });

  it('counts IPv6 callers by their /64, so rotating addresses in it gains nothing', () => {
    const { throttler } = setup(2);
    const statuses = ['2001:db8:1:2::a', '2001:db8:1:2::b', '2001:db8:1:2:ffff::1'].map((ip) => statusOf(() => throttler.check(from(ip), ROUTE)));
    expect(statuses).toEqual([200, 200, 429]);
  });

  it('gives refreshes a quarter of the budget (at least 1)', () => {
    const { throttler } = setup(8);
    const refresh = () => from('10.0.0.3', { method: 'POST', body: { refreshToken: 'h' } });
    expect([1, 2, 3].map(() => statusOf(() => throttler.check(refresh(), ROUTE)))).toEqual([200, 200, 429]);
  });

  it('with a shared store, counts there (two pipelined increments) and answers a promise', async () => {
    const memory = new MemoryTokenStore();
    let roundTrips = 0;
    // Any store other than the in-process one counts as shared (Redis, in production).
    const shared = { increment: (key: string, ttlMs: number) => (roundTrips++, memory.increment(key, ttlMs)) } as unknown as TokenStore;
    const { throttler } = setup(1, shared);
    await expect(throttler.check(from('10.0.0.4'), ROUTE)).resolves.toBeUndefined();
    await expect(throttler.check(from('10.0.0.4'), ROUTE)).rejects.toMatchObject({ code: 'rate_limited' });
    expect(roundTrips).toBe(4);
  });

  it("counts through any @nestjs/throttler storage's increment (the package's own here)", async () => {
    const storage = new ThrottlerStorageService();
    const increments = jest.spyOn(storage, 'increment');
    const { throttler } = setup(2, undefined, storage);
    await expect(throttler.check(from('10.0.0.5'), ROUTE)).resolves.toBeUndefined();
    await expect(throttler.check(from('10.0.0.5'), ROUTE)).resolves.toBeUndefined();
    await expect(throttler.check(from('10.0.0.5'), ROUTE)).rejects.toMatchObject({ code: 'rate_limited' });
    expect(increments).toHaveBeenCalledTimes(6);
    storage.onApplicationShutdown();
  });

  it('counts a junk X-Forwarded-For address as the socket peer', () => {
    const { throttler } = setup(2);
    const junk = (n: number) => from('x'.repeat(n), { socket: { remoteAddress: '10.9.9.9' } } as Partial<HttpRequestLike>);
    expect([100, 200, 15_000].map((n) => statusOf(() => throttler.check(junk(n), ROUTE)))).toEqual([200, 200, 429]);
  });
});
