import type { ArmState } from './arm-state';
import { provenArm } from './safe-exploration';

/**
 * How many of a context's scores a refuted-anchor marker lasts (`DecisionOptions.refutedModelId`):
 * long enough for the stand-ins to carry the context until its own evidence proves a cheaper model,
 * short enough that the context's own exploration resumes (docs/benchmarks.md, routing rounds 11b and
 * 12; the bench overrides it with `ZOO_REFUTED_FOR`).
 */
export const REFUTED_MARKER_SCORES = 2_000;

/** A context's refuted anchor: the model whose drift alarm fired there, and for how many more of its scores. */
export interface RefutedMarker {
  modelId: string;
  left: number;
}

/** What `provenArm` needs: the route's floor and safe-exploration confidence, the learner's Beta prior. */
export interface ProofPolicy {
  qualityFloor: number;
  floorConfidence?: number;
  priorSuccesses: number;
  priorFailures: number;
}

/** A drift alarm in a context: the scored model, its context arm as it was before the alarming score, and the route's proof rule. */
export interface ContextAlarm {
  modelId: string;
  armBefore: ArmState;
  policy: ProofPolicy;
  /** How many of the context's scores a marker set by this alarm lasts; default `REFUTED_MARKER_SCORES`, 0 = none. */
  lasts?: number;
}

/**
 * A context's marker after one more of its scores, for `decide`'s `refutedModelId`. With `alarm` (this
 * score fired the scored model's drift alarm in the context): a model proven in the context before its
 * alarm (its anchor, `provenArm`) becomes the marker for the next `lasts` scores; an alarm on any other
 * model changes nothing (round 11b: marking every alarmed model let a below-floor model stand in after
 * false alarms). Otherwise an existing marker counts down by one and ends at 0. Pure: the bench keeps
 * the marker in memory, the gateway's worker in the context's arm rows (`arm_stats.refuted_left`).
 */
export function nextRefutedMarker(marker: RefutedMarker | undefined, alarm?: ContextAlarm): RefutedMarker | undefined {
  const lasts = alarm?.lasts ?? REFUTED_MARKER_SCORES;
  if (alarm !== undefined && lasts > 0 && provenArm(alarm.armBefore, alarm.policy)) return { modelId: alarm.modelId, left: lasts };
  if (marker === undefined || marker.left <= 1) return undefined;
  return { modelId: marker.modelId, left: marker.left - 1 };
}

/**
 * A context's refuted anchor whose alarm its own scores have not borne out yet (its context mean, the
 * drift cut's kept evidence, the route's prior and the scores since, still clears the threshold) keeps
 * the requests the decision would otherwise give a dearer model: `order` (candidate indices, the
 * decision's final order) with `refuted` moved to the front when the front costs more than it. Otherwise,
 * and when `refuted` is not in `order` (-1, or not eligible), `order` itself.
 *
 * Why (docs/benchmarks.md, routing round 26): the cut leaves the anchor thin (30 evidence), hence
 * unproven, so the next model proven in the context, often ten times dearer, anchors it and serves
 * whenever the thin anchor's draw falls under the floor: 10-20% of the context for the few hundred
 * requests (a few thousand for an anchor 0.03 over the floor) until the anchor is proven again. Most
 * alarms on an anchor that serves for thousands of requests are false (the detector's rate is about one
 * per 20,000 scores), and a true one is borne out within about 15 of the anchor's scores (a drop of 0.15
 * takes its mean under the threshold), after which the stand-ins (`replaceAnchor`) take over as before.
 * Cheaper models the order puts first are left to the rules before (funded exploration, the share).
 * Pure (`order` is not modified); allocates only when it moves the model.
 */
export function keepUnconfirmedRefuted(order: number[], candidates: readonly { expectedCostUsd: number }[], refuted: number, means: ArrayLike<number>, threshold: number): number[] {
  if (refuted < 0 || order.length === 0 || !(means[refuted] >= threshold)) return order;
  const front = order[0];
  if (front === refuted || candidates[front].expectedCostUsd <= candidates[refuted].expectedCostUsd) return order;
  if (!order.includes(refuted)) return order;
  return [refuted, ...order.filter((i) => i !== refuted)];
}
