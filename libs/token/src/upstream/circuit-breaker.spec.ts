import { FakeClock } from '../testing/fake-clock';
import { CircuitBreaker } from './circuit-breaker';

const THRESHOLD = 3;
const RESET_MS = 10_000;

function setup() {
  const clock = new FakeClock();
  return { clock, circuit: new CircuitBreaker(THRESHOLD, RESET_MS, clock) };
}

/** 'pass' when a call may go through now, else 'circuit_open'. */
function tryEnter(circuit: CircuitBreaker): string {
  return circuit.tryEnter() ? 'pass' : 'circuit_open';
}

function fail(circuit: CircuitBreaker, times: number): void {
  for (let i = 0; i < times; i++) {
    expect(circuit.tryEnter()).toBe(true);
    circuit.failed();
  }
}

describe('CircuitBreaker', () => {
  it('stays closed below the threshold', () => {
    const { circuit } = setup();
    fail(circuit, THRESHOLD - 1);
    expect(circuit.state).toBe('closed');
    expect(tryEnter(circuit)).toBe('pass');
  });

  it('counts failures in a row only: a success starts the count again', () => {
    const { circuit } = setup();
    fail(circuit, THRESHOLD - 1);
    expect(circuit.tryEnter()).toBe(true);
    circuit.succeeded();
    fail(circuit, THRESHOLD - 1);
    expect(tryEnter(circuit)).toBe('pass');
  });

  it('opens after threshold failures and fails fast while open', () => {
    const { circuit, clock } = setup();
    fail(circuit, THRESHOLD);
    expect(circuit.state).toBe('open');
    expect(tryEnter(circuit)).toBe('circuit_open');
    clock.advance(RESET_MS - 1);
    expect(tryEnter(circuit)).toBe('circuit_open');
  });

  it('lets exactly one probe through once resetMs has passed', () => {
    const { circuit, clock } = setup();
    fail(circuit, THRESHOLD);
    clock.advance(RESET_MS);
    expect(circuit.state).toBe('half-open');
    expect(tryEnter(circuit)).toBe('pass');
    expect(tryEnter(circuit)).toBe('circuit_open');
    expect(tryEnter(circuit)).toBe('circuit_open');
  });

  it('closes when the probe succeeds', () => {
    const { circuit, clock } = setup();
    fail(circuit, THRESHOLD);
    clock.advance(RESET_MS);
    expect(circuit.tryEnter()).toBe(true);
    circuit.succeeded();
    expect(circuit.state).toBe('closed');
    for (let i = 0; i < 5; i++) expect(tryEnter(circuit)).toBe('pass');
    // A fresh count: it takes threshold failures again to open.
    fail(circuit, THRESHOLD - 1);
    expect(tryEnter(circuit)).toBe('pass');
  });

  it('re-opens for another resetMs when the probe fails', () => {
    const { circuit, clock } = setup();
    fail(circuit, THRESHOLD);
    clock.advance(RESET_MS);
    expect(circuit.tryEnter()).toBe(true);
    clock.advance(2_000);
    circuit.failed();
    expect(circuit.state).toBe('open');
    expect(tryEnter(circuit)).toBe('circuit_open');
    clock.advance(RESET_MS - 1);
    expect(tryEnter(circuit)).toBe('circuit_open');
    clock.advance(1);
    expect(tryEnter(circuit)).toBe('pass');
  });
});
