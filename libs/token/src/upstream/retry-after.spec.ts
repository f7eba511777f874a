import { UpstreamError } from '../errors/upstream-error';
import { FakeClock } from '../testing/fake-clock';
import { CircuitBreaker } from './circuit-breaker';
import { MAX_THROTTLED_MS, throttledForMs } from './retry-after';

const throttled = (retryAfter: string) => Object.assign(new UpstreamError('openai', 'rejected', 429), { retryAfter });

describe('throttledForMs', () => {
  it("reads a 429's Retry-After in seconds or as a date, within 1 s and 5 min", () => {
    const now = Date.parse('2026-01-01T00:00:00Z');
    expect(throttledForMs(throttled('30'), 10_000, now)).toBe(30_000);
    expect(throttledForMs(throttled('Thu, 01 Jan 2026 00:00:20 GMT'), 10_000, now)).toBe(20_000);
    expect(throttledForMs(throttled(''), 10_000, now)).toBe(10_000);
    expect(throttledForMs(throttled('junk'), 10_000, now)).toBe(10_000);
    expect(throttledForMs(throttled('0'), 10_000, now)).toBe(1_000);
    expect(throttledForMs(throttled('999999'), 10_000, now)).toBe(MAX_THROTTLED_MS);
  });

  it('is undefined for any other failure', () => {
    expect(throttledForMs(new UpstreamError('openai', 'rejected', 401), 10_000)).toBeUndefined();
    expect(throttledForMs(new UpstreamError('openai', 'failed', 503), 10_000)).toBeUndefined();
    expect(throttledForMs(new Error('x'), 10_000)).toBeUndefined();
  });
});

describe('CircuitBreaker.openFor', () => {
  it('opens at once for the given time, then lets one probe through', () => {
    const clock = new FakeClock();
    const circuit = new CircuitBreaker(5, 10_000, clock);
    circuit.openFor(30_000);
    expect(circuit.tryEnter()).toBe(false);
    clock.advance(29_999);
    expect(circuit.state).toBe('open');
    clock.advance(1);
    expect(circuit.tryEnter()).toBe(true);
    circuit.failed();
    expect(circuit.state).toBe('open');
    clock.advance(10_000);
    expect(circuit.state).toBe('half-open');
  });
});
