import { seededRandom, type Random } from '../../core/src';
import { applyObservation, type ArmState } from './arm-state';
import { lowerQuantile, normalQuantile } from './safe-exploration';
import { decide, lowerQuantilesUntilProven, type Candidate, type RoutePolicy } from './thompson-policy';

const policy: RoutePolicy = { qualityFloor: 0.8, priorSuccesses: 1, priorFailures: 1 };
const candidates: Candidate[] = [
  { modelId: 'cheap', expectedCostUsd: 0.0001, eligible: true },
  { modelId: 'strong', expectedCostUsd: 0.003, eligible: true },
];

function run(steps: number, quality: Record<string, number>, arms: ArmState[], random: Random, discount: number) {
  const picks: string[] = [];
  for (let i = 0; i < steps; i++) {
    const decision = decide(candidates, new Map(arms.map((a) => [a.modelId, a])), policy, random);
    const reward = random() < quality[decision.modelId] ? 1 : 0;
    arms = applyObservation(arms, { modelId: decision.modelId, reward, costUsd: 0, completionTokens: 10 }, discount);
    picks.push(decision.modelId);
  }
  return { arms, picks };
}

const share = (picks: string[], model: string) => picks.filter((p) => p === model).length / picks.length;

describe('cost-aware Thompson sampling', () => {
  it('moves traffic to the strong model while the cheap one fails, and back once it is fixed', () => {
    for (const seed of [1, 2, 3, 4, 5]) {
      const random = seededRandom(seed);
      const first = run(300, { cheap: 0.4, strong: 1 }, [], random, 0.99);
      expect(share(first.picks.slice(150), 'strong')).toBeGreaterThanOrEqual(0.85);
      const second = run(400, { cheap: 1, strong: 1 }, first.arms, random, 0.99);
      expect(share(second.picks.slice(200), 'cheap')).toBeGreaterThanOrEqual(0.85);
    }
  });

  it('prefers the cheapest model that clears the floor and explains it as exploit', () => {
    const arms = new Map<string, ArmState>([
      ['cheap', { modelId: 'cheap', successes: 95, failures: 5, completionTokens: 0, costUsd: 0, observations: 100 }],
      ['strong', { modelId: 'strong', successes: 99, failures: 1, completionTokens: 0, costUsd: 0, observations: 100 }],
    ]);
    const decision = decide(candidates, arms, policy, seededRandom(3));
    expect(decision).toMatchObject({ modelId: 'cheap', reason: 'exploit', ranked: ['cheap', 'strong'], floorUnmet: false });
  });

  it('takes the best-known model and flags the floor when none clears it', () => {
    const arms = new Map<string, ArmState>([
      ['cheap', { modelId: 'cheap', successes: 20, failures: 80, completionTokens: 0, costUsd: 0, observations: 100 }],
      ['strong', { modelId: 'strong', successes: 60, failures: 40, completionTokens: 0, costUsd: 0, observations: 100 }],
    ]);
    const decision = decide(candidates, arms, policy, seededRandom(3));
    expect(decision.modelId).toBe('strong');
    expect(decision.floorUnmet).toBe(true);
  });

  it('reports a constraint when the preferred model is not eligible', () => {
    const arms = new Map<string, ArmState>([
      ['cheap', { modelId: 'cheap', successes: 10, failures: 90, completionTokens: 0, costUsd: 0, observations: 100 }],
      ['strong', { modelId: 'strong', successes: 99, failures: 1, completionTokens: 0, costUsd: 0, observations: 100 }],
    ]);
    const limited = [candidates[0], { ...candidates[1], eligible: false, excludedBecause: 'max price per request' }];
    const decision = decide(limited, arms, policy, seededRandom(3));
    expect(decision).toMatchObject({ modelId: 'cheap', reason: 'constraint', ranked: ['cheap'] });
  });

  it('replays exactly with the same seed', () => {
    const a = run(200, { cheap: 0.5, strong: 0.9 }, [], seededRandom(42), 0.99).picks;
    const b = run(200, { cheap: 0.5, strong: 0.9 }, [], seededRandom(42), 0.99).picks;
    expect(a).toEqual(b);
  });
});

describe('lowerQuantilesUntilProven', () => {
  it("computes the sampled order's lower quantiles up to its first proven model (all when none is), and leaves the rest", () => {
    const random = seededRandom(15);
    let partial = 0;
    let none = 0;
    for (let c = 0; c < 2000; c++) {
      const n = 1 + Math.floor(random() * 48);
      const a = Float64Array.from({ length: n }, () => (random() < 0.05 ? 0 : 400 * random()));
      const b = Float64Array.from({ length: n }, () => (random() < 0.05 ? 0 : 400 * random()));
      const order = Array.from({ length: n }, (_, i) => i)
        .sort(() => random() - 0.5)
        .slice(0, 1 + Math.floor(random() * n));
      const z = normalQuantile([0.8, 0.9, 0.99][Math.floor(random() * 3)]);
      const threshold = random();
      const lower = new Float64Array(n).fill(NaN);
      lowerQuantilesUntilProven(order, a, b, z, threshold, lower);
      const first = order.findIndex((i) => lowerQuantile(a[i], b[i], z) >= threshold);
      const end = first < 0 ? order.length : first + 1;
      if (first < 0) none++;
      else if (end < order.length) partial++;
      for (let i = 0; i < n; i++) {
        const k = order.indexOf(i);
        if (k >= 0 && k < end) expect(Object.is(lower[i], lowerQuantile(a[i], b[i], z))).toBe(true);
        else expect(lower[i]).toBeNaN();
      }
    }
    expect(partial).toBeGreaterThan(100);
    expect(none).toBeGreaterThan(100);
  });
});
