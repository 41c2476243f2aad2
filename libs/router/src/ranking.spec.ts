import fc from 'fast-check';
import { firstRanked, rank, rankOrder } from './ranking';

// Few distinct values, so that ties (which must keep the input order) are common.
const level = fc.constantFrom(0, 0.2, 0.5, 0.55, 0.7, 0.9, 1);
const case_ = fc
  .array(fc.record({ cost: fc.constantFrom(0.001, 0.002, 0.01, 0.05), quality: level }), { minLength: 1, maxLength: 12 })
  .chain((models) =>
    fc.record({
      models: fc.constant(models),
      idx: fc.shuffledSubarray(models.map((_, i) => i), { minLength: 1 }),
      floor: level,
      relative: fc.constantFrom(0, 0.8, 0.95),
      cheapestFirst: fc.boolean(),
      costWeight: fc.option(fc.constantFrom(0, 5, 40), { nil: undefined }),
    }),
  );

describe('ranking', () => {
  it('firstRanked is the head of rank, in one pass', () => {
    fc.assert(
      fc.property(case_, (c) => {
        const beliefs = c.models.map((m, i) => ({ modelId: `m${i}`, expectedCostUsd: m.cost }));
        const quality = c.models.map((m) => m.quality);
        const order = rank(beliefs, c.idx, quality, c.floor, c.relative, c.cheapestFirst, c.costWeight);
        expect(firstRanked(beliefs, c.idx, quality, c.floor, c.relative, c.cheapestFirst, c.costWeight)).toBe(order[0]);
      }),
      { numRuns: 2000 },
    );
  });

  it('ranks every given model once: those clearing both floors first, cheapest first, then the rest by quality', () => {
    fc.assert(
      fc.property(case_, (c) => {
        const beliefs = c.models.map((m, i) => ({ modelId: `m${i}`, expectedCostUsd: m.cost }));
        const quality = c.models.map((m) => m.quality);
        const order = rank(beliefs, c.idx, quality, c.floor, c.relative, false).map((id) => Number(id.slice(1)));
        expect([...order].sort((a, b) => a - b)).toEqual([...c.idx].sort((a, b) => a - b));
        const best = Math.max(0, ...c.idx.map((i) => quality[i]));
        const clears = (i: number) => quality[i] >= c.floor && quality[i] >= c.relative * best;
        const split = order.findIndex((i) => !clears(i));
        const head = split < 0 ? order : order.slice(0, split);
        const tail = split < 0 ? [] : order.slice(split);
        expect(tail.every((i) => !clears(i))).toBe(true);
        for (let k = 1; k < head.length; k++) expect(c.models[head[k]].cost).toBeGreaterThanOrEqual(c.models[head[k - 1]].cost);
        for (let k = 1; k < tail.length; k++) expect(quality[tail[k]]).toBeLessThanOrEqual(quality[tail[k - 1]]);
      }),
      { numRuns: 1000 },
    );
  });

  it('breaks ties by the order it was given', () => {
    const beliefs = ['a', 'b', 'c'].map((modelId) => ({ modelId, expectedCostUsd: 0.01 }));
    expect(rank(beliefs, [2, 0, 1], [0.9, 0.9, 0.9], 0.5, 0, false)).toEqual(['c', 'a', 'b']);
    expect(firstRanked(beliefs, [2, 0, 1], [0.9, 0.9, 0.9], 0.5, 0, false)).toBe('c');
  });

  it('rankOrder into an array writes the same order there, sets its length, and returns it', () => {
    const into: number[] = [7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7];
    fc.assert(
      fc.property(case_, (c) => {
        const beliefs = c.models.map((m, i) => ({ modelId: `m${i}`, expectedCostUsd: m.cost }));
        const quality = c.models.map((m) => m.quality);
        const fresh = rankOrder(beliefs, c.idx, quality, c.floor, c.relative, c.cheapestFirst, c.costWeight);
        const out = rankOrder(beliefs, c.idx, quality, c.floor, c.relative, c.cheapestFirst, c.costWeight, into);
        expect(out).toBe(into);
        expect(out).toEqual(fresh);
      }),
      { numRuns: 2000 },
    );
  });
});
