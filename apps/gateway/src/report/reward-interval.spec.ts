import { rewardInterval } from './reward-interval';

describe('rewardInterval', () => {
  it('does not shrink to a point when every score agrees', () => {
    const [low, high] = rewardInterval(1, 2)!;
    expect(high).toBe(1);
    expect(low).toBeCloseTo(0.3424, 4);
    const [low0, high0] = rewardInterval(0, 22)!;
    expect(low0).toBeCloseTo(0, 12);
    expect(high0).toBeGreaterThan(0.1);
  });

  it("matches Wilson's interval, narrows with more scores and always holds the mean", () => {
    // 8 of 10: Wilson's 95% interval is [0.490, 0.943].
    const [low, high] = rewardInterval(0.8, 10)!;
    expect(low).toBeCloseTo(0.4902, 4);
    expect(high).toBeCloseTo(0.9433, 4);
    const wide = rewardInterval(0.7, 20)!;
    const narrow = rewardInterval(0.7, 2000)!;
    expect(narrow[1] - narrow[0]).toBeLessThan(wide[1] - wide[0]);
    for (const [mean, n] of [[0.5, 1], [0.97, 38], [0.1, 5], [1, 6], [1, 21], [0, 11], [0, 22]]) {
      const [l, h] = rewardInterval(mean, n)!;
      expect(l).toBeLessThanOrEqual(mean);
      expect(h).toBeGreaterThanOrEqual(mean);
    }
  });

  it('is null without scores', () => {
    expect(rewardInterval(0, 0)).toBeNull();
  });
});
