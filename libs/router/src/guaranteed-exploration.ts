/**
 * A guaranteed share for cheaper unproven models (`RoutePolicy.exploreCheaperShare`, the route's
 * `explore_cheaper_share`; docs/benchmarks.md, Routing, rounds 21 and 21b).
 *
 * Safe exploration explores an unproven model only on the requests whose draw puts it in front of the
 * anchor. Under noisy, late or partial scores a cheap model that had a bad start is drawn ever less
 * and may stay unproven for thousands of requests while a dear model serves (starvation). This rule
 * serves each cheaper unproven model on a fixed share of requests whatever its draw, funded by the
 * home's surplus over the threshold, so the mix still reaches the threshold in expectation. A model
 * with many observations in the context is refuted sooner (round 25).
 */

import type { Random } from '../../core/src';
import { lowerQuantile } from './safe-exploration';

/** Only models at most this fraction of the home's expected cost get a guaranteed share (round 21: without it the windows below the floor moved with the seeds). */
export const GUARANTEED_CHEAPER_BY = 0.5;
/** A model whose upper quantile at this many standard deviations is under the threshold is refuted: no guaranteed share. */
export const GUARANTEED_REFUTE_Z = 1;
/** From this much context evidence on, a model is refuted at `GUARANTEED_REFUTE_Z_LATE` instead (`guaranteedRefuteZ`). */
export const GUARANTEED_LATE_EVIDENCE = 200;
/**
 * The refutation's z for a model with `GUARANTEED_LATE_EVIDENCE` context observations or more. Round 25:
 * after the zoo's price_change the home moves (gpt-4 ten times cheaper, claude-instant three times
 * dearer) and models with hundreds of observations just under the floor (mixtral, yi-34b in math) fall
 * under half its price; at z 1 they kept a share that held math at the floor. Adaptation vs the
 * no-change twin 1,062 -> 765 on 144 seeds (paired -297 +- 175); noisy_feedback +8.0% / 4.09% -> +7.4% /
 * 4.15% (144 seeds), the other scenarios within noise.
 */
export const GUARANTEED_REFUTE_Z_LATE = 0.5;
/**
 * The funding reads each guaranteed model as if it were as bad as its quantile this many standard
 * deviations below its mean, not at the route's `floorConfidence` (z 0.84 at 0.8): round 23, where the
 * funding was what bound (noisy_feedback +11.1% / 3.79% -> +7.2% / 3.61% on seeds 1-72, +12.1% / 3.69% ->
 * +8.8% / 4.57% on 73-144).
 */
export const GUARANTEED_FUND_Z = 0.5;
/** `RoutePolicy.outrightMargin` when `exploreCheaperShare` is set and the margin is not (round 21's variant). */
export const EXPLORE_CHEAPER_OUTRIGHT_MARGIN = 0.5;

export interface GuaranteedExploration {
  /** Index of the model served by its guaranteed share on this request, or -1. */
  explored: number;
  /** When none is: the share of the home's surplus left for the ordinary funded exploration (0..1). */
  surplusLeft: number;
}

/**
 * How many standard deviations above its mean a model's upper quantile is read at to refute it:
 * `GUARANTEED_REFUTE_Z` on thin context evidence, where a bad start must not cost a good model its
 * share (round 21's starvation), `GUARANTEED_REFUTE_Z_LATE` once it has `GUARANTEED_LATE_EVIDENCE`
 * observations or more: a model that many observations leave under the threshold on the mean and
 * within one standard deviation of it is more likely a lure than a starved model.
 */
export function guaranteedRefuteZ(evidence: number): number {
  return evidence >= GUARANTEED_LATE_EVIDENCE ? GUARANTEED_REFUTE_Z_LATE : GUARANTEED_REFUTE_Z;
}

const NOTHING_GUARANTEED: GuaranteedExploration = Object.freeze({ explored: -1, surplusLeft: 1 });

/**
 * The home is the cheapest eligible proven model (lower quantile `lower` clears `threshold`), with
 * surplus S = its mean - threshold; without a home or a surplus nothing is guaranteed. The k models
 * with a guaranteed share are eligible, cost less than `GUARANTEED_CHEAPER_BY` x the home's, are
 * unproven, and are not refuted (upper quantile at `guaranteedRefuteZ` of their context evidence clears
 * the threshold). With
 * gap_m = max(S, home mean - q_m), q_m the model's quantile `GUARANTEED_FUND_Z` standard deviations
 * below its mean, each is served on
 *   p_m = min(share, S / (k x gap_m))
 * of requests (one random draw, only when k > 0): even if each were as bad as q_m, the guaranteed
 * shares spend at most the whole surplus in expectation (gap_m >= S keeps each p_m <= 1 / k). When none
 * is drawn, what they did not spend, in expectation over the requests that reach the ordinary rule, is
 * left to it:
 *   surplusLeft = (1 - sum p_m gap_m / S) / (1 - sum p_m).
 */
export function guaranteedExploration(
  candidates: ReadonlyArray<{ expectedCostUsd: number }>,
  /** 1 where the candidate is eligible for this decision. */
  eligible: Uint8Array,
  means: ArrayLike<number>,
  /** Lower quantiles at the route's `floorConfidence`, for every candidate. */
  lower: ArrayLike<number>,
  posteriorA: ArrayLike<number>,
  posteriorB: ArrayLike<number>,
  /** Each candidate's evidence in this context beyond the prior it starts from (`ArmBelief.contextEvidence`; the route's evidence on a decision without contexts). */
  evidence: ArrayLike<number>,
  threshold: number,
  /** `RoutePolicy.exploreCheaperShare`: at most this share of requests per model. */
  share: number,
  random: Random,
  /**
   * The home when the caller found it already (`cheapestEligibleProven` of the same columns: decide
   * finds it in its pass over the lower quantiles; routing round 32), -1 for none; undefined: found here.
   */
  knownHome?: number,
  /**
   * `RoutePolicy.refuteOnEarnedEvidence`: the refutation reads this posterior (the model's own
   * observations on the neutral prior; with `'grace'`, the same posterior as `posteriorA`/`posteriorB`)
   * instead, and not at all for a model with less than `minEvidence`.
   */
  earned?: { a: ArrayLike<number>; b: ArrayLike<number>; evidence: ArrayLike<number>; minEvidence: number },
): GuaranteedExploration {
  const n = candidates.length;
  const home = knownHome ?? cheapestEligibleProven(candidates, eligible, lower, threshold);
  if (home < 0) return NOTHING_GUARANTEED;
  const homeMean = means[home];
  const surplus = homeMean - threshold;
  if (!(surplus > 0)) return NOTHING_GUARANTEED;
  const maxCost = candidates[home].expectedCostUsd * GUARANTEED_CHEAPER_BY;
  // The explorable models, in index order, found once (their refutation's square root taken once, not
  // again in the funding's pass; routing round 32).
  if (explorableScratch.length < n) explorableScratch = new Int32Array(Math.max(n, 2 * explorableScratch.length));
  const explorable = explorableScratch;
  let k = 0;
  for (let i = 0; i < n; i++) {
    if (
      eligible[i] === 1 &&
      lower[i] < threshold &&
      candidates[i].expectedCostUsd < maxCost &&
      (earned === undefined
        ? lowerQuantile(posteriorA[i], posteriorB[i], -guaranteedRefuteZ(evidence[i])) >= threshold
        : earned.evidence[i] < earned.minEvidence || lowerQuantile(earned.a[i], earned.b[i], -guaranteedRefuteZ(evidence[i])) >= threshold)
    )
      explorable[k++] = i;
  }
  if (k === 0) return NOTHING_GUARANTEED;
  // Each gap is at least S: each p_m <= 1 / k, their sum <= 1.
  const u = random();
  let total = 0;
  let spent = 0;
  for (let m = 0; m < k; m++) {
    const i = explorable[m];
    const gap = Math.max(surplus, homeMean - lowerQuantile(posteriorA[i], posteriorB[i], GUARANTEED_FUND_Z));
    const p = Math.min(share, surplus / (k * gap));
    total += p;
    if (u < total) return { explored: i, surplusLeft: 0 };
    spent += p * gap;
  }
  return { explored: -1, surplusLeft: Math.max(0, 1 - spent / surplus) / (1 - total) };
}

/** guaranteedExploration's explorable models by index, reused by every call (it never yields). */
let explorableScratch = new Int32Array(64);

/**
 * guaranteedExploration's home: the cheapest eligible candidate whose lower quantile clears
 * `threshold` (the first of the cheapest on a tie), -1 for none.
 */
export function cheapestEligibleProven(candidates: ReadonlyArray<{ expectedCostUsd: number }>, eligible: Uint8Array, lower: ArrayLike<number>, threshold: number): number {
  let home = -1;
  for (let i = 0; i < candidates.length; i++) {
    if (eligible[i] === 1 && lower[i] >= threshold && (home < 0 || candidates[i].expectedCostUsd < candidates[home].expectedCostUsd)) home = i;
  }
  return home;
}
