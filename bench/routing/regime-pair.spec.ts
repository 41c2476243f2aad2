import { firstServedWithinBar, pairRegimeRows, type RegimeRow, type RegimeSeedRows } from './regime-pair';

describe('round 42 regime-pair', () => {
  const row = (scenario: string, router: string, cost: number, windows: number, first: number[], never = 0): RegimeRow => ({
    scenario,
    router,
    costVsClairvoyant: cost,
    floorViolationShare: windows,
    cheapFirstServed: first,
    cheapNever: never,
  });

  it('pairs one router of each file by scenario and seed, over the seeds both hold', () => {
    const base: RegimeSeedRows[] = [
      { seed: 1, rows: [row('stationary', 'A', 0.01, 0.03, [100, 200, 300]), row('stationary', 'C', 0.5, 0.5, [9, 9, 9])] },
      { seed: 2, rows: [row('stationary', 'A', 0.03, 0.01, [300, 400, 500], 1)] },
      { seed: 3, rows: [row('stationary', 'A', 0.9, 0.9, [1, 1, 1])] },
    ];
    const variant: RegimeSeedRows[] = [
      { seed: 1, rows: [row('stationary', 'E', 0.04, 0.02, [500, 200, 1000])] },
      { seed: 2, rows: [row('stationary', 'E', 0.04, 0.01, [700, 400, 1002]), row('noisy_feedback', 'E', 1, 1, [1, 1, 1])] },
    ];
    const [p, ...rest] = pairRegimeRows(base, 'A', variant, 'E');
    expect(rest).toHaveLength(0);
    expect(p.scenario).toBe('stationary');
    expect(p.seeds).toBe(2);
    expect(p.baseCost).toBeCloseTo(0.02, 10);
    expect(p.variantCost).toBeCloseTo(0.04, 10);
    expect(p.cost.mean).toBeCloseTo(0.02, 10);
    expect(p.cost.standardError).toBeCloseTo(0.01, 10);
    expect(p.windows.mean).toBeCloseTo(-0.005, 10);
    expect(p.baseFirstServed).toEqual([200, 300, 400]);
    expect(p.variantFirstServed).toEqual([600, 300, 1001]);
    // 600 <= 2 x 200 + 200; 300 <= 800; 1001 > 2 x 400 + 200.
    expect(p.firstServedWithinBar).toEqual([true, true, false]);
    expect(p.baseNever).toBe(1);
    expect(p.variantNever).toBe(0);
  });

  it('holds the first-service bar at twice the base plus 200 requests', () => {
    expect(firstServedWithinBar(100, 400)).toBe(true);
    expect(firstServedWithinBar(100, 401)).toBe(false);
    expect(firstServedWithinBar(0, 200)).toBe(true);
  });
});
