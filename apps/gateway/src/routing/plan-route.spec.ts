import type { ModelSpec, RouteSpec } from '../../../../libs/config/src';
import { GatewayError, seededRandom, type ChatRequest } from '../../../../libs/core/src';
import { planRoute } from './plan-route';

const models = new Map<string, ModelSpec>([
  ['small', { id: 'small', providerId: 'p', upstream: 's', inputPer1M: 0.1, outputPer1M: 0.4, contextWindow: 1000, timeouts: {} }],
  ['big', { id: 'big', providerId: 'p', upstream: 'b', inputPer1M: 10, outputPer1M: 30, contextWindow: 100_000, timeouts: {} }],
]);
const route: RouteSpec = { name: 'r', candidates: ['small', 'big'], qualityFloor: 0.8, discount: 0.99, validators: [], implicit: false };
const request = (extra: Partial<ChatRequest> = {}) => ({ model: 'r', messages: [{ role: 'user', content: 'hi' }], ...extra }) as ChatRequest;
const plan = (overrides: Partial<Parameters<typeof planRoute>[0]>) =>
  planRoute({ route, models, request: request(), promptTokens: 100, arms: new Map(), spentTodayUsd: 0, random: seededRandom(1), ...overrides });

describe('planRoute', () => {
  it('ranks every eligible candidate, the chosen one first', () => {
    const result = plan({});
    expect(result.models.map((m) => m.id).sort()).toEqual(['big', 'small']);
    expect(result.decision.modelId).toBe(result.models[0].id);
  });

  it('excludes models whose context window is too small', () => {
    const result = plan({ promptTokens: 2000 });
    expect(result.models.map((m) => m.id)).toEqual(['big']);
    expect(result.decision.reason).toBe('constraint');
    expect(result.decision.beliefs.find((b) => b.modelId === 'small')?.excludedBecause).toBe('context_window');
  });

  it('excludes models over the max price per request, using max_tokens as the worst case', () => {
    const capped = { ...route, maxPriceUsdPerRequest: 0.01 };
    const result = plan({ route: capped, request: request({ max_tokens: 500 }) });
    expect(result.models.map((m) => m.id)).toEqual(['small']);
  });

  it('refuses with budget_exceeded once the daily budget is spent', () => {
    const budgeted = { ...route, budgetUsdPerDay: 1 };
    expect(() => plan({ route: budgeted, spentTodayUsd: 1 })).toThrow(GatewayError);
    try {
      plan({ route: budgeted, spentTodayUsd: 1 });
    } catch (err) {
      expect((err as GatewayError).status).toBe(429);
      expect((err as GatewayError).code).toBe('budget_exceeded');
    }
  });

  it('prices an untried model for answers of the route\'s typical size', () => {
    const arms = new Map([['big', { modelId: 'big', successes: 50, failures: 0, completionTokens: 150, costUsd: 0, observations: 50 }]]);
    const result = plan({ arms, promptTokens: 10 });
    const small = result.decision.beliefs.find((b) => b.modelId === 'small')!;
    const big = result.decision.beliefs.find((b) => b.modelId === 'big')!;
    // Both priced for about 3 completion tokens: the cheap model stays the cheap one.
    expect(small.expectedCostUsd).toBeCloseTo((10 * 0.1 + 3 * 0.4) / 1e6, 12);
    expect(big.expectedCostUsd).toBeCloseTo((10 * 10 + 3 * 30) / 1e6, 12);
    expect(small.expectedCostUsd).toBeLessThan(big.expectedCostUsd);
  });

  it('passes the route\'s cost weight to the bandit: with no weight the best clearing model wins', () => {
    const arms = new Map([
      ['small', { modelId: 'small', successes: 900, failures: 100, completionTokens: 3000, costUsd: 0, observations: 1000 }],
      ['big', { modelId: 'big', successes: 990, failures: 10, completionTokens: 3000, costUsd: 0, observations: 1000 }],
    ]);
    expect(plan({ arms }).decision.modelId).toBe('small');
    expect(plan({ arms, route: { ...route, costWeight: 0 } }).decision.modelId).toBe('big');
  });

  it('says context_length_exceeded when no model can hold the prompt', () => {
    expect(() => plan({ promptTokens: 200_000 })).toThrow(/context window/);
  });
});
