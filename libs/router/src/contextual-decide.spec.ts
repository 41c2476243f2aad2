import { seededRandom, type Random } from '../../core/src';
import { applyObservation, type ArmState } from './arm-state';
import { arm, cheapAndStrong, toMap } from './spec-fixtures';
import { decide, DEFAULT_CONTEXT_PRIOR_STRENGTH, defaultContextPriorStrength, SAFE_CONTEXT_PRIOR_STRENGTH, type Candidate, type RoutePolicy } from './thompson-policy';

const candidates = cheapAndStrong;
const policy: RoutePolicy = { qualityFloor: 0.8, priorSuccesses: 1, priorFailures: 1 };

function share(picks: string[], model: string): number {
  return picks.filter((p) => p === model).length / picks.length;
}

describe('contextual decisions', () => {
  it('learns a different model per context from shared route arms', () => {
    const quality: Record<string, Record<string, number>> = { easy: { cheap: 0.95, strong: 0.97 }, hard: { cheap: 0.4, strong: 0.95 } };
    for (const seed of [1, 2, 3]) {
      const random = seededRandom(seed);
      let route: ArmState[] = [];
      const contexts = new Map<string, ArmState[]>();
      const picks: Record<string, string[]> = { easy: [], hard: [] };
      for (let i = 0; i < 1200; i++) {
        const key = random() < 0.5 ? 'easy' : 'hard';
        const d = decide(candidates, toMap(route), policy, random, { contextKey: key, contextArms: toMap(contexts.get(key) ?? []) });
        expect(d.contextKey).toBe(key);
        const obs = { modelId: d.modelId, reward: random() < quality[key][d.modelId] ? 1 : 0, costUsd: 0, completionTokens: 0 };
        route = applyObservation(route, obs, 0.999);
        contexts.set(key, applyObservation(contexts.get(key) ?? [], obs, 0.999));
        picks[key].push(d.modelId);
      }
      expect(share(picks.easy.slice(300), 'cheap')).toBeGreaterThan(0.85);
      expect(share(picks.hard.slice(300), 'strong')).toBeGreaterThan(0.85);
    }
  });

  it('starts a new context from the route-level belief, shrunk to contextPriorStrength', () => {
    const route = toMap([arm('cheap', 90, 10), arm('strong', 99, 1)]);
    const d = decide(candidates, route, { ...policy, contextPriorStrength: 8 }, seededRandom(1), { contextArms: new Map() });
    const cheap = d.beliefs.find((b) => b.modelId === 'cheap');
    // Route mean (1 + 90) / 102, carried by 8 pseudo-observations and no context evidence.
    expect(cheap?.meanQuality).toBeCloseTo(91 / 102, 6);
    expect(cheap?.contextEvidence).toBe(0);
    const strong = decide(candidates, route, { ...policy, contextPriorStrength: 8 }, seededRandom(1), { contextArms: toMap([arm('cheap', 2, 38)]) });
    expect(strong.beliefs.find((b) => b.modelId === 'cheap')?.meanQuality).toBeCloseTo((8 * (91 / 102) + 2) / 48, 6);
  });

  it('shrinks a context to 8 observations of the route by default, 32 with safe exploration', () => {
    const route = toMap([arm('cheap', 90, 10), arm('strong', 99, 1)]);
    const contextArms = toMap([arm('cheap', 2, 38)]);
    const cheapMean = (p: RoutePolicy) => decide(candidates, route, p, seededRandom(1), { contextArms }).beliefs.find((b) => b.modelId === 'cheap')?.meanQuality;
    expect(cheapMean(policy)).toBeCloseTo((DEFAULT_CONTEXT_PRIOR_STRENGTH * (91 / 102) + 2) / (DEFAULT_CONTEXT_PRIOR_STRENGTH + 40), 6);
    expect(cheapMean({ ...policy, floorConfidence: 0.9 })).toBeCloseTo((SAFE_CONTEXT_PRIOR_STRENGTH * (91 / 102) + 2) / (SAFE_CONTEXT_PRIOR_STRENGTH + 40), 6);
    // A route's own setting wins either way.
    expect(cheapMean({ ...policy, floorConfidence: 0.9, contextPriorStrength: 4 })).toBeCloseTo((4 * (91 / 102) + 2) / 44, 6);
    expect([DEFAULT_CONTEXT_PRIOR_STRENGTH, SAFE_CONTEXT_PRIOR_STRENGTH]).toEqual([8, 32]);
    expect([defaultContextPriorStrength(undefined), defaultContextPriorStrength(0.9)]).toEqual([8, 32]);
  });

  it('uses the per-candidate prior quality on a cold route', () => {
    const withPrior = candidates.map((c) => ({ ...c, priorQuality: c.modelId === 'strong' ? 0.9 : 0.5 }));
    const d = decide(withPrior, new Map(), { ...policy, priorQualityWeight: 10 }, seededRandom(4));
    expect(d.beliefs.map((b) => b.meanQuality)).toEqual([0.5, 0.9]);
  });

  it('caps the traffic share of an untried model', () => {
    // 'fresh' is cheap and believed (prior 0.95) to clear the floor, but has no evidence yet.
    const withFresh: Candidate[] = [...candidates, { modelId: 'fresh', expectedCostUsd: 0.00005, eligible: true, priorQuality: 0.95 }];
    const arms = toMap([arm('cheap', 10, 90), arm('strong', 99, 1)]);
    const random = seededRandom(9);
    const capped: string[] = [];
    const free: string[] = [];
    for (let i = 0; i < 2000; i++) {
      capped.push(decide(withFresh, arms, { ...policy, priorQualityWeight: 50, maxUntriedShare: 0.1 }, random).modelId);
      free.push(decide(withFresh, arms, { ...policy, priorQualityWeight: 50 }, random).modelId);
    }
    expect(share(free, 'fresh')).toBeGreaterThan(0.9);
    expect(share(capped, 'fresh')).toBeGreaterThan(0.06);
    expect(share(capped, 'fresh')).toBeLessThan(0.14);
  });

  it('passes over a model slower than the route allows while a faster one is eligible', () => {
    const slow = [
      { ...candidates[0], expectedTtftMs: 4000 },
      { ...candidates[1], expectedTtftMs: 800 },
    ];
    const arms = toMap([arm('cheap', 99, 1), arm('strong', 99, 1)]);
    const d = decide(slow, arms, { ...policy, maxTtftMs: 2000 }, seededRandom(2));
    expect(d.modelId).toBe('strong');
    expect(d.beliefs[0]).toMatchObject({ eligible: false, excludedBecause: 'expected time to first token above the route maximum' });
    const allSlow = slow.map((c) => ({ ...c, expectedTtftMs: 5000 }));
    expect(decide(allSlow, arms, { ...policy, maxTtftMs: 2000 }, seededRandom(2)).modelId).toBe('cheap');
  });

  it('requires a relative floor against the best model', () => {
    const arms = toMap([arm('cheap', 850, 150), arm('strong', 990, 10)]);
    expect(decide(candidates, arms, { ...policy, qualityFloor: 0 }, seededRandom(5)).modelId).toBe('cheap');
    expect(decide(candidates, arms, { ...policy, qualityFloor: 0, relativeFloor: 0.95 }, seededRandom(5)).modelId).toBe('strong');
  });

  it('under budget pressure stops exploring dearer models and may go below the floor by the slack', () => {
    // The cheap model sits just under the floor: without pressure the strong one serves.
    const arms = toMap([arm('cheap', 77, 23), arm('strong', 95, 5)]);
    const run = (pressure: number, random: Random) => decide(candidates, arms, { ...policy, budgetFloorSlack: 0.05 }, random, { budgetPressure: pressure }).modelId;
    const random = seededRandom(11);
    const calm: string[] = [];
    const pressed: string[] = [];
    for (let i = 0; i < 500; i++) {
      calm.push(run(0, random));
      pressed.push(run(1, random));
    }
    expect(share(calm, 'strong')).toBeGreaterThan(0.6);
    expect(share(pressed, 'cheap')).toBeGreaterThan(0.9);
  });

  it('replays exactly with the same seed', () => {
    const arms = toMap([arm('cheap', 8, 2), arm('strong', 9, 1)]);
    const picks = (seed: number) => {
      const random = seededRandom(seed);
      return Array.from({ length: 50 }, () => decide(candidates, arms, { ...policy, maxUntriedShare: 0.1 }, random, { contextArms: new Map() }).modelId);
    };
    expect(picks(3)).toEqual(picks(3));
  });
});

describe('costWeight', () => {
  const arms = new Map([
    ['cheap', arm('cheap', 700, 300)],
    ['strong', arm('strong', 900, 100)],
  ]);
  const base: RoutePolicy = { qualityFloor: 0, priorSuccesses: 1, priorFailures: 1 };
  const pick = (cost: number, costWeight?: number) =>
    decide(
      [
        { modelId: 'cheap', expectedCostUsd: 0.0001, eligible: true },
        { modelId: 'strong', expectedCostUsd: cost, eligible: true },
      ],
      arms,
      { ...base, ...(costWeight === undefined ? {} : { costWeight }) },
      seededRandom(1),
    ).modelId;

  it('keeps the cheapest model that clears the floor when unset', () => {
    expect(pick(0.002)).toBe('cheap');
  });

  it('pays for the dearer model only when its quality gain is worth its extra cost at that rate', () => {
    // Gain about 0.2; extra cost 0.0019 -> worth it below about 105 quality units per USD.
    expect(pick(0.002, 50)).toBe('strong');
    expect(pick(0.002, 200)).toBe('cheap');
    // The same gain on a request 10x dearer is not worth it at 50.
    expect(pick(0.02, 50)).toBe('cheap');
  });
});
