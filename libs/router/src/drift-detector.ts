import { armWeight, type ArmState } from './arm-state';

/**
 * Silent-regression detector: a one-sided CUSUM (Page 1954; the Page-Hinkley form) of how far each
 * reward falls below what the arm believed before it. For a stationary arm the increments
 * (mean - reward - slack) average -slack and the statistic stays near 0; after a drop of d > slack it
 * grows by about d - slack per scored request and crosses `threshold` after about
 * threshold / (d - slack) of them. On the alarm the caller shrinks the arm's old evidence
 * (`shrinkEvidence`), so the posterior follows the new quality within a few dozen scores instead of
 * waiting for the discount to fade 1 / (1 - discount) requests of history.
 *
 * State: one number per arm (per route and model, and per route, context key and model), 0 when new.
 */
export interface DriftDetectorOptions {
  /** Drop smaller than this is ignored (reward units); default 0.05. */
  slack?: number;
  /** Alarm level of the statistic; default 15 (about one false alarm per 20,000 scores of a p=0.5 arm). */
  threshold?: number;
  /** No test before the arm has this much evidence (its mean means little before); default 30. */
  minEvidence?: number;
  /** Share of the evidence kept on an alarm; default 0.05. */
  keepOnAlarm?: number;
  /**
   * At most this much evidence is kept on an alarm, whatever the arm had; default 30 (= `minEvidence`).
   * `keepOnAlarm` alone keeps 150 of an arm with 3,000: the old mean then outweighs the first 150 new
   * scores, and the regressed arm keeps serving for that long (docs/benchmarks.md, round 10).
   */
  maxKeptEvidence?: number;
}

export const DRIFT_DEFAULTS: Required<DriftDetectorOptions> = { slack: 0.05, threshold: 15, minEvidence: 30, keepOnAlarm: 0.05, maxKeptEvidence: 30 };

export interface DriftCheck {
  /** The statistic to store for the arm (0 after an alarm). */
  statistic: number;
  alarm: boolean;
}

/** Folds one reward of `arm` (its state before this reward) into the arm's drop statistic. */
export function checkDrop(statistic: number, arm: ArmState | undefined, reward: number, options: DriftDetectorOptions = {}): DriftCheck {
  const o = { ...DRIFT_DEFAULTS, ...options };
  if (!arm || armWeight(arm) < o.minEvidence) return { statistic: 0, alarm: false };
  const mean = arm.successes / armWeight(arm);
  const next = Math.max(0, statistic + (mean - Math.min(1, Math.max(0, reward)) - o.slack));
  if (next > o.threshold) return { statistic: 0, alarm: true };
  return { statistic: next, alarm: false };
}

/** Keeps `keep` of the arm's discounted evidence (quality and cost), so new scores dominate at once. */
export function shrinkEvidence(arm: ArmState, keep: number): ArmState {
  return { ...arm, successes: arm.successes * keep, failures: arm.failures * keep, completionTokens: arm.completionTokens * keep, costUsd: arm.costUsd * keep };
}

/**
 * `checkDrop` then, on an alarm, `shrinkEvidence` on the observed arm: call before `applyObservation`
 * with the same observation. Returns the arms to apply the observation to and the new statistic.
 */
export function guardAgainstDrop(
  arms: ArmState[],
  modelId: string,
  reward: number,
  statistic: number,
  options: DriftDetectorOptions = {},
): { arms: ArmState[]; statistic: number; alarm: boolean } {
  const arm = arms.find((a) => a.modelId === modelId);
  const check = checkDrop(statistic, arm, reward, options);
  if (!check.alarm || !arm) return { arms, statistic: check.statistic, alarm: false };
  const keep = Math.min(options.keepOnAlarm ?? DRIFT_DEFAULTS.keepOnAlarm, (options.maxKeptEvidence ?? DRIFT_DEFAULTS.maxKeptEvidence) / armWeight(arm));
  return { arms: arms.map((a) => (a === arm ? shrinkEvidence(a, keep) : a)), statistic: 0, alarm: true };
}
