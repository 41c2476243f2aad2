import { seededRandom } from '../../core/src';
import { sampleBeta } from './beta-sampler';

describe('sampleBeta', () => {
  it.each([
    [1, 1],
    [2, 8],
    [30, 10],
    [0.5, 0.5],
  ])('matches the mean and variance of Beta(%p, %p)', (a, b) => {
    const random = seededRandom(7);
    const n = 20000;
    let sum = 0;
    let sumSq = 0;
    for (let i = 0; i < n; i++) {
      const x = sampleBeta(a, b, random);
      expect(x).toBeGreaterThanOrEqual(0);
      expect(x).toBeLessThanOrEqual(1);
      sum += x;
      sumSq += x * x;
    }
    const mean = sum / n;
    const variance = sumSq / n - mean * mean;
    expect(mean).toBeCloseTo(a / (a + b), 2);
    expect(variance).toBeCloseTo((a * b) / ((a + b) ** 2 * (a + b + 1)), 2);
  });
});
