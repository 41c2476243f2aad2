/**
 * Safe exploration: how sure the router is that a model clears the floor, from its Beta posterior.
 *
 * One Thompson draw per request lets a model whose posterior straddles the floor win about as often
 * as its draw lands above it, and when feedback is noisy, sparse or late that share stays high for
 * thousands of requests (the posterior barely moves while the requests keep coming). With
 * `RoutePolicy.floorConfidence` set, `decide` calls a model *proven* in a context when its posterior's
 * lower (1 - confidence) quantile clears the floor, and serves unproven choices only as far as a proven
 * anchor's surplus over the floor pays for them, which bounds floor violations from exploration
 * whatever the noise and the delay.
 */

import { armWeight, type ArmState } from './arm-state';

/** Acklam's coefficients (module constants: no arrays per call). */
const QA = [-39.69683028665376, 220.9460984245205, -275.9285104469687, 138.357751867269, -30.66479806614716, 2.506628277459239];
const QB = [-54.47609879822406, 161.5858368580409, -155.6989798598866, 66.80131188771972, -13.28068155288572];
const QC = [-0.007784894002430293, -0.3223964580411365, -2.400758277161838, -2.549732539343734, 4.374664141464968, 2.938163982698783];
const QD = [0.007784695709041462, 0.3224671290700398, 2.445134137142996, 3.754408661907416];

/**
 * Standard normal quantile (inverse CDF) by Acklam's rational approximation, relative error below
 * 1.2e-9 on (0, 1); -Infinity / Infinity at 0 / 1.
 */
export function normalQuantile(p: number): number {
  const a = QA;
  const b = QB;
  const c = QC;
  const d = QD;
  if (p <= 0) return -Infinity;
  if (p >= 1) return Infinity;
  const low = 0.02425;
  if (p < low) {
    const q = Math.sqrt(-2 * Math.log(p));
    return (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) / ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
  }
  if (p > 1 - low) {
    const q = Math.sqrt(-2 * Math.log(1 - p));
    return -(((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) / ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
  }
  const q = p - 0.5;
  const r = q * q;
  return ((((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q) / (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1);
}

/**
 * The posterior's quantile `z` standard deviations below the mean of Beta(a, b) (normal approximation;
 * z = normalQuantile(confidence) gives the lower 1 - confidence quantile). A model whose lower quantile
 * clears the floor clears it with posterior probability of about `confidence`.
 */
export function lowerQuantile(a: number, b: number, z: number): number {
  const n = a + b;
  if (!(n > 0)) return 0;
  const mean = a / n;
  return mean - z * Math.sqrt((mean * (1 - mean)) / (n + 1));
}

/**
 * Whether an arm's own evidence proves it at the policy's `floorConfidence` (its lower quantile, on the
 * route's neutral prior, clears `qualityFloor`); false without `floorConfidence`. For a caller that
 * must tell a refuted anchor from any alarmed model (`DecisionOptions.refutedModelId`): call it with
 * the arm as it was before the alarm.
 */
export function provenArm(arm: ArmState, policy: { qualityFloor: number; floorConfidence?: number; priorSuccesses: number; priorFailures: number }): boolean {
  if (policy.floorConfidence === undefined || armWeight(arm) <= 0) return false;
  return lowerQuantile(arm.successes + policy.priorSuccesses, arm.failures + policy.priorFailures, normalQuantile(policy.floorConfidence)) >= policy.qualityFloor;
}
