import { meanAndSd, percentile, perSegment, runMetrics, scoresBehind, type ServedOutcome } from './run-metrics';

const served = (reward: number, strong: boolean): ServedOutcome => ({ reward, strong, costUsd: strong ? 10 : 1, strongCostUsd: 10 });

describe('run metrics', () => {
  it('accuracy, share of strong calls and cost relative to always-strong', () => {
    const m = runMetrics([served(1, true), served(0, false), served(1, false), served(1, true)]);
    expect(m).toEqual({ requests: 4, accuracy: 0.75, strongShare: 0.5, costRatio: 22 / 40 });
  });

  it('an empty slice has no rates', () => {
    expect(runMetrics([]).accuracy).toBeNaN();
  });

  it('splits the run into consecutive quarters, in sending order', () => {
    const run = [served(0, true), served(0, true), served(1, false), served(1, false), served(1, false), served(1, true), served(0, false), served(1, false)];
    const q = perSegment(run, 4);
    expect(q.map((x) => x.requests)).toEqual([2, 2, 2, 2]);
    expect(q.map((x) => x.strongShare)).toEqual([1, 0, 0.5, 0]);
    expect(q.map((x) => x.accuracy)).toEqual([0, 1, 1, 0.5]);
    expect(perSegment(run.slice(0, 7), 4).reduce((n, x) => n + x.requests, 0)).toBe(7);
  });

  it('counts, at each decision, the earlier decisions whose score was not yet recorded', () => {
    // Decisions at 0, 10, 20, 30; scores of the first two land at 15 and 25, the others after 30.
    expect(scoresBehind([30, 0, 20, 10], [25, 15, 40, 45])).toEqual([0, 1, 1, 1]);
    // Simultaneous decisions do not count each other.
    expect(scoresBehind([5, 5, 5], [])).toEqual([0, 0, 0]);
    // Immediate learning: each score recorded before the next decision.
    expect(scoresBehind([0, 10, 20], [1, 11, 21])).toEqual([0, 0, 0]);
  });

  it('percentiles by nearest rank, mean and sample sd', () => {
    expect(percentile([5, 1, 4, 2, 3], 50)).toBe(3);
    expect(percentile([5, 1, 4, 2, 3], 100)).toBe(5);
    expect(percentile([5, 1, 4, 2, 3], 0)).toBe(1);
    expect(percentile([], 50)).toBeNaN();
    expect(meanAndSd([1, 2, 3, 4])).toEqual({ mean: 2.5, sd: Math.sqrt(5 / 3) });
    expect(meanAndSd([7])).toEqual({ mean: 7, sd: 0 });
  });
});
