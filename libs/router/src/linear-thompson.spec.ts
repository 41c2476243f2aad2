import { seededRandom } from '../../core/src';
import { applyLinearObservation, emptyLinearArm, linearArmsAsBeta, linearBelief } from './linear-thompson';

describe('linear Thompson state', () => {
  it('recovers per-feature success rates from one-hot contexts', () => {
    const random = seededRandom(3);
    let arm = emptyLinearArm('m', 3, 1);
    const truth = [0.2, 0.9];
    for (let i = 0; i < 4000; i++) {
      const k = random() < 0.5 ? 0 : 1;
      const x = [1, k === 0 ? 1 : 0, k === 1 ? 1 : 0];
      arm = applyLinearObservation(arm, x, random() < truth[k] ? 1 : 0);
    }
    expect(linearBelief(arm, [1, 1, 0]).mean).toBeCloseTo(0.2, 1);
    expect(linearBelief(arm, [1, 0, 1]).mean).toBeCloseTo(0.9, 1);
    expect(arm.observations).toBe(4000);
  });

  it('keeps the inverse precision equal to the inverse of lambda I + sum x x^T', () => {
    let arm = emptyLinearArm('m', 2, 2);
    const xs = [
      [1, 0],
      [1, 1],
      [0, 1],
    ];
    for (const x of xs) arm = applyLinearObservation(arm, x, 1);
    // A = 2I + [[2,1],[1,2]] = [[4,1],[1,4]]; A^-1 = [[4,-1],[-1,4]] / 15
    const expected = [4 / 15, -1 / 15, -1 / 15, 4 / 15];
    arm.precisionInverse.forEach((v, i) => expect(v).toBeCloseTo(expected[i], 10));
  });

  it('shrinks variance with evidence and maps beliefs to Beta evidence of the same mean', () => {
    let arm = emptyLinearArm('m', 1, 1);
    const before = linearBelief(arm, [1]).variance;
    for (let i = 0; i < 100; i++) arm = applyLinearObservation(arm, [1], i % 4 === 0 ? 0 : 1);
    const after = linearBelief(arm, [1]);
    expect(after.variance).toBeLessThan(before / 50);
    const beta = linearArmsAsBeta([arm], [1]).get('m');
    expect(beta).toBeDefined();
    if (!beta) return;
    expect(beta.successes / (beta.successes + beta.failures)).toBeCloseTo(after.mean, 6);
  });
});
