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

  it('keeps at most maxKeptEvidence of a heavily used arm, at its mean', () => {
    const r = guardAgainstDrop([arm(2000, 1000)], 'm', 0, 14.99);
    expect(r.alarm).toBe(true);
    expect(r.arms[0].successes + r.arms[0].failures).toBeCloseTo(30);
    expect(r.arms[0].successes / (r.arms[0].successes + r.arms[0].failures)).toBeCloseTo(2 / 3);
    const wider = guardAgainstDrop([arm(2000, 1000)], 'm', 0, 14.99, { maxKeptEvidence: Infinity });
    expect(wider.arms[0].successes + wider.arms[0].failures).toBeCloseTo(150);
  });

  it('lets a long-used arm that regressed fall below the floor within a few dozen scores of the alarm', () => {
    // 20,000 scores at 0.65, then 0.5: how many scores after the alarm until the mean is under 0.57?
    for (const seed of [1, 2, 3, 4]) {
      const random = seededRandom(seed);
      let arms: ArmState[] = [];
      let statistic = 0;
      let alarmAt = -1;
      let belowAt = -1;
      for (let i = 0; i < 24_000 && belowAt < 0; i++) {
        const reward = random() < (i < 20_000 ? 0.65 : 0.5) ? 1 : 0;
        const guarded = guardAgainstDrop(arms, 'm', reward, statistic);
        statistic = guarded.statistic;
        if (guarded.alarm && i >= 20_000 && alarmAt < 0) alarmAt = i;
        arms = applyObservation(guarded.arms, { modelId: 'm', reward, costUsd: 0, completionTokens: 0 }, 0.9999);
        if (alarmAt >= 0 && arms[0].successes / (arms[0].successes + arms[0].failures) < 0.57) belowAt = i;
      }
      expect(alarmAt).toBeGreaterThanOrEqual(20_000);
      // With 5% of about 10,000 kept (500 at 0.65) it would take several hundred scores.
      expect(belowAt - alarmAt).toBeLessThan(100);
    }
  });
});
