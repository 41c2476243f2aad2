/**
 * A mixture under the floor (`RoutePolicy.mixtureConfidence`).
 *
 * The route promises that the quality of its traffic stays above the floor: an average over requests,
 * not a property of every single answer. So the decision for a context can be a mixture: serve model i
 * with probability p_i, choosing p to minimise the expected cost subject to a lower confidence bound of
 * the mixture's quality clearing the threshold,
 *   sum_i p_i m_i - z sqrt(sum_i p_i^2 v_i) >= threshold,
 * with m_i and v_i each model's posterior mean and variance. A proven model (one whose own bound clears)
 * with a surplus over the threshold then funds a share of a cheaper model that is not proven alone (or
 * even one known to sit a little below the floor), and that share grows smoothly as the cheap model's
 * evidence tightens, instead of waiting for the cheap model to be proven on its own.
 *
 * The search is over the mixtures of two models, an *anchor* proven on its own and a cheaper model (and
 * the proven models alone): with the quadratic term left out the problem is a linear programme with two
 * constraints, whose optimum mixes at most two models. For each pair the largest share of the cheaper
 * model that keeps the bound is the root of a quadratic: O(models^2) square roots, no allocation.
 */

import type { Random } from '../../core/src';
import { normalQuantile } from './safe-exploration';

/** Default `RoutePolicy.mixtureExploreShare`. */
export const DEFAULT_MIXTURE_EXPLORE_SHARE = 0.2;

/** The mixture chosen: serve `cheap` with probability `cheapShare`, else `anchor`. */
export interface FloorMixture {
  /** Index of the cheaper model (equal to `anchor` when one proven model alone is cheapest). */
  cheap: number;
  /** Index of the proven model whose surplus funds the cheap share. */
  anchor: number;
  /** Probability of serving `cheap`, 0..1. */
  cheapShare: number;
  /** Expected cost per request of the mixture. */
  expectedCost: number;
}

/**
 * The largest share p in [0, 1] of a model (mean mi, variance vi) mixed with an anchor (mj, vj) whose
 * bound clears the threshold alone, such that p mi + (1 - p) mj - z sqrt(p^2 vi + (1 - p)^2 vj) still
 * clears it. The bound is concave in p and clears at p = 0, so the shares that keep it form [0, p*];
 * p* is the smallest root in (0, 1] of (A - B p)^2 = z^2 (p^2 vi + (1 - p)^2 vj) with A - B p >= 0,
 * where A = mj - threshold and B = mj - mi. Returns 0 when the anchor's own bound misses.
 */
export function maxFundedShare(mi: number, vi: number, mj: number, vj: number, threshold: number, z: number): number {
  const bound = (p: number) => p * mi + (1 - p) * mj - z * Math.sqrt(p * p * vi + (1 - p) * (1 - p) * vj);
  if (bound(0) < threshold) return 0;
  if (bound(1) >= threshold) return 1;
  const A = mj - threshold;
  const B = mj - mi;
  const z2 = z * z;
  // (B^2 - z^2 (vi + vj)) p^2 + 2 (z^2 vj - A B) p + (A^2 - z^2 vj) = 0
  const qa = B * B - z2 * (vi + vj);
  const qb = 2 * (z2 * vj - A * B);
  const qc = A * A - z2 * vj;
  let root = Infinity;
  if (Math.abs(qa) < 1e-15) {
    if (qb !== 0) root = -qc / qb;
  } else {
    const disc = qb * qb - 4 * qa * qc;
    const s = Math.sqrt(Math.max(0, disc));
    // Numerically stable pair of roots.
    const q = -0.5 * (qb + (qb >= 0 ? s : -s));
    const r1 = q / qa;
    const r2 = q !== 0 ? qc / q : r1;
    if (r1 > 0 && r1 <= 1 && A - B * r1 >= -1e-12) root = r1;
    if (r2 > 0 && r2 <= 1 && A - B * r2 >= -1e-12 && r2 < root) root = r2;
  }
  if (!(root > 0 && root <= 1)) return 0;
  // Guard the rounding: never return a share whose bound misses by more than a hair.
  return bound(root) >= threshold - 1e-9 ? root : Math.max(0, root - 1e-9);
}

/**
 * The cheapest mixture (of one or two models among `idx`) whose lower confidence bound clears the
 * threshold, or undefined when no model in `idx` is proven on its own (its mean - z sd clears it).
 * `means`, `variances` and `costs` are indexed like the candidates.
 */
export function cheapestFloorMixture(
  idx: readonly number[],
  means: ArrayLike<number>,
  variances: ArrayLike<number>,
  costs: ArrayLike<number>,
  threshold: number,
  z: number,
  /** Only mixtures whose cheaper model is this one (or this model alone, when proven). */
  onlyCheap?: number,
): FloorMixture | undefined {
  let best: FloorMixture | undefined;
  for (const j of idx) {
    if (means[j] - z * Math.sqrt(variances[j]) < threshold) continue;
    if ((onlyCheap === undefined || onlyCheap === j) && (best === undefined || costs[j] < best.expectedCost)) best = { cheap: j, anchor: j, cheapShare: 1, expectedCost: costs[j] };
    for (const i of idx) {
      if (onlyCheap !== undefined && i !== onlyCheap) continue;
      if (costs[i] >= costs[j]) continue;
      const p = maxFundedShare(means[i], variances[i], means[j], variances[j], threshold, z);
      if (p <= 0) continue;
      const cost = p * costs[i] + (1 - p) * costs[j];
      if (best === undefined || cost < best.expectedCost) best = { cheap: i, anchor: j, cheapShare: p, expectedCost: cost };
    }
  }
  return best;
}

/**
 * `decide`'s serving order under `RoutePolicy.mixtureConfidence`, or undefined when no eligible model is
 * proven alone (then the rule without the option applies).
 * - The mixture is the cheapest one whose bound at `confidence` clears `threshold`, on the posterior
 *   means and variances (normal approximation of each Beta, as `lowerQuantile`).
 * - Exploration: on `exploreShare` of the requests where the sampled choice (`order[0]`) is cheaper than
 *   the mixture's anchor and is not its cheap side, the mixture is rebuilt with the sampled choice as
 *   the cheap side (served alone if it is proven, else with the share its best anchor funds): which
 *   cheap model is tried follows the draws, how much of the traffic it gets follows the bound.
 * - Cold start: while the context has no evidence for any eligible model and no mixture is proven, the
 *   mixture is made on the prior means alone (z = 0): the prior's surplus of a dear model pays for
 *   trying the cheap ones whose prior comes closest to the floor, so feedback about them is on its way
 *   when it starts to arrive. No exploration then: a sampled cheap model funded on prior means alone
 *   would be the weakest one (mistral-like) as often as not.
 * The model drawn goes first, the other side of the mixture second, then the rest of `order`.
 */
export function mixtureOrder(
  order: number[],
  candidates: readonly { expectedCostUsd: number }[],
  /** Each candidate's evidence (`ArmBelief.evidence`), by index. */
  evidenceOf: ArrayLike<number>,
  eligibleIdx: readonly number[],
  means: ArrayLike<number>,
  posteriorA: ArrayLike<number>,
  posteriorB: ArrayLike<number>,
  threshold: number,
  confidence: number,
  exploreShare: number,
  random: Random,
): number[] | undefined {
  const n = candidates.length;
  const variances: number[] = new Array(n);
  const costs: number[] = new Array(n);
  let evidence = 0;
  for (let i = 0; i < n; i++) {
    const total = posteriorA[i] + posteriorB[i];
    variances[i] = total > 0 ? (means[i] * (1 - means[i])) / (total + 1) : 0.25;
    costs[i] = candidates[i].expectedCostUsd;
  }
  for (const i of eligibleIdx) evidence += evidenceOf[i];
  let z = normalQuantile(confidence);
  let mixture = cheapestFloorMixture(eligibleIdx, means, variances, costs, threshold, z);
  if (mixture === undefined && evidence === 0) {
    z = 0;
    mixture = cheapestFloorMixture(eligibleIdx, means, variances, costs, threshold, z);
  }
  if (mixture === undefined) return undefined;
  const sampled = order[0];
  if (z > 0 && exploreShare > 0 && sampled !== mixture.cheap && costs[sampled] < costs[mixture.anchor] && random() < exploreShare) {
    mixture = cheapestFloorMixture(eligibleIdx, means, variances, costs, threshold, z, sampled) ?? mixture;
  }
  const first = mixture.cheapShare >= 1 || random() < mixture.cheapShare ? mixture.cheap : mixture.anchor;
  const second = first === mixture.cheap ? mixture.anchor : mixture.cheap;
  const out: number[] = [first];
  if (second !== first) out.push(second);
  for (const i of order) if (i !== first && i !== second) out.push(i);
  return out;
}
