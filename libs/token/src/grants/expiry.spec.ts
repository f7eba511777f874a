import { DEFAULT_EXPIRY_POLICY, deadlines, refreshAheadWindow, secondsLeft } from './expiry';

const NOW = Date.parse('2026-01-01T00:00:00Z');
const LOW = () => 0;
const HIGH = () => 0.999;

describe('expiry', () => {
  describe('deadlines', () => {
    it('takes 30 s off a long lifetime (margin capped at 30 s), without jitter at random() = 0', () => {
      const { expiresAt } = deadlines(1800, NOW, DEFAULT_EXPIRY_POLICY, LOW);
      expect(expiresAt).toBe(NOW + 1_770_000);
    });

    it('takes 10 % off a short lifetime', () => {
      expect(deadlines(60, NOW, DEFAULT_EXPIRY_POLICY, LOW).expiresAt).toBe(NOW + 54_000);
      expect(deadlines(300, NOW, DEFAULT_EXPIRY_POLICY, LOW).expiresAt).toBe(NOW + 270_000);
    });

    it('adds jitter bounded by jitterRatio of the margin', () => {
      const high = deadlines(1800, NOW, DEFAULT_EXPIRY_POLICY, HIGH).expiresAt;
      // margin 30 s × (1 + 0.999 × 0.2) ≈ 35.99 s: more than 30 s, never more than 36 s.
      expect(high).toBeLessThan(NOW + 1_770_000);
      expect(high).toBeGreaterThanOrEqual(NOW + 1_764_000);
      const short = deadlines(60, NOW, DEFAULT_EXPIRY_POLICY, HIGH).expiresAt;
      expect(short).toBeLessThan(NOW + 54_000);
      expect(short).toBeGreaterThanOrEqual(NOW + 52_800);
    });

    it('honours a custom jitterRatio, and none at 0', () => {
      const policy = { ...DEFAULT_EXPIRY_POLICY, jitterRatio: 0.5 };
      expect(deadlines(1800, NOW, policy, HIGH).expiresAt).toBeGreaterThanOrEqual(NOW + 1_755_000);
      const still = { ...DEFAULT_EXPIRY_POLICY, jitterRatio: 0 };
      expect(deadlines(1800, NOW, still, HIGH).expiresAt).toBe(NOW + 1_770_000);
    });

    it.each([1, 5, 60, 1800, 86_400])('puts refreshAt after receipt and before expiresAt (%i s)', (seconds) => {
      for (const random of [LOW, HIGH]) {
        const { expiresAt, refreshAt } = deadlines(seconds, NOW, DEFAULT_EXPIRY_POLICY, random);
        expect(refreshAt).toBeGreaterThan(NOW);
        expect(refreshAt).toBeLessThan(expiresAt);
        expect(expiresAt).toBeLessThan(NOW + seconds * 1000);
        expect(Number.isInteger(expiresAt) && Number.isInteger(refreshAt)).toBe(true);
      }
    });

    it('refreshes in the last 20 % of the usable lifetime by default', () => {
      const { expiresAt, refreshAt } = deadlines(1800, NOW, DEFAULT_EXPIRY_POLICY, LOW);
      expect(refreshAt).toBe(NOW + 1_416_000);
      expect(expiresAt - refreshAt).toBe(354_000);
    });

    it('counts from the server receipt time, not from anything else', () => {
      const a = deadlines(600, NOW, DEFAULT_EXPIRY_POLICY, LOW);
      const b = deadlines(600, NOW + 5000, DEFAULT_EXPIRY_POLICY, LOW);
      expect(b.expiresAt - a.expiresAt).toBe(5000);
    });

    it('never puts a deadline before receipt for a zero or negative lifetime', () => {
      for (const seconds of [0, -10]) {
        const { expiresAt, refreshAt } = deadlines(seconds, NOW, DEFAULT_EXPIRY_POLICY, HIGH);
        expect(expiresAt).toBeGreaterThanOrEqual(NOW);
        expect(refreshAt).toBeGreaterThanOrEqual(NOW);
      }
    });
  });

  describe('refreshAheadWindow', () => {
    it.each([
      [1_770_000, 354_000], // a fifth
      [54_000, 10_800],
      [50_000, 10_000], // at least 10 s
      [27_000, 10_000], // the 30 s token
      [20_000, 10_000],
      [9_000, 4_500], // never more than half
      [0, 0],
    ])('of a grant usable for %i ms is %i ms', (usable, window) => {
      expect(refreshAheadWindow(usable, DEFAULT_EXPIRY_POLICY)).toBe(window);
    });

    it('puts refreshAt that far before expiresAt', () => {
      const { expiresAt, refreshAt } = deadlines(30, NOW, DEFAULT_EXPIRY_POLICY, LOW);
      expect(expiresAt - NOW).toBe(27_000);
      expect(expiresAt - refreshAt).toBe(10_000);
    });
  });

  describe('secondsLeft', () => {
    it('is whole seconds, rounded down', () => {
      expect(secondsLeft(NOW + 1_740_999, NOW)).toBe(1740);
      expect(secondsLeft(NOW + 2_500, NOW)).toBe(2);
    });

    it('is never less than 1, even at or past expiry', () => {
      expect(secondsLeft(NOW + 999, NOW)).toBe(1);
      expect(secondsLeft(NOW, NOW)).toBe(1);
      expect(secondsLeft(NOW - 60_000, NOW)).toBe(1);
    });
  });
});
