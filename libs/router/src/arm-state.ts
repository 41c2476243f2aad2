/**
 * What the router believes about one model on one route: discounted evidence of success and failure
 * (a Beta posterior over the chance that a response passes its validators), and of cost and size.
 * All counts are discounted, so old evidence fades and the router follows change.
 */
export interface ArmState {
  modelId: string;
  /** Discounted sum of rewards (0..1). */
  successes: number;
  /** Discounted sum of (1 - reward). */
  failures: number;
  /** Discounted sum of observed completion tokens, for the expected cost of the next call. */
  completionTokens: number;
  /** Discounted sum of observed cost in USD. */
  costUsd: number;
  /** Undiscounted number of scored requests, for reports. */
  observations: number;
}

export interface Observation {
  modelId: string;
  reward: number;
  costUsd: number;
  completionTokens: number;
}

export function emptyArm(modelId: string): ArmState {
  return { modelId, successes: 0, failures: 0, completionTokens: 0, costUsd: 0, observations: 0 };
}

/** Effective (discounted) number of observations behind an arm's estimates. */
export function armWeight(arm: ArmState): number {
  return arm.successes + arm.failures;
}

/**
 * An arm's successes (failures), 0 for no arm: `arm?.successes ?? 0` without its intermediate
 * undefined, which made the optimising compiler box each number it read (16 bytes a read, 64 per model
 * in the context beliefs at every decision; docs/benchmarks.md, routing round 11).
 */
export function successesOf(arm: ArmState | undefined): number {
  return arm === undefined ? 0 : arm.successes;
}

export function failuresOf(arm: ArmState | undefined): number {
  return arm === undefined ? 0 : arm.failures;
}

/**
 * Folds one scored response into a route's arms: every arm of the route decays by `discount`
 * (evidence ages with the route's traffic, so an arm that is no longer tried drifts back towards
 * its prior and gets explored again), then the observed arm gains the new evidence.
 */
export function applyObservation(arms: ArmState[], obs: Observation, discount: number): ArmState[] {
  const reward = Math.min(1, Math.max(0, obs.reward));
  const found = arms.some((a) => a.modelId === obs.modelId);
  const all = found ? arms : [...arms, emptyArm(obs.modelId)];
  return all.map((arm) => {
    const decayed: ArmState = {
      ...arm,
      successes: arm.successes * discount,
      failures: arm.failures * discount,
      completionTokens: arm.completionTokens * discount,
      costUsd: arm.costUsd * discount,
    };
    if (arm.modelId !== obs.modelId) return decayed;
    return {
      ...decayed,
      successes: decayed.successes + reward,
      failures: decayed.failures + (1 - reward),
      completionTokens: decayed.completionTokens + obs.completionTokens,
      costUsd: decayed.costUsd + obs.costUsd,
      observations: arm.observations + 1,
    };
  });
}

/**
 * Changes a scored reward after the fact (explicit feedback arriving later): moves evidence from
 * failures to successes or back without counting a new observation.
 */
export function applyRewardCorrection(arm: ArmState, previousReward: number, newReward: number): ArmState {
  const delta = newReward - previousReward;
  return {
    ...arm,
    successes: Math.max(0, arm.successes + delta),
    failures: Math.max(0, arm.failures - delta),
  };
}
