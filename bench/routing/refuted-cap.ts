import { armWeight, normalQuantile, type ArmState } from '../../libs/router/src';

/**
 * Round 38 (bench only, ZOO_REFUTED_CAP): a cap on the evidence of an arm the route refutes, so a model
 * that was under the floor and then got fixed is found again while the route remembers ~10,000 scores
 * (discount 0.9999). An arm is refuted here when its own observed mean (successes / weight) is under
 * the route's quality floor; when its discounted evidence (successes + failures) exceeds `cap`, its
 * successes and failures (and its cost and token sums, so their means stay) are scaled down to `cap`:
 * its mean stays, its posterior stays about as wide as `cap` observations make it, and Thompson draws
 * still reach over the floor now and then. In effect a refuted arm's own scores are discounted by about
 * (1 - 1/cap) each (a moving mean of its last ~cap scores), on top of the route's discount.
 * Arms over the floor, and arms with at most `cap` of evidence, are left as they are.
 */
export interface RefutedCapOptions {
  /** The most evidence a refuted arm keeps. */
  cap: number;
  /** The route's quality floor (the policy's `qualityFloor`) an arm's mean must be under to be capped. */
  floor: number;
  /**
   * Round 38's second form (ZOO_REFUTED_CAP_CHANCE, added after the first pilot): the cap is instead,
   * per arm, the evidence at which a draw from its posterior clears the floor with about this chance
   * (`evidenceForChance`), and at least `cap`: an arm just under the floor keeps much more evidence
   * than one far under it, so each refuted arm is drawn over the floor about as often. Unset: `cap` alone.
   */
  chance?: number;
}

/**
 * The evidence n at which Beta(n mean, n (1 - mean)) puts about `chance` of its mass at or over `floor`
 * (normal approximation, variance mean (1 - mean) / (n + 1)): z^2 mean (1 - mean) / (floor - mean)^2 - 1,
 * z the normal quantile of 1 - chance. Infinity for a mean at or over the floor.
 */
export function evidenceForChance(mean: number, floor: number, chance: number): number {
  if (mean >= floor) return Infinity;
  const z = normalQuantile(1 - chance);
  return (z * z * mean * (1 - mean)) / ((floor - mean) * (floor - mean)) - 1;
}

/** The arm, with its evidence scaled down to `cap` when it is refuted and holds more (same object otherwise). */
export function capRefutedArm(arm: ArmState, options: RefutedCapOptions): ArmState {
  const w = armWeight(arm);
  if (!(w > options.cap) || arm.successes / w >= options.floor) return arm;
  const cap = options.chance === undefined ? options.cap : Math.max(options.cap, evidenceForChance(arm.successes / w, options.floor, options.chance));
  if (!(w > cap)) return arm;
  const k = cap / w;
  return { ...arm, successes: arm.successes * k, failures: arm.failures * k, completionTokens: arm.completionTokens * k, costUsd: arm.costUsd * k };
}

/**
 * `capRefutedArm` on the arm of `modelId` (the one just scored: the only arm whose mean a score moves,
 * the others only fade, so it is the only one that can newly need the cap); the other arms as they are.
 */
export function capRefutedEvidence(arms: readonly ArmState[], modelId: string, options: RefutedCapOptions): ArmState[] {
  return arms.map((a) => (a.modelId === modelId ? capRefutedArm(a, options) : a));
}
