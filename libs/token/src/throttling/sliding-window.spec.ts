import { slidingVerdict } from './sliding-window';

const W = 60_000;

/**
 * A caller that sends whenever it would be admitted, every `stepMs`, with
 * every hit counted (refused ones too) as the token throttler counts them.
 * Answers the times of the admitted requests.
 */
function greedy(limit: number, durationMs: number, stepMs: number, start = 0): number[] {
  const counters = new Map<number, number>();
  const hit = (window: number) => counters.set(window, (counters.get(window) ?? 0) + 1).get(window)!;
  const admitted: number[] = [];
  for (let now = start; now < start + durationMs; now += stepMs) {
    for (;;) {
      const window = Math.floor(now / W);
      const previousRaw = hit(window - 1);
      const current = hit(window);
      if (!slidingVerdict(current, previousRaw, now, W, limit).allowed) break;
      admitted.push(now);
    }
  }
  return admitted;
}

/** Most admitted requests within any span of `spanMs`. */
function mostWithin(times: number[], spanMs: number): number {
  let most = 0;
  for (let i = 0, j = 0; i < times.length; i++) {
    while (times[i] - times[j] >= spanMs) j++;
    most = Math.max(most, i - j + 1);
  }
  return most;
}

describe('slidingVerdict', () => {
  it('admits up to the limit in a fresh window and refuses the next with a Retry-After', () => {
    expect(slidingVerdict(3, 3, 0, W, 3)).toEqual({ allowed: true, retryAfterS: 0 });
    const refused = slidingVerdict(4, 4, 0, W, 3);
    expect(refused.allowed).toBe(false);
    expect(refused.retryAfterS).toBe(90);
  });

  it('weighs the previous window by how much of it is still within the last minute', () => {
    // 10 hits last minute, 15 s into this one: 10 x 0.75 + 3 = 10.5 > 10.
    expect(slidingVerdict(3, 13, 15_000, W, 10).allowed).toBe(false);
    expect(slidingVerdict(3, 13, 30_000, W, 10).allowed).toBe(true);
  });

  // The documented worst case: at most limit + ceil(limit x d / W) in any span d (a fixed window: 2 x limit).
  it.each([
    [10, 1_400],
    [10, 30_000],
    [10, 60_000],
    [60, 1_000],
    [60, 60_000],
  ])('a greedy caller gets at most limit + ceil(limit x d / 60 s) through in any %d-per-minute span of %d ms', (limit, span) => {
    for (const start of [0, 59_000, 59_900]) {
      const admitted = greedy(limit, 5 * W, 100, start);
      expect(mostWithin(admitted, span)).toBeLessThanOrEqual(limit + Math.ceil((limit * span) / W));
    }
  });
});
