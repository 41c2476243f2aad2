import { seededRandom } from '../../core/src';
import { failuresOf, successesOf } from './arm-state';
import { arm, toMap } from './spec-fixtures';
import { decide, type Candidate, type RoutePolicy } from './thompson-policy';

/**
 * `Decision.beliefs` is built when first read (docs/benchmarks.md, routing round 11): it must read as the
 * plain data it was, with the numbers of the decision, in the same key order, and stay the same array.
 */
describe('decide: the beliefs of a decision', () => {
  const candidates: Candidate[] = [
    { modelId: 'cheap', expectedCostUsd: 0.0001, eligible: true, expectedTtftMs: 200 },
    { modelId: 'slow', expectedCostUsd: 0.0005, eligible: true, expectedTtftMs: 5000 },
    { modelId: 'down', expectedCostUsd: 0.001, eligible: false, excludedBecause: 'circuit_open' },
    { modelId: 'strong', expectedCostUsd: 0.003, eligible: true, expectedTtftMs: 300 },
  ];
  const arms = toMap([arm('cheap', 30, 10), arm('slow', 5, 1), arm('strong', 50, 2)]);
  const policy: RoutePolicy = { qualityFloor: 0.8, priorSuccesses: 1, priorFailures: 1, maxTtftMs: 1000, floorConfidence: 0.9 };

  it('reads as plain data: every candidate, its numbers, exclusions (latency included) and the JSON key order', () => {
    const decision = decide(candidates, arms, policy, seededRandom(3));
    expect(decision.beliefs.map((b) => [b.modelId, b.eligible, b.excludedBecause])).toEqual([
      ['cheap', true, undefined],
      ['slow', false, 'expected time to first token above the route maximum'],
      ['down', false, 'circuit_open'],
      ['strong', true, undefined],
    ]);
    const cheap = decision.beliefs[0];
    expect(cheap.meanQuality).toBe(31 / 42);
    expect(cheap.evidence).toBe(40);
    expect(cheap.expectedCostUsd).toBe(0.0001);
    expect(cheap.sampledQuality).toBeGreaterThan(0);
    expect(decision.beliefs[2].sampledQuality).toBe(0);
    expect(Object.keys(JSON.parse(JSON.stringify(decision)))).toEqual(['modelId', 'reason', 'ranked', 'beliefs', 'floorUnmet']);
    expect(Object.keys(cheap)).toEqual(['modelId', 'meanQuality', 'sampledQuality', 'evidence', 'expectedCostUsd', 'eligible', 'excludedBecause']);
    expect(JSON.parse(JSON.stringify(decision)).beliefs).toEqual(JSON.parse(JSON.stringify(decision.beliefs)));
    const plain = { modelId: decision.modelId, reason: decision.reason, ranked: decision.ranked, beliefs: decision.beliefs, floorUnmet: decision.floorUnmet };
    expect(JSON.stringify(decision)).toBe(JSON.stringify(plain));
  });

  it('every decision has the same shape (one hidden class, not one per decision)', () => {
    const a = decide(candidates, arms, policy, seededRandom(3));
    const b = decide(candidates, arms, policy, seededRandom(4));
    expect(Object.getPrototypeOf(a)).toBe(Object.getPrototypeOf(b));
    expect(Object.keys(a)).toEqual(Object.keys(b));
  });

  it('is the same array on every read, and can be replaced', () => {
    const decision = decide(candidates, arms, policy, seededRandom(3));
    expect(decision.beliefs).toBe(decision.beliefs);
    decision.beliefs = [];
    expect(decision.beliefs).toEqual([]);
  });

  it('keeps its own numbers when later decisions reuse decide’s columns', () => {
    const first = decide(candidates, arms, policy, seededRandom(3));
    const again = decide(candidates, arms, policy, seededRandom(3)).beliefs.map((b) => ({ ...b }));
    decide(candidates, toMap([arm('cheap', 1, 300), arm('strong', 2, 2)]), policy, seededRandom(9));
    expect(first.beliefs).toEqual(again);
  });

  it('on a contextual decision, the context evidence last', () => {
    const decision = decide(candidates, arms, policy, seededRandom(3), { contextKey: 'k', contextArms: toMap([arm('cheap', 3, 1)]) });
    expect(decision.beliefs[0].contextEvidence).toBe(4);
    expect(decision.beliefs[3].contextEvidence).toBe(0);
    expect(decision.beliefs[0].evidence).toBe(4);
    expect(Object.keys(decision.beliefs[0]).at(-1)).toBe('contextEvidence');
    expect(Object.keys(JSON.parse(JSON.stringify(decision))).at(-1)).toBe('contextKey');
  });
});

describe('successesOf / failuresOf', () => {
  it("are an arm's counts, 0 without an arm", () => {
    expect(successesOf(arm('a', 2.5, 1))).toBe(2.5);
    expect(failuresOf(arm('a', 2.5, 1))).toBe(1);
    expect(successesOf(undefined)).toBe(0);
    expect(failuresOf(undefined)).toBe(0);
  });
});
