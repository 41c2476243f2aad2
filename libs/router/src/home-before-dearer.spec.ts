import { seededRandom } from '../../core/src';
import type { ArmState } from './arm-state';
import { decide, homeBeforeDearerProven, type Candidate, type RoutePolicy } from './thompson-policy';

const arm = (modelId: string, successes: number, failures: number): ArmState => ({ modelId, successes, failures, completionTokens: 0, costUsd: 0, observations: successes + failures });

describe('RoutePolicy.homeBeforeDearerProven (routing round 46, bench-only)', () => {
  it('moves the proven models dearer than the home from in front of it to just behind it', () => {
    const costs = [{ expectedCostUsd: 1 }, { expectedCostUsd: 2 }, { expectedCostUsd: 10 }, { expectedCostUsd: 0.5 }, { expectedCostUsd: 14 }];
    // 0 cheap unproven, 1 the home (proven), 2 dear proven, 3 cheaper unproven, 4 dear unproven.
    const lower = [0.4, 0.6, 0.7, 0.3, 0.5];
    expect(homeBeforeDearerProven([2, 3, 4, 1, 0], 1, costs, lower, 0.55)).toEqual([3, 4, 1, 2, 0]);
    // The home first, or no dearer proven model in front of it: unchanged (the same array).
    const first = [1, 2, 0];
    expect(homeBeforeDearerProven(first, 1, costs, lower, 0.55)).toBe(first);
    expect(homeBeforeDearerProven([0, 4, 1, 2], 1, costs, lower, 0.55)).toEqual([0, 4, 1, 2]);
  });

  it('serves the home, not a dearer proven model, whatever the draw; unset, the draw decides', () => {
    const candidates: Candidate[] = [
      { modelId: 'home', expectedCostUsd: 1, eligible: true },
      { modelId: 'dear', expectedCostUsd: 10, eligible: true },
    ];
    // Both proven at 0.8 over the floor 0.55; the home's margin is thin, so its draw falls under the floor often.
    const arms = new Map([
      ['home', arm('home', 62, 38)],
      ['dear', arm('dear', 80, 20)],
    ]);
    const base: RoutePolicy = { qualityFloor: 0.55, priorSuccesses: 1, priorFailures: 1, floorConfidence: 0.8 };
    const count = (policy: RoutePolicy) => {
      const random = seededRandom(7);
      let dear = 0;
      for (let i = 0; i < 2_000; i++) if (decide(candidates, arms, policy, random).modelId === 'dear') dear++;
      return dear;
    };
    expect(count(base)).toBeGreaterThan(100);
    expect(count({ ...base, homeBeforeDearerProven: true })).toBe(0);
  });
});
