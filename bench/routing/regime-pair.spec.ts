import { firstServedWithinBar, pairRegimeRows, servedAfterFirstScore, type RegimeRow, type RegimeSeedRows } from './regime-pair';

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

  it('counts the first service from the run\'s first score, a service before it as 0 (round 44)', () => {
    expect(servedAfterFirstScore(700, 500)).toBe(200);
    expect(servedAfterFirstScore(20, 500)).toBe(0);
    expect(servedAfterFirstScore(20, undefined)).toBeNaN();
    const withScore = (first: number[], at: number): RegimeRow => ({ ...row('noisy_feedback', 'x', 0, 0, first), firstScoreAt: at });
    const base: RegimeSeedRows[] = [
      { seed: 1, rows: [{ ...withScore([10, 30, 600], 500), router: 'A' }] },
      { seed: 2, rows: [{ ...withScore([20, 900, 700], 501), router: 'A' }] },
    ];
    const variant: RegimeSeedRows[] = [
      { seed: 1, rows: [{ ...withScore([650, 700, 1200], 500), router: 'E' }] },
      { seed: 2, rows: [{ ...withScore([760, 1300, 701], 510), router: 'E' }] },
    ];
    const [p] = pairRegimeRows(base, 'A', variant, 'E');
    expect(p.baseFirstScore).toBe(500.5);
    expect(p.variantFirstScore).toBe(505);
    expect(p.baseFromFirstScore).toEqual([0, 199.5, 149.5]);
    expect(p.variantFromFirstScore).toEqual([200, 495, 445.5]);
    // 200 <= 2 x 0 + 200; 495 <= 599; 445.5 <= 499. Counted from request 0 math would fail (705 > 2 x 15 + 200).
    expect(p.fromFirstScoreWithinBar).toEqual([true, true, true]);
    expect(p.firstServedWithinBar[0]).toBe(false);
  });
});
