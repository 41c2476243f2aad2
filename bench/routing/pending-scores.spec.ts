import { seededRandom } from '../../libs/core/src';
import type { ArmState, Candidate, RoutePolicy } from '../../libs/router/src';
import { armsWithPending, expectedInFlight, imputePending, InFlightCounts } from './pending-scores';
import { HierarchicalRouter } from './routers';

const arm = (modelId: string, successes: number, failures: number): ArmState => ({ modelId, successes, failures, completionTokens: 0, costUsd: 0, observations: successes + failures });
const cand = (modelId: string, cost: number): Candidate => ({ modelId, expectedCostUsd: cost, eligible: true });
const mean = (x: { successes: number; failures: number }) => x.successes / (x.successes + x.failures);

describe('round 39 scores in flight', () => {
  it('expects the scored share of the served requests, less those landed, never below 0', () => {
    expect(expectedInFlight(10, 3, 0.5)).toBe(2);
    expect(expectedInFlight(10, 7, 0.5)).toBe(0);
    expect(expectedInFlight(0, 0, 0.5)).toBe(0);
  });

  it('imputes at the mean for z = 0, under it for z > 0, and at most cap x the weight', () => {
    const at0 = imputePending(6, 4, 10, 0);
    expect(at0.successes + at0.failures).toBeCloseTo(10, 9);
    expect(mean(at0)).toBeCloseTo(0.6, 9);
    const sd = Math.sqrt((6 * 4) / (100 * 11));
    expect(mean(imputePending(6, 4, 10, 1))).toBeCloseTo(0.6 - sd, 9);
    const capped = imputePending(6, 4, 100, 1, 2);
    expect(capped.successes + capped.failures).toBeCloseTo(20, 9);
    expect(imputePending(6, 4, 0, 1)).toEqual({ successes: 0, failures: 0 });
  });

  it('counts served and landed requests over the window only', () => {
    const counts = new InFlightCounts(100);
    for (let i = 0; i < 10; i++) counts.serve('k', i);
    for (let i = 0; i < 4; i++) counts.land('k', i);
    expect(counts.pending('k', 10, 1)).toBe(6);
    expect(counts.pending('k', 10, 0.5)).toBe(1);
    expect(counts.pending('other', 10, 1)).toBe(0);
    // Requests 0-4 have left the window at request 104: 5 served, none landed of those left.
    expect(counts.pending('k', 104, 1)).toBe(5);
  });

  it('adds the imputed evidence to the arms in flight only, the context prior shrunk from the imputed route arm', () => {
    const policy = { qualityFloor: 0.57, priorSuccesses: 1, priorFailures: 1, contextPriorStrength: 8 } as RoutePolicy & { contextPriorStrength: number };
    const route = new Map([['a', arm('a', 59, 39)], ['b', arm('b', 30, 10)]]);
    const context = new Map([['a', arm('a', 5, 5)]]);
    const out = armsWithPending([cand('a', 1), cand('b', 2)], route, context, policy, (m) => (m === 'a' ? 50 : 0), (m) => (m === 'a' ? 20 : 0), 1);
    expect(out.routeArms.get('b')).toBe(route.get('b'));
    expect(out.contextArms.has('b')).toBe(false);
    const ra = out.routeArms.get('a')!;
    expect(ra.successes + ra.failures).toBeCloseTo(98 + 50, 9);
    expect((ra.successes + 1) / (ra.successes + ra.failures + 2)).toBeLessThan(0.6);
    const ca = out.contextArms.get('a')!;
    expect(ca.successes + ca.failures).toBeCloseTo(10 + 20, 9);
    expect(mean(ca)).toBeLessThan(0.5);
    // The inputs are not changed.
    expect(route.get('a')!.successes).toBe(59);
    expect(context.get('a')!.successes).toBe(5);
  });

  it('serves an unproven cheap model less while many of its scores are in flight', () => {
    const policy: RoutePolicy = { qualityFloor: 0.55, priorSuccesses: 1, priorFailures: 1, contextPriorStrength: 8 };
    const candidates = [{ ...cand('cheap', 1), priorQuality: 0.5 }, { ...cand('dear', 10), priorQuality: 0.7 }];
    const cheapShare = (pending: boolean, coldStartOnly = false) => {
      let clock = 0;
      const r = new HierarchicalRouter('t', policy, 1, seededRandom(7), 1);
      if (pending) r.pending = { z: 1, cap: Infinity, counts: new InFlightCounts(10_000), scoredShare: 0.5, clock: () => clock, coldStartOnly };
      // With coldStartOnly, one score of another model has landed: the route is past its cold start.
      if (coldStartOnly) r.landed('other', 'dear', -1);
      let cheap = 0;
      for (; clock < 2_000; clock++) {
        const served = r.choose({ contextKey: 'c', vector: new Float64Array(0), hashed: new Int32Array(0), candidates }).ranked[0];
        if (served === 'cheap') cheap++;
        r.served('c', served, clock); // no score ever lands: all of them late
      }
      return cheap / 2_000;
    };
    expect(cheapShare(false)).toBeGreaterThan(0.2);
    expect(cheapShare(true)).toBeLessThan(0.05);
    expect(cheapShare(true, true)).toBe(cheapShare(false));
  });
});
