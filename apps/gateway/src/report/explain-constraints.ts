import type { ModelSpec, RouteConstraints, RouteSpec, TierSpec } from '../../../../libs/config/src';
import type { ArmState } from '../../../../libs/router/src';
import { contextPriorStrengthOf } from '../routing/safe-exploration';
import { tierOf } from '../routing/route-signals';

/** Pseudo-observations behind a price prior: thompson-policy's default `priorQualityWeight`. */
export const PRICE_PRIOR_WEIGHT = 4;

/** A route's (or a tier's) constraints as the report shows them; null where unset. */
export function constraintsView(limits: RouteConstraints) {
  return {
    quality_floor: limits.qualityFloor,
    max_price_per_request_usd: limits.maxPriceUsdPerRequest ?? null,
    max_ttft_ms: limits.maxTtftMs ?? null,
    allowed_providers: limits.allowedProviders ?? null,
    budget_usd_per_day: limits.budgetUsdPerDay ?? null,
    cost_weight: limits.costWeight ?? null,
  };
}

/**
 * Posterior mean quality as decide() computes it: the route-level arm on top of the model's price prior
 * (or the neutral Beta(1, 1)); for a context, the context's own evidence on top of at most
 * the route's context_prior_strength (`contextPriorStrengthOf`) observations' worth of that
 * route-level belief.
 */
export function believedQuality(route: RouteSpec, modelId: string, routeArm: ArmState | undefined, contextArm?: ArmState | null): number {
  const prior = route.priorQuality?.[modelId];
  let a = prior === undefined ? 1 : prior * PRICE_PRIOR_WEIGHT;
  let b = prior === undefined ? 1 : (1 - prior) * PRICE_PRIOR_WEIGHT;
  a += routeArm?.successes ?? 0;
  b += routeArm?.failures ?? 0;
  if (contextArm === undefined) return a / (a + b);
  const strength = Math.min(contextPriorStrengthOf(route), a + b);
  const mean = a / (a + b);
  a = strength * mean + (contextArm?.successes ?? 0);
  b = strength * (1 - mean) + (contextArm?.failures ?? 0);
  return a / (a + b);
}

export interface ExclusionInput {
  model: ModelSpec;
  /** Cost of the route's typical request on this model. */
  expectedCostUsd: number;
  /** Observed (else configured) time to first token, when known. */
  ttftMs?: number;
  /** Health: 'circuit_open', 'schema_failures'. */
  health?: string;
}

/**
 * Which stated constraint keeps each model out of a typical request, in planRoute's order (providers,
 * max price, health), then time to first token as decide() applies it: a model slower than
 * `max_ttft_ms` is out only while a model that is fast enough (or not yet observed) can serve.
 * Capabilities, context window and the day's budget depend on the request and are not shown here.
 */
export function exclusions(limits: RouteConstraints, inputs: ExclusionInput[]): Array<string | undefined> {
  const out = inputs.map(({ model, expectedCostUsd, health }) => {
    if (limits.allowedProviders !== undefined && !limits.allowedProviders.includes(model.providerId)) return 'provider_not_allowed';
    if (limits.maxPriceUsdPerRequest !== undefined && expectedCostUsd > limits.maxPriceUsdPerRequest) return 'max_price_per_request';
    return health;
  });
  const max = limits.maxTtftMs;
  if (max !== undefined && inputs.some((x, i) => out[i] === undefined && (x.ttftMs ?? 0) <= max)) {
    inputs.forEach((x, i) => {
      if (out[i] === undefined && (x.ttftMs ?? 0) > max) out[i] = 'ttft_above_max';
    });
  }
  return out;
}

export interface BeliefForDecision {
  model: string;
  meanQuality: number;
  expectedCostUsd: number;
  excludedBecause?: string;
}

/**
 * What the router believes now under these constraints: the favoured model is the cheapest eligible
 * one whose posterior mean clears the floor, else the best-known eligible one, and then the report says
 * that no model is known to meet the floor. Lists which constraint keeps which model out.
 */
export function currentDecision(limits: { qualityFloor: number; relativeFloor?: number }, beliefs: BeliefForDecision[]) {
  const excluded = beliefs.filter((b) => b.excludedBecause !== undefined).map((b) => ({ model: b.model, because: b.excludedBecause! }));
  // In the sentence too, so every view that shows `why` (the dashboard's "Now:" line) says it.
  const out = excluded.length === 0 ? '' : `; excluded: ${excluded.map((e) => `${e.model} (${e.because})`).join(', ')}`;
  const eligible = beliefs.filter((b) => b.excludedBecause === undefined);
  const floor = limits.qualityFloor;
  // With relative_floor, clearing also means reaching that fraction of the best-believed model.
  const bestMean = eligible.reduce((m, b) => Math.max(m, b.meanQuality), 0);
  const threshold = Math.max(floor, (limits.relativeFloor ?? 0) * bestMean);
  const clear = eligible.filter((b) => b.meanQuality >= threshold).sort((a, b) => a.expectedCostUsd - b.expectedCostUsd);
  if (clear.length > 0) {
    const pick = clear[0];
    const relative = limits.relativeFloor === undefined ? '' : ` and ${limits.relativeFloor} x the best model's (${threshold.toFixed(3)} in all)`;
    return {
      favoured_model: pick.model,
      floor_unmet: false,
      why: `cheapest model believed to clear the quality floor ${floor}${relative} (estimated quality ${pick.meanQuality.toFixed(3)})${out}`,
      excluded,
    };
  }
  const best = [...eligible].sort((a, b) => b.meanQuality - a.meanQuality)[0];
  return {
    favoured_model: best?.model ?? null,
    floor_unmet: true,
    why:
      (best
        ? `no model is known to meet the floor ${floor}; preferring the best-known (estimated quality ${best.meanQuality.toFixed(3)})`
        : beliefs.length > 0
          ? 'every candidate is excluded by a constraint'
          : 'no candidates') + out,
    excluded,
  };
}

/** The tier a context key names (`...|tier=pro`) when the route configures it. */
export function tierOfContext(route: RouteSpec, contextKey: string): TierSpec | undefined {
  const tier = tierOf(contextKey);
  return tier === undefined ? undefined : route.tiers?.get(tier);
}
