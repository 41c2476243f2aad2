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

/**
 * The reward the bandit learns from. Explicit user feedback, when given, weighs as much as the
 * validators: a response that passed its checks but that the user marked bad scores 0.5.
 */
export function combineReward(validatorReward: number, feedback: number | null | undefined): number {
  if (feedback === null || feedback === undefined) return validatorReward;
  return (validatorReward + feedback) / 2;
}
