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
