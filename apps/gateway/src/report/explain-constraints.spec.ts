import type { ModelSpec, RouteSpec } from '../../../../libs/config/src';
import { believedQuality, currentDecision, exclusions, tierOfContext } from './explain-constraints';

const model = (id: string, providerId: string): ModelSpec => ({ id, providerId, upstream: id, inputPer1M: 1, outputPer1M: 1, contextWindow: 1000, timeouts: {} });
const route: RouteSpec = {
  name: 'r', candidates: ['a', 'b'], qualityFloor: 0.8, discount: 0.99, validators: [], implicit: false,
  priorQuality: { a: 0.45, b: 0.75 },
  tiers: new Map([['eu', { name: 'eu', qualityFloor: 0.9, allowedProviders: ['eu-host'] }]]),
};

describe('currentDecision', () => {
  it('favours the cheapest eligible model that clears the floor and lists what the constraints keep out', () => {
    const d = currentDecision({ qualityFloor: 0.8 }, [
      { model: 'cheap', meanQuality: 0.95, expectedCostUsd: 0.001, excludedBecause: 'provider_not_allowed' },
      { model: 'mid', meanQuality: 0.85, expectedCostUsd: 0.01 },
      { model: 'dear', meanQuality: 0.97, expectedCostUsd: 0.1 },
    ]);
    expect(d).toMatchObject({ favoured_model: 'mid', floor_unmet: false, excluded: [{ model: 'cheap', because: 'provider_not_allowed' }] });
    expect(d.why).toContain('excluded: cheap (provider_not_allowed)');
  });

  it("with relative_floor, a model clears only if it also reaches that fraction of the best one's quality", () => {
    const beliefs = [
      { model: 'cheap', meanQuality: 0.82, expectedCostUsd: 0.001 },
      { model: 'dear', meanQuality: 0.95, expectedCostUsd: 0.1 },
    ];
    expect(currentDecision({ qualityFloor: 0.8 }, beliefs).favoured_model).toBe('cheap');
    const d = currentDecision({ qualityFloor: 0.8, relativeFloor: 0.9 }, beliefs);
    expect(d).toMatchObject({ favoured_model: 'dear', floor_unmet: false });
    expect(d.why).toContain('0.9 x the best');
    expect(currentDecision({ qualityFloor: 0.8, relativeFloor: 0.85 }, beliefs).favoured_model).toBe('cheap');
  });

  it('says when no eligible model is known to meet the floor, and prefers the best-known', () => {
    const d = currentDecision({ qualityFloor: 0.9 }, [
      { model: 'good', meanQuality: 0.95, expectedCostUsd: 0.1, excludedBecause: 'ttft_above_max' },
      { model: 'ok', meanQuality: 0.7, expectedCostUsd: 0.01 },
      { model: 'poor', meanQuality: 0.5, expectedCostUsd: 0.001 },
    ]);
    expect(d).toMatchObject({ favoured_model: 'ok', floor_unmet: true });
    expect(d.why).toMatch(/no model is known to meet the floor 0.9; preferring the best-known .*excluded: good \(ttft_above_max\)/);
  });
});

describe('exclusions', () => {
  const inputs = [
    { model: model('a', 'us'), expectedCostUsd: 0.001, ttftMs: 3000 },
    { model: model('b', 'eu-host'), expectedCostUsd: 0.05, ttftMs: 200 },
    { model: model('c', 'us'), expectedCostUsd: 0.001, health: 'circuit_open' },
  ];
  it('names the constraint that keeps each model out', () => {
    expect(exclusions({ qualityFloor: 0.8, allowedProviders: ['us'] }, inputs)).toEqual([undefined, 'provider_not_allowed', 'circuit_open']);
    expect(exclusions({ qualityFloor: 0.8, maxPriceUsdPerRequest: 0.01 }, inputs)).toEqual([undefined, 'max_price_per_request', 'circuit_open']);
    expect(exclusions({ qualityFloor: 0.8, maxTtftMs: 1000 }, inputs)).toEqual(['ttft_above_max', undefined, 'circuit_open']);
  });
  it('does not exclude a slow model when nothing fast enough can serve', () => {
    expect(exclusions({ qualityFloor: 0.8, maxTtftMs: 1000, allowedProviders: ['us'] }, inputs)).toEqual([undefined, 'provider_not_allowed', 'circuit_open']);
  });
});

describe('believedQuality', () => {
  it('starts from the price prior and moves with the evidence, as decide() does', () => {
    expect(believedQuality(route, 'a', undefined)).toBeCloseTo(0.45, 12);
    expect(believedQuality(route, 'b', { modelId: 'b', successes: 0, failures: 4, completionTokens: 0, costUsd: 0, observations: 4 })).toBeCloseTo(3 / 8, 12);
    const context = believedQuality(route, 'b', undefined, { modelId: 'b', successes: 4, failures: 0, completionTokens: 0, costUsd: 0, observations: 4 });
    expect(context).toBeCloseTo((4 * 0.75 + 4) / 8, 12);
    // The route's context_prior_strength replaces the default 8: at 0 the context's own evidence alone.
    const own = { modelId: 'b', successes: 1, failures: 3, completionTokens: 0, costUsd: 0, observations: 4 };
    expect(believedQuality({ ...route, contextPriorStrength: 0 }, 'b', undefined, own)).toBeCloseTo(0.25, 12);
    expect(believedQuality({ ...route, contextPriorStrength: 2 }, 'b', undefined, own)).toBeCloseTo((2 * 0.75 + 1) / 6, 12);
  });
});

describe('tierOfContext', () => {
  it("finds the route's tier a context key names", () => {
    expect(tierOfContext(route, 'general|short|tier=eu')?.qualityFloor).toBe(0.9);
    expect(tierOfContext(route, 'general|short|tier=other')).toBeUndefined();
    expect(tierOfContext(route, 'general|short')).toBeUndefined();
  });
});
