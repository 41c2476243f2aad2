import { seededRandom } from '../../libs/core/src';
import { bootstrapMeanInterval, parseSeedLine, summarizeSeeds } from './seed-summary';

describe('zoo per-seed summary', () => {
  it('reads a per-seed line with and without an adaptation, and skips anything else', () => {
    expect(parseSeedLine('seed 3\tsilent_regression\tsafe + drift\t-3.2% / 0.8% 6700 / 0 / 6700')).toEqual({
      seed: 3,
      scenario: 'silent_regression',
      router: 'safe + drift',
      costVsClairvoyant: -0.032,
      windowsBelowFloor: 0.008,
      adaptationVsTwin: 6700,
    });
    expect(parseSeedLine('seed 4\tstationary\tsafe + drift\t1.0% / 0.0%')).toEqual({ seed: 4, scenario: 'stationary', router: 'safe + drift', costVsClairvoyant: 0.01, windowsBelowFloor: 0 });
    expect(parseSeedLine('seed 5\tprice_change\tsafe\t1.0% / 0.0% 100 / 0 / -')?.adaptationVsTwin).toBeUndefined();
    expect(parseSeedLine('zoo scenarios  [####] 100% 0.2s')).toBeUndefined();
    expect(parseSeedLine('')).toBeUndefined();
  });

  it('summarizes per scenario and router: mean, median, p90 and the seeds within the target', () => {
    const lines = [0, 0, 0, 500, 9600].map((t, i) => parseSeedLine(`seed ${i + 1}\toutage\tr\t${i}.0% / 1.0% ${t} / 0 / ${t}`)!);
    lines.push(parseSeedLine('seed 1\tstationary\tr\t2.0% / 0.5%')!);
    const [outage, stationary] = summarizeSeeds(lines, seededRandom(7));
    expect(outage.seeds).toBe(5);
    expect(outage.meanCost).toBeCloseTo(0.02, 9);
    expect(outage.adaptation?.mean).toBe(2020);
    expect(outage.adaptation?.median).toBe(0);
    expect(outage.adaptation?.p90).toBe(9600);
    expect(outage.adaptation?.withinTarget).toBe(4);
    // One seed's 9,600 carries the mean: the interval reaches from all-zero resamples to far above it.
    expect(outage.adaptation!.low95).toBeLessThan(500);
    expect(outage.adaptation!.high95).toBeGreaterThan(4000);
    expect(stationary.adaptation).toBeUndefined();
  });

  it('bootstraps an interval that holds the mean and narrows with more seeds', () => {
    const random = seededRandom(11);
    const few = [0, 100, 200, 5000];
    const many = Array.from({ length: 16 }, () => few).flat();
    const a = bootstrapMeanInterval(few, random);
    const b = bootstrapMeanInterval(many, random);
    expect(a.low95).toBeLessThan(1325);
    expect(a.high95).toBeGreaterThan(1325);
    expect(b.high95 - b.low95).toBeLessThan((a.high95 - a.low95) / 2);
  });
});
