import { pathItems, runPath, summarisePath, VARIATIONS, type PathVariation } from './word-path';

const e2e = VARIATIONS[0];

describe('word-path bench', () => {
  it('draws the same requests for a seed, with the variation mix and the e2e rewards', () => {
    const a = pathItems(e2e, 7);
    expect(pathItems(e2e, 7)).toEqual(a);
    expect(a.items).toHaveLength(600);
    const lawShare = a.law.filter(Boolean).length / a.law.length;
    expect(lawShare).toBeGreaterThan(0.4);
    expect(lawShare).toBeLessThan(0.6);
    a.items.forEach((item, i) => {
      expect(item.reward).toEqual({ cheap: a.law[i] ? 0 : 1, strong: 1 });
      expect(item.request.messages[0].content).toContain(`(case ${i})`);
    });
    const mostlyLaw: PathVariation = { ...e2e, lawShare: 0.8 };
    expect(pathItems(mostlyLaw, 7).law.filter(Boolean).length / 600).toBeGreaterThan(0.7);
  });

  it('reads the late shares and the cost against the clairvoyant router', () => {
    const law = [true, false, true, false, false];
    // From request 1: geography 1, 3, 4 (cheap on 3 and 4), law 2 (strong).
    const run = summarisePath(['cheap', 'strong', 'strong', 'cheap', 'cheap'], law, 1);
    expect(run.geoOnCheap).toBeCloseTo(2 / 3, 12);
    expect(run.lawOnStrong).toBe(1);
    expect(run.firstCheap).toBe(0);
    expect(run.firstCheapOnLaw).toBe(true);
    expect(summarisePath(['strong', 'strong', 'strong', 'strong', 'strong'], law, 1)).toMatchObject({ geoOnCheap: 0, firstCheap: -1, firstCheapOnLaw: false });
    // Clairvoyant: strong on law, cheap on geography; here one geography request went to strong.
    const cheap = 30 * 0.1e-6 + 5 * 0.4e-6;
    const strong = 30 * 5e-6 + 5 * 15e-6;
    expect(run.costVsClairvoyant).toBeCloseTo((2 * strong + 2 * cheap) / (strong + 3 * cheap) - 1, 12);
    expect(summarisePath(['strong', 'cheap', 'strong', 'cheap', 'cheap'], law, 0).costVsClairvoyant).toBeCloseTo(0, 12);
  });

  it('is deterministic per seed, through the gateway planRoute and the worker update', () => {
    expect(runPath(e2e, 3)).toEqual(runPath(e2e, 3));
  });

  it('reproduces the path dependence: the same scenario, some seeds keep geography off the cheap model', () => {
    // Seeds 1-20 of the e2e texts (docs/benchmarks.md, routing round 16: 26% of 200 seeds under 0.9).
    const runs = Array.from({ length: 20 }, (_, i) => runPath(e2e, i + 1));
    expect(runs.filter((r) => r.geoOnCheap >= 0.95).length).toBeGreaterThan(10);
    expect(runs.some((r) => r.geoOnCheap < 0.9)).toBe(true);
    // Law goes to the strong model on every seed.
    for (const r of runs) expect(r.lawOnStrong).toBeGreaterThan(0.85);
  });
});
