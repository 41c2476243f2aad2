import { seededRandom } from '../../core/src';
import { cheapestFloorMixture, maxFundedShare } from './mixture-floor';
import { normalQuantile } from './safe-exploration';
import { arm, cheapAndStrong, toMap } from './spec-fixtures';
import { decide, type Candidate, type RoutePolicy } from './thompson-policy';

const z90 = normalQuantile(0.9);
const bound = (p: number, mi: number, vi: number, mj: number, vj: number, z: number) => p * mi + (1 - p) * mj - z * Math.sqrt(p * p * vi + (1 - p) * (1 - p) * vj);

/** The largest share keeping the bound, by bisection (the bound is concave and clears at 0). */
function bisect(mi: number, vi: number, mj: number, vj: number, t: number, z: number): number {
  if (bound(1, mi, vi, mj, vj, z) >= t) return 1;
  let lo = 0;
  let hi = 1;
  for (let k = 0; k < 80; k++) {
    const mid = (lo + hi) / 2;
    if (bound(mid, mi, vi, mj, vj, z) >= t) lo = mid;
    else hi = mid;
  }
  return lo;
}

describe('maxFundedShare', () => {
  it('is the largest share of the cheaper model whose mixture bound still clears the threshold', () => {
    const random = seededRandom(11);
    for (let k = 0; k < 500; k++) {
      const mj = 0.6 + 0.35 * random();
      const vj = 1e-5 + 0.002 * random();
      const mi = 0.2 + 0.7 * random();
      const vi = 1e-5 + 0.02 * random();
      const t = 0.5 + 0.3 * random();
      const z = 3 * random();
      const p = maxFundedShare(mi, vi, mj, vj, t, z);
      if (bound(0, mi, vi, mj, vj, z) < t) {
        expect(p).toBe(0);
        continue;
      }
      expect(p).toBeCloseTo(bisect(mi, vi, mj, vj, t, z), 6);
      expect(bound(p, mi, vi, mj, vj, z)).toBeGreaterThanOrEqual(t - 1e-8);
    }
  });

  it('grows as the cheap model gains evidence at the same mean, and is whole once it is proven', () => {
    // Anchor: mean 0.9 on 1,000 observations; cheap: mean 0.75 against a threshold of 0.8 would need
    // the anchor's surplus, mean 0.82 only its own uncertainty covered.
    const v = (m: number, n: number) => (m * (1 - m)) / (n + 1);
    const thin = maxFundedShare(0.82, v(0.82, 20), 0.9, v(0.9, 1000), 0.8, z90);
    const thicker = maxFundedShare(0.82, v(0.82, 200), 0.9, v(0.9, 1000), 0.8, z90);
    const proven = maxFundedShare(0.82, v(0.82, 20000), 0.9, v(0.9, 1000), 0.8, z90);
    expect(thin).toBeGreaterThan(0.2);
    expect(thicker).toBeGreaterThan(thin);
    expect(proven).toBe(1);
    // A model below the threshold only gets what the anchor's surplus pays for, even when certain.
    expect(maxFundedShare(0.75, 0, 0.9, 0, 0.8, z90)).toBeCloseTo(0.1 / 0.15, 6);
  });
});

describe('cheapestFloorMixture', () => {
  const costs = [1, 2, 10, 30];
  const idx = [0, 1, 2, 3];
  it('mixes the model whose inclusion pays most with a proven anchor, and is undefined with no proven model', () => {
    // 0: cheap and bad; 1: cheap and near the floor, thin; 2: proven with a surplus; 3: proven, dearer.
    const means = [0.4, 0.78, 0.9, 0.95];
    const variances = [1e-4, 0.002, 1e-4, 1e-4];
    const m = cheapestFloorMixture(idx, means, variances, costs, 0.8, z90);
    expect(m).toMatchObject({ cheap: 1, anchor: 2 });
    expect(m!.cheapShare).toBeGreaterThan(0.3);
    expect(m!.cheapShare).toBeLessThan(1);
    expect(m!.expectedCost).toBeCloseTo(m!.cheapShare * 2 + (1 - m!.cheapShare) * 10, 12);
    expect(bound(m!.cheapShare, 0.78, 0.002, 0.9, 1e-4, z90)).toBeGreaterThanOrEqual(0.8 - 1e-9);
    expect(cheapestFloorMixture(idx, [0.4, 0.78, 0.79, 0.79], variances, costs, 0.8, z90)).toBeUndefined();
  });

  it('serves a proven cheap model alone, and keeps to the given cheap side when asked', () => {
    const means = [0.4, 0.9, 0.9, 0.95];
    const variances = [1e-4, 1e-4, 1e-4, 1e-4];
    // Without the bad cheap model 0 the proven model 1 serves alone; with it, 0's small funded share pays.
    expect(cheapestFloorMixture([1, 2, 3], means, variances, costs, 0.8, z90)).toEqual({ cheap: 1, anchor: 1, cheapShare: 1, expectedCost: 2 });
    const forced = cheapestFloorMixture(idx, means, variances, costs, 0.8, z90, 0);
    expect(forced).toMatchObject({ cheap: 0, anchor: 1 });
    expect(forced!.cheapShare).toBeCloseTo((0.9 - 0.8 - z90 * Math.sqrt(1e-4 * (1 - forced!.cheapShare) ** 2 + 1e-4 * forced!.cheapShare ** 2)) / 0.5, 6);
  });
});

describe('decide with mixtureConfidence', () => {
  const policy: RoutePolicy = { qualityFloor: 0.8, priorSuccesses: 1, priorFailures: 1 };
  const mixture: RoutePolicy = { ...policy, mixtureConfidence: 0.9, mixtureExploreShare: 0 };

  it('serves an unproven cheap model about the share the proven anchor funds, where safe exploration waits', () => {
    // strong proven (0.9 on 1,000); cheap at 0.78 on 200 scores, below the floor of 0.8.
    const arms = toMap([arm('strong', 900, 100), arm('cheap', 156, 44)]);
    const share = (p: RoutePolicy) => {
      const random = seededRandom(5);
      let cheap = 0;
      for (let k = 0; k < 4000; k++) if (decide(cheapAndStrong, arms, p, random).modelId === 'cheap') cheap++;
      return cheap / 4000;
    };
    const a = 1 + 156;
    const b = 1 + 44;
    const expected = maxFundedShare(a / (a + b), (a * b) / ((a + b) ** 2 * (a + b + 1)), 901 / 1002, (901 * 101) / (1002 ** 2 * 1003), 0.8, z90);
    expect(expected).toBeGreaterThan(0.5);
    expect(share(mixture)).toBeCloseTo(expected, 1);
    expect(share({ ...policy, floorConfidence: 0.9 })).toBeLessThan(expected - 0.1);
  });

  it('changes nothing when unset: the same decisions from the same random stream', () => {
    const arms = toMap([arm('strong', 90, 10), arm('cheap', 30, 10)]);
    const r1 = seededRandom(9);
    const r2 = seededRandom(9);
    for (let k = 0; k < 200; k++) {
      expect(decide(cheapAndStrong, arms, { ...policy, floorConfidence: 0.9 }, r1)).toEqual(decide(cheapAndStrong, arms, { ...policy, floorConfidence: 0.9, mixtureConfidence: undefined }, r2));
    }
  });

  it('mixes on the prior means while a context has no evidence, and keeps the floor rule when nothing is proven later', () => {
    const candidates: Candidate[] = [
      { modelId: 'cheap', expectedCostUsd: 0.0001, eligible: true, priorQuality: 0.7 },
      { modelId: 'strong', expectedCostUsd: 0.003, eligible: true, priorQuality: 0.9 },
    ];
    const random = seededRandom(2);
    let cheap = 0;
    for (let k = 0; k < 4000; k++) if (decide(candidates, new Map(), mixture, random, { contextArms: new Map() }).modelId === 'cheap') cheap++;
    // Means 0.7 and 0.9 against 0.8: half and half.
    expect(cheap / 4000).toBeCloseTo(0.5, 1);
    // With evidence that proves nothing, the mixture stands aside (here: plain Thompson sampling).
    const thin = toMap([arm('strong', 8, 2), arm('cheap', 7, 3)]);
    const withMixture = decide(cheapAndStrong, thin, mixture, seededRandom(4));
    const without = decide(cheapAndStrong, thin, policy, seededRandom(4));
    expect(withMixture.ranked).toEqual(without.ranked);
  });
});
