import { meanWithError, pairSeeds, pooledAdaptation } from './seed-pair';
import { parseSeedLine } from './seed-summary';

const line = (seed: number, scenario: string, cost: number, windows: number) => parseSeedLine(`seed ${seed}\t${scenario}\tsafe + drift\t${cost.toFixed(1)}% / ${windows.toFixed(1)}%`)!;

describe('zoo per-seed pairing', () => {
  it('gives the mean and its standard error', () => {
    expect(meanWithError([1, 3])).toEqual({ mean: 2, standardError: 1 });
    expect(meanWithError([5])).toEqual({ mean: 5, standardError: 0 });
  });

  it('pairs the seeds both runs hold, per scenario, and reads the difference seed by seed', () => {
    const base = [line(1, 'noisy_feedback', 10, 2), line(2, 'noisy_feedback', 100, 4), line(3, 'noisy_feedback', 30, 0), line(1, 'outage', 2, 1)];
    // Seed 3 is missing from the variant: it is left out of both means.
    const variant = [line(2, 'noisy_feedback', 90, 5), line(1, 'noisy_feedback', 8, 2), line(1, 'outage', 3, 1)];
    const [noisy, outage] = pairSeeds(base, variant);
    expect(noisy.scenario).toBe('noisy_feedback');
    expect(noisy.seeds).toBe(2);
    expect(noisy.baseCost).toBeCloseTo(0.55, 9);
    expect(noisy.variantCost).toBeCloseTo(0.49, 9);
    // Differences -0.02 and -0.10: mean -0.06, standard error 0.04.
    expect(noisy.costDifference.mean).toBeCloseTo(-0.06, 9);
    expect(noisy.costDifference.standardError).toBeCloseTo(0.04, 9);
    expect(noisy.windowsDifference.mean).toBeCloseTo(0.005, 9);
    expect(outage.seeds).toBe(1);
    expect(outage.costDifference.mean).toBeCloseTo(0.01, 9);
    // Lines without an adaptation reading give none.
    expect(noisy.adaptation).toBeUndefined();
  });

  it('pairs adaptation vs the twin where both runs read it', () => {
    const adapt = (seed: number, twin: number) => parseSeedLine(`seed ${seed}\tsilent_regression\tsafe + drift\t1.0% / 1.0% ${twin} / 0 / ${twin}`)!;
    const [sr] = pairSeeds([adapt(1, 0), adapt(2, 3000)], [adapt(1, 500), adapt(2, 2500)]);
    expect(sr.adaptation?.seeds).toBe(2);
    expect(sr.adaptation?.base).toBe(1500);
    expect(sr.adaptation?.variant).toBe(1500);
    // Differences +500 and -500: mean 0, standard error 500.
    expect(sr.adaptation?.difference).toEqual({ mean: 0, standardError: 500 });
  });

  it('pools the paired adaptation differences over the scenarios that read it, per router', () => {
    const adapt = (seed: number, scenario: string, twin: number) => parseSeedLine(`seed ${seed}\t${scenario}\tsafe + drift\t1.0% / 1.0% ${twin} / 0 / ${twin}`)!;
    const base = [adapt(1, 'silent_regression', 0), adapt(2, 'silent_regression', 3000), adapt(1, 'silent_regression_in_use', 1000), line(1, 'stationary', 1, 1)];
    // Seed 2 of in_use is only in the variant: left out.
    const variant = [adapt(1, 'silent_regression', 500), adapt(2, 'silent_regression', 2500), adapt(1, 'silent_regression_in_use', 1600), adapt(2, 'silent_regression_in_use', 0), line(1, 'stationary', 2, 1)];
    const [pooled, ...others] = pooledAdaptation(base, variant);
    expect(others).toEqual([]);
    expect(pooled.router).toBe('safe + drift');
    expect(pooled.scenarios).toEqual(['silent_regression', 'silent_regression_in_use']);
    expect(pooled.pairs).toBe(3);
    // Differences +500, -500, +600: mean 200, sample SD 608.3 over sqrt(3).
    expect(pooled.difference.mean).toBeCloseTo(200, 9);
    expect(pooled.difference.standardError).toBeCloseTo(Math.sqrt(370_000 / 3), 6);
  });
});
