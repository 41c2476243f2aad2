import type { ArmState } from './arm-state';

/**
 * Bayesian linear regression of a model's reward on the request's feature vector (ridge prior), the
 * state behind linear Thompson sampling. The inverse precision is kept directly and updated by
 * Sherman-Morrison, so an observation costs O(d^2) and a decision O(d^2) per model, no inversion.
 * Plain arrays (row-major) so the state serialises to JSON as it is.
 */
export interface LinearArmState {
  modelId: string;
  dim: number;
  /** (lambda I + sum x x^T)^-1, row-major d x d. */
  precisionInverse: number[];
  /** sum reward x. */
  rewardByFeature: number[];
  observations: number;
}

export function emptyLinearArm(modelId: string, dim: number, ridge = 1): LinearArmState {
  const precisionInverse = new Array<number>(dim * dim).fill(0);
  for (let i = 0; i < dim; i++) precisionInverse[i * dim + i] = 1 / ridge;
  return { modelId, dim, precisionInverse, rewardByFeature: new Array<number>(dim).fill(0), observations: 0 };
}

/**
 * Adds one observation to the arm that was used. `discount` < 1 scales old evidence down first
 * (A <- discount A, b <- discount b) so the estimate follows change; the ridge fades with it.
 */
export function applyLinearObservation(arm: LinearArmState, x: ArrayLike<number>, reward: number, discount = 1): LinearArmState {
  const d = arm.dim;
  const inv = arm.precisionInverse.map((v) => v / discount);
  const ax = new Array<number>(d).fill(0);
  for (let i = 0; i < d; i++) {
    let s = 0;
    for (let j = 0; j < d; j++) s += inv[i * d + j] * x[j];
    ax[i] = s;
  }
  let xAx = 0;
  for (let i = 0; i < d; i++) xAx += x[i] * ax[i];
  const scale = 1 / (1 + xAx);
  for (let i = 0; i < d; i++) for (let j = 0; j < d; j++) inv[i * d + j] -= ax[i] * ax[j] * scale;
  const r = Math.min(1, Math.max(0, reward));
  const b = arm.rewardByFeature.map((v, i) => v * discount + r * x[i]);
  return { ...arm, precisionInverse: inv, rewardByFeature: b, observations: arm.observations + 1 };
}

/** Posterior mean and variance of x . theta; `noiseVariance` is the reward noise (about 0.25 for 0/1 rewards). */
export function linearBelief(arm: LinearArmState, x: ArrayLike<number>, noiseVariance = 0.25): { mean: number; variance: number } {
  const d = arm.dim;
  let mean = 0;
  let variance = 0;
  for (let i = 0; i < d; i++) {
    let row = 0;
    let theta = 0;
    for (let j = 0; j < d; j++) {
      const v = arm.precisionInverse[i * d + j];
      row += v * x[j];
      theta += v * arm.rewardByFeature[j];
    }
    mean += x[i] * theta;
    variance += x[i] * row;
  }
  return { mean, variance: Math.max(1e-9, noiseVariance * variance) };
}

/**
 * The linear beliefs for one request as Beta evidence with the same mean and variance, so `decide`
 * (floor rule, exploration cap, budget pressure, latency) runs unchanged on a linear model: pass the
 * result as `arms` with a near-zero Beta prior.
 */
export function linearArmsAsBeta(arms: Iterable<LinearArmState>, x: ArrayLike<number>, noiseVariance = 0.25): Map<string, ArmState> {
  const out = new Map<string, ArmState>();
  for (const arm of arms) {
    const { mean, variance } = linearBelief(arm, x, noiseVariance);
    const m = Math.min(0.999, Math.max(0.001, mean));
    const strength = Math.max(0, (m * (1 - m)) / variance - 1);
    out.set(arm.modelId, { modelId: arm.modelId, successes: m * strength, failures: (1 - m) * strength, completionTokens: 0, costUsd: 0, observations: arm.observations });
  }
  return out;
}
