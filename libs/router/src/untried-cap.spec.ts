import { seededRandom } from '../../core/src';
import { decide } from './thompson-policy';
import { arm, cheapAndStrong, toMap } from './spec-fixtures';
import { hasNoScore, routeUntriedCap, UNTRIED_WARMUP_EVIDENCE, untriedShareOf } from './untried-cap';

describe('the untried cap a route decides with', () => {
  it('is the route share while some candidate has no scored answer, none once all have one', () => {
    expect(untriedShareOf(0.1, true)).toBe(0.1);
    expect(untriedShareOf(0.1, false)).toBeUndefined();
    expect(untriedShareOf(undefined, true)).toBeUndefined();
  });

  it('counts scored answers, not evidence: a faded or forgotten arm is scored', () => {
    expect(hasNoScore(undefined)).toBe(true);
    expect(hasNoScore({ observations: 0 })).toBe(true);
    expect(hasNoScore({ observations: 1 })).toBe(false);
    const faded = { ...arm('cheap', 0, 0), observations: 40 };
    const strong = arm('strong', 50, 10);
    expect(routeUntriedCap(0.1, cheapAndStrong, toMap([faded, strong]))).toEqual({ maxUntriedShare: undefined, warmupEvidence: UNTRIED_WARMUP_EVIDENCE });
    expect(routeUntriedCap(0.1, cheapAndStrong, toMap([strong]))).toEqual({ maxUntriedShare: 0.1, warmupEvidence: UNTRIED_WARMUP_EVIDENCE });
  });

  it("bounds an untried cheap model's share while it has no score, and lets a scored one take its draws", () => {
    const random = seededRandom(2027);
    const policy = { qualityFloor: 0.5, priorSuccesses: 1, priorFailures: 1 };
    const shareOfCheap = (arms: Map<string, ReturnType<typeof arm>>) => {
      let cheap = 0;
      for (let i = 0; i < 2000; i++) if (decide(cheapAndStrong, arms, { ...policy, ...routeUntriedCap(0.1, cheapAndStrong, arms) }, random).modelId === 'cheap') cheap++;
      return cheap / 2000;
    };
    // Untried: the cheap model wins most draws (the floor is low) but is taken only with probability 0.1.
    const untried = shareOfCheap(toMap([arm('strong', 80, 20)]));
    expect(untried).toBeGreaterThan(0.03);
    expect(untried).toBeLessThan(0.14);
    // Scored once, with its evidence faded to almost nothing: no cap, so it takes the draws it wins.
    const scored = shareOfCheap(toMap([arm('strong', 80, 20), { ...arm('cheap', 0.3, 0.1), observations: 1 }]));
    expect(scored).toBeGreaterThan(0.4);
  });
});
