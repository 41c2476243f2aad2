import { apgr, correlation, cpt, firstReaching, pgr, quantile, requestsToAdapt, requestsToAdaptVsBefore, requestsToAdaptVsTwin } from './metrics';

describe('RouteLLM metrics', () => {
  it('gives random routing an APGR of 0.5', () => {
    const points = [0.25, 0.5, 0.75].map((s) => ({ strongShare: s, quality: 0.6 + s * 0.2 }));
    expect(apgr(points, 0.6, 0.8)).toBeCloseTo(0.5, 9);
    expect(cpt(points, 0.6, 0.8, 0.5)).toBeCloseTo(0.5, 9);
  });

  it('rewards a router that recovers the gap early', () => {
    const points = [{ strongShare: 0.2, quality: 0.78 }];
    expect(pgr(0.78, 0.6, 0.8)).toBeCloseTo(0.9, 9);
    // (0,0)-(0.2,0.9)-(1,1): 0.2*0.45 + 0.8*0.95
    expect(apgr(points, 0.6, 0.8)).toBeCloseTo(0.85, 9);
    expect(cpt(points, 0.6, 0.8, 0.5)).toBeCloseTo(0.2 * (0.5 / 0.9), 9);
    expect(cpt(points, 0.6, 0.8, 0.95)).toBeCloseTo(0.2 + 0.8 * 0.5, 9);
  });

  it('does not let a worse point at a higher share lower the curve', () => {
    const points = [
      { strongShare: 0.2, quality: 0.78 },
      { strongShare: 0.4, quality: 0.7 },
    ];
    expect(apgr(points, 0.6, 0.8)).toBeCloseTo(0.2 * 0.45 + 0.2 * 0.9 + 0.6 * 0.95, 9);
  });

  it('interpolates where a curve reaches a target and takes quantiles', () => {
    const pts = [
      { x: 0.2, y: 0.5 },
      { x: 0.6, y: 0.9 },
    ];
    expect(firstReaching(pts, 0.7, (p) => p.y)).toBeCloseTo(0.4, 9);
    expect(firstReaching(pts, 0.95, (p) => p.y)).toBeUndefined();
    expect(quantile([1, 2, 3, 4], 0.5)).toBe(2);
    expect(quantile([1, 2, 3, 4], 0.99)).toBe(4);
  });
});

describe('adaptation after a change', () => {
  const bad = [true, true, false, false, true, false, false, false, false, false];
  it('strict: until every later window is good', () => {
    expect(requestsToAdapt(bad, 100)).toBe(500);
    expect(requestsToAdapt([false, false], 100)).toBe(0);
  });

  it('relative: until the bad share is back to what it was before the change', () => {
    // A router clean before the change is held to the strict measure.
    expect(requestsToAdaptVsBefore(bad, 0, 100)).toBe(500);
    // One bad window in ten before the change: from window 2 on, 1 of 8 (12.5%) is still above 10%,
    // from window 3 on 1 of 7 also; only from 5 on (0 of 5) is it back.
    expect(requestsToAdaptVsBefore(bad, 0.1, 100)).toBe(500);
    // One in five before: from window 2 on 1 of 8 is no worse.
    expect(requestsToAdaptVsBefore(bad, 0.2, 100)).toBe(200);
    expect(requestsToAdaptVsBefore(bad, 1, 100)).toBe(0);
  });

  it('against the no-change twin: until the bad windows left are no more than the twin has over the same windows', () => {
    // A twin without bad windows holds the run to the strict measure.
    expect(requestsToAdaptVsTwin(bad, bad.map(() => false), 100)).toBe(500);
    // A disturbance both runs share (window 4, e.g. a recurring failure burst) is not charged to the change.
    const twinBad = [false, false, false, false, true, false, false, false, false, false];
    expect(requestsToAdaptVsTwin(bad, twinBad, 100)).toBe(200);
    // A twin at least as bad from the start: nothing to charge.
    expect(requestsToAdaptVsTwin(bad, bad, 100)).toBe(0);
    expect(requestsToAdaptVsTwin([false, false], [true, false], 100)).toBe(0);
  });
});

describe('correlation', () => {
  it('is 1 for series that rise together, -1 for opposite ones, NaN when one is constant', () => {
    expect(correlation([1, 2, 3, 4], [10, 20, 30, 40])).toBeCloseTo(1, 12);
    expect(correlation([1, 2, 3, 4], [8, 6, 4, 2])).toBeCloseTo(-1, 12);
    expect(correlation([1, 2, 3, 4], [5, 5, 5, 5])).toBeNaN();
    expect(correlation([1], [2])).toBeNaN();
  });

  it('is near 0 for series that do not move together', () => {
    expect(correlation([1, 2, 3, 4], [1, -1, -1, 1])).toBeCloseTo(0, 12);
  });
});
