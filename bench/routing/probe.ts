import type { Random } from '../../libs/core/src';
import { armWeight, checkDrop, guardAgainstDrop, type ArmState, type ArmBelief, type Candidate, type DriftDetectorOptions } from '../../libs/router/src';

/**
 * Round 37 (bench only, ZOO_PROBE_SHARE): probes and a rise detector, to find a model that was under
 * the floor and then got fixed while the route remembers ~10,000 scores (discount 0.9999).
 *
 * Probes: with probability `share` per request, the request is served instead by a candidate that is
 * cheaper than the decision's choice and that the decision refutes, at random among those. "Refutes"
 * here: the decision's posterior mean for the model (`ArmBelief.meanQuality`, the context's evidence on
 * the shrunk route prior, as `decide` computes it) is under the route's quality floor. The decision's
 * order is kept behind the probe (the chosen model is the fallback).
 *
 * Rise detector: the one-sided CUSUM of `checkDrop` mirrored, on rewards above the arm's own mean
 * (reward - mean - slack), per arm at route and context level, on every score (probed or served). On an
 * alarm the arm's old evidence is shrunk as `guardAgainstDrop` does, so the posterior follows the new
 * scores at once and Thompson sampling tries the model again.
 */
export interface ProbeOptions {
  /** Probability per request of serving a probe instead of the decision's choice. */
  share: number;
  /** The floor a model's posterior mean must be under to be probed. */
  floor: number;
  /** The probes' own random stream (the router's stream is left as it was). */
  random: Random;
  /** Rise detector: ignored rise (reward units), alarm level, minimum evidence, what an alarm keeps; the drift detector's defaults (DRIFT_DEFAULTS) when unset. */
  slack?: number;
  threshold?: number;
  minEvidence?: number;
  keepOnAlarm?: number;
  maxKeptEvidence?: number;
  /** Rise detector on context-level arms only (ZOO_PROBE_RISE_ROUTE=0); default both levels, as the drop detector. */
  contextOnly?: boolean;
  /** Rise detector only on arms whose own mean is under `floor` (ZOO_PROBE_RISE_REFUTED=1): no false alarms on served good arms. */
  refutedOnly?: boolean;
}

/**
 * The probe for one decision, or undefined: the eligible candidates cheaper than `chosen` whose belief's
 * mean is under `floor`, one of them at random (`u` in [0, 1)).
 */
export function probeCandidate(candidates: readonly Candidate[], beliefs: readonly ArmBelief[], chosen: string, floor: number, u: number): string | undefined {
  const chosenCost = candidates.find((c) => c.modelId === chosen)?.expectedCostUsd;
  if (chosenCost === undefined) return undefined;
  const pool: string[] = [];
  for (const b of beliefs) {
    const c = candidates.find((x) => x.modelId === b.modelId);
    if (!c || !c.eligible || c.modelId === chosen) continue;
    if (c.expectedCostUsd < chosenCost && b.meanQuality < floor) pool.push(c.modelId);
  }
  if (pool.length === 0) return undefined;
  return pool[Math.min(pool.length - 1, Math.floor(u * pool.length))];
}

/** The ranking with `probe` moved to the front (the rest in the decision's order). */
export function withProbe(ranked: readonly string[], probe: string): string[] {
  return [probe, ...ranked.filter((m) => m !== probe)];
}

/**
 * An arm with its successes and failures swapped: a rise of its rewards is a drop of the swapped arm's
 * (reward - mean = (1 - mean) - (1 - reward)), so the rise detector is the drift detector's `checkDrop` and
 * `guardAgainstDrop` on swapped arms, not a second copy of them. Swapping twice gives the arm back.
 */
const swapped = (a: ArmState): ArmState => ({ ...a, successes: a.failures, failures: a.successes });

/** The drift detector's options among `options`, those left unset out (so DRIFT_DEFAULTS fill them). */
function driftOptions(options: Partial<ProbeOptions>): DriftDetectorOptions {
  const { slack, threshold, minEvidence, keepOnAlarm, maxKeptEvidence } = options;
  return Object.fromEntries(Object.entries({ slack, threshold, minEvidence, keepOnAlarm, maxKeptEvidence }).filter(([, v]) => v !== undefined));
}

/** Folds one reward of `arm` (its state before this reward) into the arm's rise statistic. */
export function checkRise(statistic: number, arm: ArmState | undefined, reward: number, options: Partial<ProbeOptions> = {}): { statistic: number; alarm: boolean } {
  return checkDrop(statistic, arm && swapped(arm), 1 - reward, driftOptions(options));
}

/** `checkRise` then, on an alarm, the observed arm's evidence shrunk as `guardAgainstDrop` shrinks it. */
export function guardAgainstRise(arms: ArmState[], modelId: string, reward: number, statistic: number, options: Partial<ProbeOptions> = {}): { arms: ArmState[]; statistic: number; alarm: boolean } {
  const arm = arms.find((a) => a.modelId === modelId);
  if (options.refutedOnly && options.floor !== undefined && arm && armWeight(arm) > 0 && arm.successes / armWeight(arm) >= options.floor) return { arms, statistic: 0, alarm: false };
  const guarded = guardAgainstDrop(arm ? [swapped(arm)] : [], modelId, 1 - reward, statistic, driftOptions(options));
  if (!guarded.alarm) return { arms, statistic: guarded.statistic, alarm: false };
  const shrunk = swapped(guarded.arms[0]);
  return { arms: arms.map((a) => (a === arm ? shrunk : a)), statistic: 0, alarm: true };
}
