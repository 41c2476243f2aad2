import { seededRandom, type Random } from '../../core/src';
import { applyObservation, type ArmState } from './arm-state';
import { decide, type Candidate, type RoutePolicy } from './thompson-policy';

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
