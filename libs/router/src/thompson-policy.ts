import type { Random } from '../../core/src';
import { armWeight, type ArmState } from './arm-state';
import { sampleBeta } from './beta-sampler';

export interface Candidate {
  modelId: string;
  /** Expected USD for this request, from the current price and expected token counts. */
  expectedCostUsd: number;
  /** False when a constraint rules it out for this request (price cap, budget, health, context window). */
  eligible: boolean;
  /** Why it is not eligible, for the explanation. */
  excludedBecause?: string;
}

export interface RoutePolicy {
  qualityFloor: number;
  /** Beta prior pseudo-counts for an arm with no evidence. */
  priorSuccesses: number;
  priorFailures: number;
}

export type DecisionReason = 'exploit' | 'explore' | 'constraint' | 'only_candidate';

export interface ArmBelief {
  modelId: string;
  meanQuality: number;
  sampledQuality: number;
  /** Effective number of observations behind the mean. */
  evidence: number;
  expectedCostUsd: number;
  eligible: boolean;
  excludedBecause?: string;
}

export interface Decision {
  modelId: string;
  reason: DecisionReason;
  /** Eligible candidates, best first: the chosen one, then the order to fall back in. */
  ranked: string[];
  beliefs: ArmBelief[];
  /** True when no eligible model is believed (by its mean) to clear the floor. */
  floorUnmet: boolean;
}

/**
 * Cost-aware Thompson sampling. Draw a quality for each eligible model from its posterior; among
 * the models whose draw clears the route's floor pick the cheapest; when none clears it, pick the
 * highest draw. The same rule on posterior means gives the greedy choice: when the sampled choice
 * differs from it, the decision is exploration.
 */
export function decide(candidates: Candidate[], arms: ReadonlyMap<string, ArmState>, policy: RoutePolicy, random: Random): Decision {
  const beliefs: ArmBelief[] = candidates.map((c) => {
    const arm = arms.get(c.modelId);
    const a = policy.priorSuccesses + (arm?.successes ?? 0);
    const b = policy.priorFailures + (arm?.failures ?? 0);
    return {
      modelId: c.modelId,
      meanQuality: a / (a + b),
      sampledQuality: c.eligible ? sampleBeta(a, b, random) : 0,
      evidence: arm ? armWeight(arm) : 0,
      expectedCostUsd: c.expectedCostUsd,
      eligible: c.eligible,
      excludedBecause: c.excludedBecause,
    };
  });
  const eligible = beliefs.filter((b) => b.eligible);
  if (eligible.length === 0) {
    throw new Error('decide() needs at least one eligible candidate');
  }
  const sampledOrder = rank(eligible, (b) => b.sampledQuality, policy.qualityFloor);
  const greedyOrder = rank(eligible, (b) => b.meanQuality, policy.qualityFloor);
  const unconstrainedGreedy = rank(beliefs, (b) => b.meanQuality, policy.qualityFloor)[0];
  const chosen = sampledOrder[0];
  let reason: DecisionReason;
  if (eligible.length === 1) reason = beliefs.length === 1 ? 'only_candidate' : 'constraint';
  else if (chosen !== greedyOrder[0]) reason = 'explore';
  else if (chosen !== unconstrainedGreedy) reason = 'constraint';
  else reason = 'exploit';
  return {
    modelId: chosen,
    reason,
    ranked: sampledOrder,
    beliefs,
    floorUnmet: !eligible.some((b) => b.meanQuality >= policy.qualityFloor),
  };
}

/** Models that clear the floor by cheapest first, then the rest by quality. */
function rank(beliefs: ArmBelief[], quality: (b: ArmBelief) => number, floor: number): string[] {
  const clear = beliefs.filter((b) => quality(b) >= floor).sort((x, y) => x.expectedCostUsd - y.expectedCostUsd || quality(y) - quality(x));
  const rest = beliefs.filter((b) => quality(b) < floor).sort((x, y) => quality(y) - quality(x) || x.expectedCostUsd - y.expectedCostUsd);
  return [...clear, ...rest].map((b) => b.modelId);
}
