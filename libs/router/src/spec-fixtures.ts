import type { ArmState } from './arm-state';
import type { Candidate } from './thompson-policy';

/** Test fixtures shared by the router's specs: an arm with given evidence, a map of arms, two candidates. */
export const arm = (modelId: string, successes: number, failures: number): ArmState => ({
  modelId,
  successes,
  failures,
  completionTokens: 0,
  costUsd: 0,
  observations: Math.round(successes + failures),
});

export const toMap = (arms: ArmState[]) => new Map(arms.map((a) => [a.modelId, a]));

/** A cheap and a strong model, 30x apart in price, both eligible. */
export const cheapAndStrong: Candidate[] = [
  { modelId: 'cheap', expectedCostUsd: 0.0001, eligible: true },
  { modelId: 'strong', expectedCostUsd: 0.003, eligible: true },
];
