import type { ScoringInput, ValidatorConfig, ValidatorResult } from './scoring-input';
import { jsonConforms, nonEmpty, notTruncated, toolArgumentsValid } from './validators/builtin-validators';
import { runConfiguredValidator } from './validators/configured-validators';

export interface ScoreOutcome {
  /** 1 when every validator passed, else 0. */
  reward: number;
  results: ValidatorResult[];
}

/**
 * Runs the built-in validators (non-empty, truncation, JSON / schema when asked, tool arguments when
 * tools were called) and the route's configured ones. A response is good only if all of them pass.
 */
export function scoreResponse(input: ScoringInput, configured: ValidatorConfig[]): ScoreOutcome {
  const results: ValidatorResult[] = [nonEmpty(input), notTruncated(input)];
  for (const optional of [jsonConforms(input), toolArgumentsValid(input)]) if (optional) results.push(optional);
  for (const config of configured) results.push(runConfiguredValidator(config, input));
  return { reward: results.every((r) => r.passed) ? 1 : 0, results };
}

/** Explicit feedback's share of the reward unless the route sets `feedback_weight`. */
export const DEFAULT_FEEDBACK_WEIGHT = 0.5;

/**
 * The reward the bandit learns from. Explicit user feedback, when given, weighs `feedbackWeight`
 * against the validators' 1 - `feedbackWeight`: at the default 0.5 a response that passed its checks
 * but that the user marked bad scores 0.5; at 1 the user's verdict is the reward.
 */
export function combineReward(validatorReward: number, feedback: number | null | undefined, feedbackWeight = DEFAULT_FEEDBACK_WEIGHT): number {
  if (feedback === null || feedback === undefined) return validatorReward;
  return (1 - feedbackWeight) * validatorReward + feedbackWeight * feedback;
}
