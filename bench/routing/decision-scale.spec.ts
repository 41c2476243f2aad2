import { blockMedians, runScaleSuite, scaleRouterYaml } from './decision-scale';

describe('decision time at scale', () => {
  it('builds a route of n candidates with prices rising from the first to the last', () => {
    const yaml = scaleRouterYaml(5);
    const prices = [...yaml.matchAll(/input_per_1m: ([\d.]+)/g)].map((m) => Number(m[1]));
    expect(prices).toHaveLength(5);
    expect(prices[0]).toBeCloseTo(0.1, 4);
    expect(prices[4]).toBeCloseTo(10, 4);
    expect([...prices].sort((a, b) => a - b)).toEqual(prices);
    expect(yaml).toContain('candidates: [m0, m1, m2, m3, m4]');
  });

  it('times every cell of the grid through the gateway config loader and planRoute', () => {
    const cells = runScaleSuite(200, 1, { models: [3, 6], contexts: [2, 20] });
    expect(cells.map((c) => [c.models, c.contexts])).toEqual([
      [3, 2],
      [3, 20],
      [6, 2],
      [6, 20],
    ]);
    for (const c of cells) {
      expect(c.decisions).toBe(200);
      expect(c.p50us).toBeGreaterThan(0);
      expect(c.p99us).toBeGreaterThanOrEqual(c.p50us);
      // planRoute is part of each decision's time, so its order statistics cannot exceed the total's.
      expect(c.planP50us).toBeLessThanOrEqual(c.p50us);
      expect(c.planP99us).toBeLessThanOrEqual(c.p99us);
      expect(c.blockP50us).toHaveLength(1); // 200 decisions: one block of SCALE_BLOCK
    }
  });

  it('takes the median of each block of timed decisions in the order they ran, the last block possibly shorter', () => {
    expect(blockMedians([5, 1, 3, 20, 40, 30, 7], 3)).toEqual([3, 30, 7]);
    expect(blockMedians([], 3)).toEqual([]);
  });

  it('times the word learner through the same planRoute (its plans carry the prompt\'s buckets)', () => {
    const cells = runScaleSuite(200, 1, { models: [4], contexts: [1] }, 'hashed_words');
    expect(cells).toEqual([expect.objectContaining({ learner: 'hashed_words', models: 4, decisions: 200 })]);
    expect(cells[0].p99us).toBeGreaterThanOrEqual(cells[0].p50us);
    expect(scaleRouterYaml(3, 'hashed_words')).toContain('learner: hashed_words');
  });
});
