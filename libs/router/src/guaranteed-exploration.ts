/**
 * A guaranteed share for cheaper unproven models (`RoutePolicy.exploreCheaperShare`, the route's
 * `explore_cheaper_share`; docs/benchmarks.md, Routing, rounds 21 and 21b).
 *
 * Safe exploration explores an unproven model only on the requests whose draw puts it in front of the
 * anchor. Under noisy, late or partial scores a cheap model that had a bad start is drawn ever less
 * and may stay unproven for thousands of requests while a dear model serves (starvation). This rule
 * serves each cheaper unproven model on a fixed share of requests whatever its draw, funded by the
 * home's surplus over the threshold, so the mix still reaches the threshold in expectation.
 */

import type { Random } from '../../core/src';
import { lowerQuantile } from './safe-exploration';

/** Only models at most this fraction of the home's expected cost get a guaranteed share (round 21: without it the windows below the floor moved with the seeds). */
export const GUARANTEED_CHEAPER_BY = 0.5;
/** A model whose upper quantile at this many standard deviations is under the threshold is refuted: no guaranteed share. */
export const GUARANTEED_REFUTE_Z = 1;
/** `RoutePolicy.outrightMargin` when `exploreCheaperShare` is set and the margin is not (round 21's variant). */
export const EXPLORE_CHEAPER_OUTRIGHT_MARGIN = 0.5;

export interface GuaranteedExploration {
  /** Index of the model served by its guaranteed share on this request, or -1. */
  explored: number;
  /** When none is: the share of the home's surplus left for the ordinary funded exploration (0..1). */
  surplusLeft: number;
}

/** THROWAWAY (round 23 knobs, bench only): unset = main's rule. */
export const GX_TUNING: { split?: string; refuteZ?: number; cheaperBy?: number; fundZ?: number; power?: number; refuteMinEvidence?: number } = {};

function normalCdf(x: number): number {
  // Abramowitz-Stegun 7.1.26
  const t = 1 / (1 + 0.3275911 * Math.abs(x) / Math.SQRT2);
  const y = 1 - (((((1.061405429 * t - 1.453152027) * t) + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t * Math.exp(-(x * x) / 2);
  return x >= 0 ? 0.5 * (1 + y) : 0.5 * (1 - y);
}

const NOTHING_GUARANTEED: GuaranteedExploration = Object.freeze({ explored: -1, surplusLeft: 1 });

/**
 * The home is the cheapest eligible proven model (lower quantile `lower` clears `threshold`), with
 * surplus S = its mean - threshold; without a home or a surplus nothing is guaranteed. The k models
 * with a guaranteed share are eligible, cost less than `GUARANTEED_CHEAPER_BY` x the home's, are
 * unproven, and are not refuted (upper quantile at `GUARANTEED_REFUTE_Z` clears the threshold). Each
 * is served on
 *   p_m = min(share, S / (k x (home mean - lower_m)))
 * of requests (one random draw, only when k > 0): even if each were as bad as its lower quantile, the
 * guaranteed shares spend at most the whole surplus in expectation. When none is drawn, what they did
 * not spend, in expectation over the requests that reach the ordinary rule, is left to it:
 *   surplusLeft = (1 - sum p_m (home mean - lower_m) / S) / (1 - sum p_m).
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
  threshold: number,
  /** `RoutePolicy.exploreCheaperShare`: at most this share of requests per model. */
  share: number,
  random: Random,
  sampled?: ArrayLike<number>,
  evidence?: ArrayLike<number>,
): GuaranteedExploration {
  const n = candidates.length;
  let home = -1;
  for (let i = 0; i < n; i++) {
    if (eligible[i] === 1 && lower[i] >= threshold && (home < 0 || candidates[i].expectedCostUsd < candidates[home].expectedCostUsd)) home = i;
  }
  if (home < 0) return NOTHING_GUARANTEED;
  const homeMean = means[home];
  const surplus = homeMean - threshold;
  if (!(surplus > 0)) return NOTHING_GUARANTEED;
  const cheaperBy = GX_TUNING.cheaperBy ?? GUARANTEED_CHEAPER_BY;
  const refuteZ = GX_TUNING.refuteZ ?? GUARANTEED_REFUTE_Z;
  const maxCost = candidates[home].expectedCostUsd * cheaperBy;
  const explorable = (i: number) =>
    eligible[i] === 1 &&
    lower[i] < threshold &&
    candidates[i].expectedCostUsd < maxCost &&
    ((GX_TUNING.refuteMinEvidence !== undefined && evidence![i] < GX_TUNING.refuteMinEvidence) || lowerQuantile(posteriorA[i], posteriorB[i], -refuteZ) >= threshold);
  let k = 0;
  for (let i = 0; i < n; i++) if (explorable(i)) k++;
  if (k === 0) return NOTHING_GUARANTEED;
  const gapOf = (i: number) => (GX_TUNING.fundZ === undefined ? homeMean - lower[i] : Math.max(surplus, homeMean - lowerQuantile(posteriorA[i], posteriorB[i], GX_TUNING.fundZ)));
  const split = GX_TUNING.split ?? 'equal';
  if (split === 'thompson') {
    let best = -1;
    for (let i = 0; i < n; i++) if (explorable(i) && (best < 0 || sampled![i] > sampled![best])) best = i;
    const gap = gapOf(best);
    const p = Math.min(share, surplus / gap);
    const u0 = random();
    if (u0 < p) return { explored: best, surplusLeft: 0 };
    return { explored: -1, surplusLeft: Math.max(0, 1 - (p * gap) / surplus) / (1 - p) };
  }
  const weight = new Float64Array(n);
  let wsum = 0;
  for (let i = 0; i < n; i++) {
    if (!explorable(i)) continue;
    let w = 1;
    if (split === 'pclear') {
      const a = posteriorA[i];
      const b = posteriorB[i];
      const m = a / (a + b);
      const sd = Math.sqrt((m * (1 - m)) / (a + b + 1));
      w = Math.pow(normalCdf((m - threshold) / sd), GX_TUNING.power ?? 1) + 1e-9;
    }
    weight[i] = w;
    wsum += w;
  }
  const u = random();
  let total = 0;
  let spent = 0;
  for (let i = 0; i < n; i++) {
    if (!explorable(i)) continue;
    const gap = gapOf(i);
    const p = Math.min(share, (surplus * weight[i]) / (wsum * gap));
    total += p;
    if (u < total) return { explored: i, surplusLeft: 0 };
    spent += p * gap;
  }
  return { explored: -1, surplusLeft: Math.max(0, 1 - spent / surplus) / (1 - total) };
}
