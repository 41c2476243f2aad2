import { settleYoungGeneration, youngGenerationBytes } from './young-generation';

describe('settling the young generation before a timed run', () => {
  it('grows it to the size it holds at, which more surviving allocation does not grow further', () => {
    const sizes = settleYoungGeneration();
    expect(sizes.length).toBeGreaterThanOrEqual(1);
    expect([...sizes].sort((a, b) => a - b)).toEqual(sizes);
    const settled = youngGenerationBytes();
    expect(settled).toBe(sizes[sizes.length - 1]);
    // The same kind of allocation as the settling's, 1,000 batches more: the size it settled at holds.
    let kept: number[][][] = [];
    for (let round = 0; round < 1000; round++) {
      kept.push(Array.from({ length: 2048 }, (_, j) => [j, j + 1, j + 2, j + 3, j + 4, j + 5, j + 6, j + 7, j + 8, j + 9, j + 10, j + 11]));
      if (kept.length > 32) kept.shift();
    }
    kept = [];
    expect(youngGenerationBytes()).toBe(settled);
  });
});
