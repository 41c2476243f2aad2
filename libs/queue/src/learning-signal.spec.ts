import { learningChannel, throttle } from './learning-signal';

/** A manual timer: `tick()` fires the timers due so far, in order. */
function manualTimers() {
  let now = 0;
  const timers: Array<{ at: number; run: () => void }> = [];
  return {
    schedule: (run: () => void, ms: number) => {
      timers.push({ at: now + ms, run });
      return {};
    },
    advance(ms: number) {
      now += ms;
      for (;;) {
        timers.sort((a, b) => a.at - b.at);
        if (!timers.length || timers[0].at > now) return;
        timers.shift()!.run();
      }
    },
  };
}

describe('throttle', () => {
  it('runs the first call at once and folds the calls of one interval into one trailing call', () => {
    const timers = manualTimers();
    let runs = 0;
    const call = throttle(() => runs++, 50, timers.schedule);
    call();
    expect(runs).toBe(1);
    call();
    call();
    call();
    expect(runs).toBe(1);
    timers.advance(49);
    expect(runs).toBe(1);
    timers.advance(1);
    expect(runs).toBe(2);
    // Quiet for an interval: the next call runs at once again.
    timers.advance(50);
    call();
    expect(runs).toBe(3);
  });

  it('runs nothing trailing when nothing was called during the interval, and nothing after cancel', () => {
    const timers = manualTimers();
    let runs = 0;
    const call = throttle(() => runs++, 50, timers.schedule);
    call();
    timers.advance(500);
    expect(runs).toBe(1);
    call();
    call();
    call.cancel();
    timers.advance(500);
    call();
    expect(runs).toBe(2);
  });

  it('keeps a steady stream of calls to one run per interval', () => {
    const timers = manualTimers();
    let runs = 0;
    const call = throttle(() => runs++, 20, timers.schedule);
    for (let t = 0; t < 1000; t++) {
      call();
      timers.advance(1);
    }
    expect(runs).toBeGreaterThanOrEqual(49);
    expect(runs).toBeLessThanOrEqual(51);
  });
});

describe('learningChannel', () => {
  it('lives under the queue prefix, so test runs and deployments sharing a Redis do not hear each other', () => {
    expect(learningChannel('t1')).toBe('t1:scoring:learned');
    expect(learningChannel()).toBe('bull:scoring:learned');
  });
});
