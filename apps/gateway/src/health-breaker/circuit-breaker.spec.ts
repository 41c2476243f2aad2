import { CircuitBreaker } from './circuit-breaker';

describe('CircuitBreaker', () => {
  const options = { failureThreshold: 3, cooldownMs: 1000, maxCooldownMs: 3000 };
  let now = 0;
  const clock = { now: () => now };

  beforeEach(() => {
    now = 0;
  });

  it('opens after the threshold of failures in a row, and a success in between resets the count', () => {
    const b = new CircuitBreaker(clock, options);
    b.recordFailure('k');
    b.recordFailure('k');
    b.recordSuccess('k');
    b.recordFailure('k');
    b.recordFailure('k');
    expect(b.state('k')).toBe('closed');
    b.recordFailure('k');
    expect(b.state('k')).toBe('open');
    expect(b.isAvailable('k')).toBe(false);
    expect(b.isAvailable('other')).toBe(true);
  });

  it('goes half-open after the cooldown; a failed probe re-opens for twice as long (capped), a good one closes', () => {
    const b = new CircuitBreaker(clock, options);
    for (let i = 0; i < 3; i++) b.recordFailure('k');
    now = 1000;
    expect(b.state('k')).toBe('half_open');
    expect(b.isAvailable('k')).toBe(true);
    b.recordFailure('k');
    expect(b.state('k')).toBe('open');
    now = 2999;
    expect(b.state('k')).toBe('open');
    now = 3000;
    b.recordFailure('k');
    expect(b.view()[0]).toMatchObject({ cooldownMs: 3000, opens: 3 });
    now = 6000;
    b.recordSuccess('k');
    expect(b.state('k')).toBe('closed');
    expect(b.view()[0]).toMatchObject({ failures: 0, openUntil: 0, cooldownMs: 1000 });
  });
});
