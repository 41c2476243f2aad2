import { seededRandom } from '../../core/src';
import { applyObservation, type ArmState } from './arm-state';
import { checkDrop, guardAgainstDrop, shrinkEvidence } from './drift-detector';

const arm = (successes: number, failures: number): ArmState => ({ modelId: 'm', successes, failures, completionTokens: 10, costUsd: 1, observations: 0 });

/** Scores of one arm: quality `before` until `changeAt`, then `after`; returns the requests that raised an alarm. */
function alarms(before: number, after: number, changeAt: number, n: number, seed: number): number[] {
  const found: number[] = [];
  const random = seededRandom(seed);
  let arms: ArmState[] = [];
  let statistic = 0;
  for (let i = 0; i < n; i++) {
    const reward = random() < (i < changeAt ? before : after) ? 1 : 0;
    const guarded = guardAgainstDrop(arms, 'm', reward, statistic);
    statistic = guarded.statistic;
    if (guarded.alarm) found.push(i);
    arms = applyObservation(guarded.arms, { modelId: 'm', reward, costUsd: 0, completionTokens: 0 }, 0.9999);
  }
  return found;
}

describe('drop detector', () => {
  it('raises an alarm within a few hundred scores of a 0.15 drop', () => {
    for (const seed of [1, 2, 3, 4]) {
      const after = alarms(0.65, 0.5, 3000, 4000, seed).filter((i) => i >= 3000);
      expect(after.length).toBeGreaterThan(0);
      expect(after[0]).toBeLessThan(3700);
    }
  });

  it('rarely fires on a stationary arm and not on an improvement', () => {
    let falseAlarms = 0;
    for (const seed of [1, 2, 3, 4]) {
      falseAlarms += alarms(0.6, 0.6, 0, 20_000, seed).length;
      expect(alarms(0.5, 0.7, 3000, 8000, seed).filter((i) => i >= 3000)).toEqual([]);
    }
    // About one per 20,000 scores is the design rate; 80,000 scores here.
    expect(falseAlarms).toBeLessThanOrEqual(8);
  });

  it('does not test an arm with too little evidence', () => {
    expect(checkDrop(14.99, arm(1, 5), 0).alarm).toBe(false);
    expect(checkDrop(14.99, arm(30, 10), 0).alarm).toBe(true);
  });

  it('shrinks the alarmed arm only, keeping its mean', () => {
    const others: ArmState = { ...arm(50, 50), modelId: 'other' };
    const r = guardAgainstDrop([arm(80, 20), others], 'm', 0, 14.99);
    expect(r.alarm).toBe(true);
    expect(r.statistic).toBe(0);
    expect(r.arms[0].successes).toBeCloseTo(4);
    expect(r.arms[0].failures).toBeCloseTo(1);
    expect(r.arms[1]).toBe(others);
    expect(shrinkEvidence(arm(10, 10), 0.5).costUsd).toBeCloseTo(0.5);
  });
});
