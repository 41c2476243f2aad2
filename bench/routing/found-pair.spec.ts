import { costOverTwin, median, NEVER, pairFound, parseFoundLine, summarizeFound } from './found-pair';
import type { SeedLine } from './seed-summary';

describe('round 38 found-pair', () => {
  it('parses improvement-diagnose lines, never included', () => {
    expect(parseFoundLine('seed 1029\tcontextual thompson + drift detector\tfound 300\tshare of math per 2000 from 18000: 3% 4%')).toEqual({ seed: 1029, router: 'contextual thompson + drift detector', found: 300 });
    expect(parseFoundLine('seed 7\tr\tfound never\tshare')).toEqual({ seed: 7, router: 'r', found: undefined });
    expect(parseFoundLine('zoo scenarios [###]')).toBeUndefined();
  });

  it('summarizes with never read as the run after the change, and pairs by seed', () => {
    const base = [
      { seed: 1, router: 'r', found: 4000 },
      { seed: 2, router: 'r', found: undefined },
      { seed: 3, router: 'r', found: 800 },
    ];
    const variant = [
      { seed: 1, router: 'r', found: 1000 },
      { seed: 2, router: 'r', found: 2000 },
      { seed: 4, router: 'r', found: 0 },
    ];
    expect(summarizeFound(base)).toEqual({ seeds: 3, median: 4000, within1000: 1, within5000: 2, never: 1 });
    expect(median([1, 3, 2, 10])).toBe(2.5);
    const p = pairFound(base, variant);
    expect(p.seeds).toBe(2);
    expect(p.mean).toBeCloseTo((-3000 + (2000 - NEVER)) / 2, 10);
    expect(p.standardError).toBeGreaterThan(0);
  });

  it('reads silent_improvement cost over its stationary twin seed by seed', () => {
    const line = (seed: number, scenario: string, cost: number): SeedLine => ({ seed, scenario, router: 'r', costVsClairvoyant: cost, windowsBelowFloor: 0 });
    const twin = [line(1, 'stationary', 0.01), line(2, 'stationary', -0.02), line(1, 'outage', 0.5)];
    const changed = [line(1, 'silent_improvement', 0.04), line(2, 'silent_improvement', 0.0), line(3, 'silent_improvement', 0.1)];
    const d = costOverTwin(twin, changed, 'r');
    expect(d).toHaveLength(2);
    expect(d[0]).toBeCloseTo(0.03, 10);
    expect(d[1]).toBeCloseTo(0.02, 10);
  });
});
