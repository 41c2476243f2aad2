import { safeCostBound, safeShare } from './safe-cost-bound';

describe('safeShare', () => {
  it("funds an unproven model from the anchor's margin, more as its evidence grows, alone once proven", () => {
    const shares = [0, 10, 100, 1000, 10_000].map((n) => safeShare(0.6, n, 0.7, 0.55, 1.28));
    expect(shares[0]).toBeCloseTo(0.15 / 0.7, 9);
    for (let i = 1; i < shares.length; i++) expect(shares[i]).toBeGreaterThanOrEqual(shares[i - 1]);
    expect(shares[4]).toBe(1);
    expect(safeShare(0.6, 50, 0.55, 0.55, 1.28)).toBe(0);
  });
});

describe('safeCostBound', () => {
  const base = {
    classes: [{ name: 'c', share: 1, quality: 0.8, price: 1, anchorQuality: 0.9 }],
    anchorPrice: 10,
    floor: 0.5,
    noise: 0,
    delay: 0,
    unscoredShare: 0,
    requests: 2_000,
    from: 1_000,
    z: 1.28,
  };

  it('meets the clairvoyant once the explored model is proven before costs count', () => {
    const r = safeCostBound(base);
    expect(r.provenAt.c).toBeLessThan(100);
    expect(r.costVsClairvoyant).toBe(0);
  });

  it('pays the anchor share for every request whose scores have not arrived', () => {
    // Scores later than the whole run: the explored model keeps its cold share (margin 0.4 over an anchor at 0.9).
    const r = safeCostBound({ ...base, delay: 5_000 });
    const cold = 0.4 / 0.9;
    expect(r.provenAt.c).toBe(Infinity);
    expect(r.costVsClairvoyant).toBeCloseTo(cold * 1 + (1 - cold) * 10 - 1, 9);
  });

  it('costs more with noisier scores, later scores and a stricter confidence', () => {
    // A model 0.03 over the floor, costs counted from request 500.
    const cost = (o: Partial<typeof base>) => safeCostBound({ ...base, classes: [{ ...base.classes[0], quality: 0.53 }], requests: 20_000, from: 500, ...o }).costVsClairvoyant;
    expect(cost({ noise: 0.2 })).toBeGreaterThan(cost({ noise: 0.1 }));
    expect(cost({ delay: 2_000 })).toBeGreaterThan(cost({ delay: 200 }));
    expect(cost({ z: 2.33 })).toBeGreaterThan(cost({ z: 1.28 }));
    expect(cost({ noise: 0.1 })).toBeGreaterThan(0);
  });
});
