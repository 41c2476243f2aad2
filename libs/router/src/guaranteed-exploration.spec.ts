import { seededRandom, type Random } from '../../core/src';
import {
  GUARANTEED_CHEAPER_BY,
  GUARANTEED_FUND_Z,
  GUARANTEED_LATE_EVIDENCE,
  GUARANTEED_REFUTE_Z,
  GUARANTEED_REFUTE_Z_LATE,
  cheapestEligibleProven,
  guaranteedExploration,
  guaranteedRefuteZ,
} from './guaranteed-exploration';
import { lowerQuantile, normalQuantile } from './safe-exploration';
import { arm, cheapAndStrong, toMap } from './spec-fixtures';
import { decide, type Candidate, type RoutePolicy } from './thompson-policy';

const threshold = 0.8;
const z = normalQuantile(0.8);

/** Beta posteriors (a, b), costs and context evidence (0 unless listed) per model, all eligible unless listed. */
function setup(models: Array<{ a: number; b: number; cost: number; eligible?: boolean; evidence?: number }>) {
  const posteriorA = models.map((m) => m.a);
  const posteriorB = models.map((m) => m.b);
  return {
    candidates: models.map((m) => ({ expectedCostUsd: m.cost })),
    eligible: Uint8Array.from(models.map((m) => (m.eligible === false ? 0 : 1))),
    means: models.map((m) => m.a / (m.a + m.b)),
    lower: models.map((m) => lowerQuantile(m.a, m.b, z)),
    posteriorA,
    posteriorB,
    evidence: models.map((m) => m.evidence ?? 0),
  };
}

/** The funding's gap for model i against the home (index 0): max(S, home mean - its quantile at GUARANTEED_FUND_Z). */
function fundGap(s: ReturnType<typeof setup>, i: number): number {
  const surplus = s.means[0] - threshold;
  return Math.max(surplus, s.means[0] - lowerQuantile(s.posteriorA[i], s.posteriorB[i], GUARANTEED_FUND_Z));
}

function run(s: ReturnType<typeof setup>, share: number, random: Random) {
  return guaranteedExploration(s.candidates, s.eligible, s.means, s.lower, s.posteriorA, s.posteriorB, s.evidence, threshold, share, random);
}

/** A random source that returns `u` and counts its calls. */
function fixed(u: number): Random & { calls: number } {
  const r = Object.assign(() => {
    r.calls++;
    return u;
  }, { calls: 0 });
  return r;
}

// home: proven at 0.8 (mean 0.9, lower about 0.89); cheap: unproven (mean 0.7), not refuted at z = 1.
const home = { a: 900, b: 100, cost: 1 };
const cheap = { a: 7, b: 3, cost: 0.1 };

describe('guaranteedExploration', () => {
  it('forces nothing, and draws nothing, without a proven home', () => {
    const s = setup([{ a: 7, b: 3, cost: 1 }, cheap]);
    const random = fixed(0);
    expect(run(s, 0.3, random)).toEqual({ explored: -1, surplusLeft: 1 });
    expect(random.calls).toBe(0);
  });

  it('forces nothing when the proven home is not eligible', () => {
    const s = setup([{ ...home, eligible: false }, cheap]);
    expect(run(s, 0.3, fixed(0))).toEqual({ explored: -1, surplusLeft: 1 });
  });

  it('does not explore a refuted model (upper quantile at z = 1 under the threshold), nor one costing more than half the home', () => {
    const refuted = { a: 60, b: 40, cost: 0.1 };
    expect(lowerQuantile(60, 40, -1)).toBeLessThan(threshold);
    const random = fixed(0);
    expect(run(setup([home, refuted]), 0.3, random)).toEqual({ explored: -1, surplusLeft: 1 });
    expect(run(setup([home, { ...cheap, cost: GUARANTEED_CHEAPER_BY }]), 0.3, random)).toEqual({ explored: -1, surplusLeft: 1 });
    expect(run(setup([home, { ...cheap, eligible: false }]), 0.3, random)).toEqual({ explored: -1, surplusLeft: 1 });
    expect(random.calls).toBe(0);
  });

  it('refutes a model with GUARANTEED_LATE_EVIDENCE context observations or more at GUARANTEED_REFUTE_Z_LATE (round 25)', () => {
    expect(guaranteedRefuteZ(0)).toBe(GUARANTEED_REFUTE_Z);
    expect(guaranteedRefuteZ(GUARANTEED_LATE_EVIDENCE - 1)).toBe(GUARANTEED_REFUTE_Z);
    expect(guaranteedRefuteZ(GUARANTEED_LATE_EVIDENCE)).toBe(GUARANTEED_REFUTE_Z_LATE);
    // Just under the threshold: its upper quantile clears it at z 1, not at z 0.5.
    const lure = { a: 181, b: 51, cost: 0.1 };
    expect(lowerQuantile(lure.a, lure.b, -GUARANTEED_REFUTE_Z)).toBeGreaterThan(threshold);
    expect(lowerQuantile(lure.a, lure.b, -GUARANTEED_REFUTE_Z_LATE)).toBeLessThan(threshold);
    // On thin evidence it keeps its share (round 23's rule); with GUARANTEED_LATE_EVIDENCE it is refuted, and nothing is drawn.
    expect(run(setup([home, { ...lure, evidence: GUARANTEED_LATE_EVIDENCE - 1 }]), 0.3, fixed(0)).explored).toBe(1);
    const random = fixed(0);
    expect(run(setup([home, { ...lure, evidence: GUARANTEED_LATE_EVIDENCE }]), 0.3, random)).toEqual({ explored: -1, surplusLeft: 1 });
    expect(random.calls).toBe(0);
  });

  it("bounds each model's share by the share and by the home's surplus, one draw per request", () => {
    const s = setup([home, cheap]);
    const surplus = s.means[0] - threshold;
    const bySurplus = surplus / fundGap(s, 1);
    expect(bySurplus).toBeGreaterThan(0.05);
    expect(bySurplus).toBeLessThan(0.5);
    // share 0.5: the surplus binds.
    expect(run(s, 0.5, fixed(bySurplus - 1e-9)).explored).toBe(1);
    expect(run(s, 0.5, fixed(bySurplus + 1e-9)).explored).toBe(-1);
    // share 0.05: the share binds.
    expect(run(s, 0.05, fixed(0.05 - 1e-9)).explored).toBe(1);
    expect(run(s, 0.05, fixed(0.05 + 1e-9)).explored).toBe(-1);
    const random = fixed(0.99);
    run(s, 0.5, random);
    expect(random.calls).toBe(1);
  });

  it('splits the surplus between k models, each in its own interval of the draw', () => {
    const s = setup([home, cheap, { a: 8, b: 3, cost: 0.2 }]);
    const surplus = s.means[0] - threshold;
    const p1 = surplus / (2 * fundGap(s, 1));
    const p2 = surplus / (2 * fundGap(s, 2));
    expect(run(s, 0.5, fixed(p1 - 1e-9)).explored).toBe(1);
    expect(run(s, 0.5, fixed(p1 + 1e-9)).explored).toBe(2);
    expect(run(s, 0.5, fixed(p1 + p2 + 1e-9)).explored).toBe(-1);
  });

  it("funds each model as if it were as bad as its quantile GUARANTEED_FUND_Z below its mean, not the floorConfidence's lower quantile (round 23)", () => {
    const s = setup([home, cheap]);
    const surplus = s.means[0] - threshold;
    const atFundZ = surplus / (s.means[0] - lowerQuantile(7, 3, GUARANTEED_FUND_Z));
    const atFloorConfidence = surplus / (s.means[0] - s.lower[1]);
    expect(GUARANTEED_FUND_Z).toBeLessThan(z);
    expect(atFundZ).toBeGreaterThan(atFloorConfidence + 0.02);
    // A draw between the two shares explores under the round-23 rule and would not have under round 21's.
    expect(run(s, 0.5, fixed((atFundZ + atFloorConfidence) / 2)).explored).toBe(1);
    expect(run(s, 0.5, fixed(atFundZ + 1e-9)).explored).toBe(-1);
  });

  it('never funds more than 1 / k per model: the gap is at least the surplus', () => {
    // Unproven at 0.8 (lower quantile about 0.788) but its quantile at GUARANTEED_FUND_Z (about 0.805) clears the threshold.
    const near = { a: 46.5, b: 9.5, cost: 0.1 };
    expect(lowerQuantile(near.a, near.b, z)).toBeLessThan(threshold);
    expect(lowerQuantile(near.a, near.b, GUARANTEED_FUND_Z)).toBeGreaterThan(threshold);
    const s = setup([home, near, { ...near, cost: 0.2 }]);
    expect(fundGap(s, 1)).toBeCloseTo(s.means[0] - threshold, 12);
    // k = 2: each gets exactly half of the requests (share 0.5 does not bind below it), together all of them.
    expect(run(s, 0.5, fixed(0.5 - 1e-9)).explored).toBe(1);
    expect(run(s, 0.5, fixed(0.5 + 1e-9)).explored).toBe(2);
    expect(run(s, 0.5, fixed(1 - 1e-9)).explored).toBe(2);
  });

  it('with earned evidence (refuteOnEarnedEvidence): refutes on that posterior, and never below its minimum evidence', () => {
    // A price prior of 0.5 behind 4 pseudo-observations: upper quantile at z 1 about 0.72, refuted as it stands.
    const priced = { a: 2, b: 2, cost: 0.1 };
    expect(lowerQuantile(priced.a, priced.b, -GUARANTEED_REFUTE_Z)).toBeLessThan(threshold);
    const s = setup([home, priced]);
    const earned = (a: number, b: number, evidence: number) => ({ a: [900, a], b: [100, b], evidence: [1000, evidence], minEvidence: 4 });
    const withEarned = (e: ReturnType<typeof earned>) =>
      guaranteedExploration(s.candidates, s.eligible, s.means, s.lower, s.posteriorA, s.posteriorB, s.evidence, threshold, 0.3, fixed(0), undefined, e);
    expect(run(s, 0.3, fixed(0)).explored).toBe(-1);
    // No observations of its own: not refuted, though even the neutral Beta(1, 1) has its upper quantile under 0.8.
    expect(lowerQuantile(1, 1, -GUARANTEED_REFUTE_Z)).toBeLessThan(threshold);
    expect(withEarned(earned(1, 1, 0)).explored).toBe(1);
    expect(withEarned(earned(2, 3, 3)).explored).toBe(1);
    // Enough evidence of its own: refuted when it says so (2 of 5), kept when it does not (5 of 5).
    expect(withEarned(earned(3, 4, 5)).explored).toBe(-1);
    expect(lowerQuantile(6, 1, -GUARANTEED_REFUTE_Z)).toBeGreaterThan(threshold);
    expect(withEarned(earned(6, 1, 5)).explored).toBe(1);
  });

  it('leaves the ordinary funded exploration what the guaranteed shares did not spend', () => {
    const s = setup([home, cheap]);
    const surplus = s.means[0] - threshold;
    const gap = fundGap(s, 1);
    // The surplus binds: all of it is spent, none is left.
    expect(run(s, 0.5, fixed(0.99)).surplusLeft).toBeCloseTo(0, 12);
    // The share binds: 1 - 0.05 x gap / S of the surplus is left, over the 95% of requests that reach the rule.
    expect(run(s, 0.05, fixed(0.99)).surplusLeft).toBeCloseTo((1 - (0.05 * gap) / surplus) / 0.95, 12);
  });
});

describe('guaranteedExploration from a home found by its caller (routing round 32)', () => {
  it('finds the cheapest eligible proven model, the first of the cheapest on a tie, -1 for none', () => {
    const s = setup([{ ...home, cost: 2 }, cheap, { ...home, cost: 1 }, { ...home, cost: 1 }, { ...home, cost: 0.5, eligible: false }]);
    expect(cheapestEligibleProven(s.candidates, s.eligible, s.lower, threshold)).toBe(2);
    expect(cheapestEligibleProven(s.candidates, s.eligible, s.lower, 0.95)).toBe(-1);
  });

  it('gives the answer it finds itself, and takes the same draws, when handed that home', () => {
    const source = seededRandom(32);
    let explored = 0;
    let left = 0;
    for (let c = 0; c < 3000; c++) {
      const models = Array.from({ length: 1 + Math.floor(source() * 12) }, () => {
        const k = source() < 0.1 ? 0.5 : source() * 400;
        const q = 0.5 + 0.5 * source();
        return { a: 1 + q * k, b: 1 + (1 - q) * k, cost: [0.1, 0.2, 0.5, 1, 2][Math.floor(source() * 5)], eligible: source() < 0.9, evidence: source() < 0.2 ? 250 : source() * 50 };
      });
      const s = setup(models);
      const share = [0.05, 0.3, 0.5][c % 3];
      const seed = Math.floor(source() * 1e9);
      const r1 = seededRandom(seed);
      const r2 = seededRandom(seed);
      const found = run(s, share, r1);
      const home = cheapestEligibleProven(s.candidates, s.eligible, s.lower, threshold);
      const handed = guaranteedExploration(s.candidates, s.eligible, s.means, s.lower, s.posteriorA, s.posteriorB, s.evidence, threshold, share, r2, home);
      expect(handed).toEqual(found);
      expect(r2()).toBe(r1());
      if (found.explored >= 0) explored++;
      else if (found.surplusLeft < 1) left++;
    }
    // The cases reach both of the rule's answers.
    expect(explored).toBeGreaterThan(50);
    expect(left).toBeGreaterThan(50);
  });
});

describe('decide with exploreCheaperShare', () => {
  const safe: RoutePolicy = { qualityFloor: threshold, priorSuccesses: 1, priorFailures: 1, floorConfidence: 0.8 };
  // strong is proven (mean 0.9); cheap has thin evidence with a mean under the floor, not refuted.
  const arms = toMap([arm('strong', 900, 100), arm('cheap', 6, 2)]);
  const cheapShare = (policy: RoutePolicy, n: number, random: Random) => {
    let k = 0;
    for (let i = 0; i < n; i++) if (decide(cheapAndStrong, arms, policy, random).modelId === 'cheap') k++;
    return k / n;
  };

  it("serves the cheap unproven model on the share its surplus pays for, whatever its draw, and no more", () => {
    const mean = 901 / 1002;
    const bySurplus = (mean - threshold) / (mean - lowerQuantile(7, 3, GUARANTEED_FUND_Z));
    const without = cheapShare(safe, 8000, seededRandom(5));
    const withShare = cheapShare({ ...safe, exploreCheaperShare: 0.5 }, 8000, seededRandom(5));
    expect(without).toBeLessThan(bySurplus - 0.05);
    // The guaranteed share spends the whole surplus: nothing is left for the funded exploration.
    expect(withShare).toBeGreaterThan(bySurplus - 0.02);
    expect(withShare).toBeLessThan(bySurplus + 0.02);
    // In expectation the mix still reaches the threshold even if cheap were as bad as its quantile at GUARANTEED_FUND_Z.
    expect(withShare * lowerQuantile(7, 3, GUARANTEED_FUND_Z) + (1 - withShare) * mean).toBeGreaterThan(threshold - 0.005);
  });

  it("with refuteOnEarnedEvidence, serves a cheap model its price prior refutes before its first score (round 34)", () => {
    // The gateway's learning run: floor 0.8, strong proven on 100 successes, cheap untried with the price prior 0.5.
    const priced: Candidate[] = [
      { ...cheapAndStrong[0], priorQuality: 0.5 },
      { ...cheapAndStrong[1], priorQuality: 0.8 },
    ];
    const proven = toMap([arm('strong', 100, 0)]);
    const policy: RoutePolicy = { ...safe, exploreCheaperShare: 0.3 };
    const share = (p: RoutePolicy) => {
      const random = seededRandom(3);
      let k = 0;
      for (let i = 0; i < 2000; i++) if (decide(priced, proven, p, random).modelId === 'cheap') k++;
      return k / 2000;
    };
    // Refuted: only the funded exploration's rare draws over 0.8 reach it. Not refuted: the guaranteed share (0.3) binds.
    expect(share(policy)).toBeLessThan(0.05);
    expect(share({ ...policy, refuteOnEarnedEvidence: true })).toBeGreaterThan(0.27);
    // Without exploreCheaperShare the field changes nothing, draw for draw.
    const r1 = seededRandom(4);
    const r2 = seededRandom(4);
    for (let i = 0; i < 300; i++) expect(decide(priced, proven, safe, r1)).toEqual(decide(priced, proven, { ...safe, refuteOnEarnedEvidence: true }, r2));
  });

  describe("refuteOnEarnedEvidence: 'grace' (round 45)", () => {
    // The learning run's pair: floor 0.8, strong proven on 100 successes, cheap with a price prior under the floor.
    const priced = (prior: number): Candidate[] => [
      { ...cheapAndStrong[0], priorQuality: prior },
      { ...cheapAndStrong[1], priorQuality: 0.8 },
    ];
    const policy: RoutePolicy = { ...safe, exploreCheaperShare: 0.3 };
    const share = (candidates: Candidate[], armsNow: ReturnType<typeof toMap>, p: RoutePolicy) => {
      const random = seededRandom(3);
      let k = 0;
      for (let i = 0; i < 2000; i++) if (decide(candidates, armsNow, p, random).modelId === 'cheap') k++;
      return k / 2000;
    };

    it('does not refute on a price prior under the floor before priorQualityWeight (4) observations', () => {
      // The price prior 0.5 behind 4 pseudo-observations: its upper quantile at z 1 is under 0.8, refuted without the option.
      expect(lowerQuantile(2, 2, -GUARANTEED_REFUTE_Z)).toBeLessThan(threshold);
      for (const observed of [toMap([arm('strong', 100, 0)]), toMap([arm('strong', 100, 0), arm('cheap', 2, 1)])]) {
        expect(share(priced(0.5), observed, policy)).toBeLessThan(0.05);
        expect(share(priced(0.5), observed, { ...policy, refuteOnEarnedEvidence: 'grace' })).toBeGreaterThan(0.27);
      }
    });

    it('from 4 observations on refutes on the full posterior, price prior included (where true reads the neutral one)', () => {
      // Price prior 0.3 and 3 of 4 passed: full posterior Beta(1.2 + 3, 2.8 + 1), upper quantile under 0.8;
      // the neutral prior's Beta(1 + 3, 1 + 1) has it over 0.8.
      expect(lowerQuantile(4.2, 3.8, -GUARANTEED_REFUTE_Z)).toBeLessThan(threshold);
      expect(lowerQuantile(4, 2, -GUARANTEED_REFUTE_Z)).toBeGreaterThan(threshold);
      const observed = toMap([arm('strong', 100, 0), arm('cheap', 3, 1)]);
      expect(share(priced(0.3), observed, { ...policy, refuteOnEarnedEvidence: 'grace' })).toBeLessThan(0.05);
      expect(share(priced(0.3), observed, { ...policy, refuteOnEarnedEvidence: true })).toBeGreaterThan(0.27);
      // And keeps a model the full posterior does not refute: 4 of 4 passed on the price prior 0.5, Beta(6, 2).
      expect(lowerQuantile(6, 2, -GUARANTEED_REFUTE_Z)).toBeGreaterThan(threshold);
      expect(share(priced(0.5), toMap([arm('strong', 100, 0), arm('cheap', 4, 0)]), { ...policy, refuteOnEarnedEvidence: 'grace' })).toBeGreaterThan(0.27);
    });

    it('decides as unset, draw for draw, once every model has 4 observations, and without exploreCheaperShare', () => {
      const source = seededRandom(45);
      for (let c = 0; c < 200; c++) {
        const observed = toMap([arm('strong', 4 + Math.floor(source() * 200), Math.floor(source() * 30)), arm('cheap', Math.floor(source() * 20), Math.floor(source() * 10))]);
        const candidates = priced(0.2 + 0.6 * source());
        const enough = [...observed.values()].every((a) => a.successes + a.failures >= 4);
        for (const [p, same] of [
          [policy, enough],
          [safe, true],
        ] as const) {
          if (!same) continue;
          const seed = Math.floor(source() * 1e9);
          const r1 = seededRandom(seed);
          const r2 = seededRandom(seed);
          for (let i = 0; i < 20; i++) expect(decide(candidates, observed, { ...p, refuteOnEarnedEvidence: 'grace' }, r2)).toEqual(decide(candidates, observed, p, r1));
        }
      }
    });
  });

  it('takes an outright margin of 0.5 unless one is set', () => {
    const r1 = seededRandom(9);
    const r2 = seededRandom(9);
    const near = toMap([arm('strong', 900, 100), arm('cheap', 30, 6)]);
    for (let i = 0; i < 500; i++) {
      expect(decide(cheapAndStrong, near, { ...safe, exploreCheaperShare: 0.2 }, r1)).toEqual(
        decide(cheapAndStrong, near, { ...safe, exploreCheaperShare: 0.2, outrightMargin: 0.5 }, r2),
      );
    }
  });
});
