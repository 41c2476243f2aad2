import { bucketOf, bucketUpperMs, TTFT_HALF_LIFE_MS, TtftEstimates } from './ttft-estimates';

describe('TtftEstimates', () => {
  const clockAt = (start = 1_000_000) => {
    const clock = { t: start, now: () => clock.t };
    return clock;
  };

  it('is unknown before any observation', () => {
    expect(new TtftEstimates(clockAt()).estimate('m')).toBeUndefined();
  });

  it('reads the 90th percentile, erring slow by at most one 25% bucket', () => {
    const estimates = new TtftEstimates(clockAt());
    for (let i = 0; i < 90; i++) estimates.observe('m', 200);
    for (let i = 0; i < 10; i++) estimates.observe('m', 5000);
    const p90 = estimates.estimate('m')!;
    expect(p90).toBeGreaterThanOrEqual(200);
    expect(p90).toBeLessThanOrEqual(250);
    estimates.observe('m', 5000);
    expect(estimates.estimate('m')!).toBeGreaterThanOrEqual(5000);
  });

  it('lets recent observations outweigh old ones as the old ones fade', () => {
    const clock = clockAt();
    const estimates = new TtftEstimates(clock);
    for (let i = 0; i < 20; i++) estimates.observe('m', 3000);
    clock.t += 4 * TTFT_HALF_LIFE_MS;
    for (let i = 0; i < 20; i++) estimates.observe('m', 100);
    expect(estimates.estimate('m')!).toBeLessThan(150);
  });

  it('forgets a model nobody used for long, so it is presumed unknown and probed again', () => {
    const clock = clockAt();
    const estimates = new TtftEstimates(clock);
    estimates.observe('m', 3000);
    clock.t += TTFT_HALF_LIFE_MS / 2;
    expect(estimates.estimate('m')).toBeGreaterThanOrEqual(3000);
    clock.t += TTFT_HALF_LIFE_MS;
    expect(estimates.estimate('m')).toBeUndefined();
  });

  it('summarises each model with its p90, discounted mean and weight', () => {
    const estimates = new TtftEstimates(clockAt());
    estimates.observe('a', 100);
    estimates.observe('a', 300);
    expect(estimates.summaries()).toEqual([{ modelId: 'a', p90Ms: expect.any(Number), meanMs: 200, weight: 2 }]);
  });

  it('maps times to log-spaced buckets', () => {
    expect(bucketOf(5)).toBe(0);
    expect(bucketUpperMs(bucketOf(1234))).toBeGreaterThanOrEqual(1234);
    expect(bucketUpperMs(bucketOf(1234))).toBeLessThan(1234 * 1.25);
    expect(bucketOf(10_000_000)).toBe(39);
  });
});
