import type { ScoreOutcome } from '../score-response';
import { normaliseJudgeScore, type JudgeVerdict } from './parse-judge-verdict';

/** How a judged job's judge ended: a verdict, a failure (scored without it), or not called. */
export type JudgeOutcome = { kind: 'verdict'; verdict: JudgeVerdict } | { kind: 'unavailable'; reason: string } | { kind: 'skipped'; reason: string };

/**
 * Folds the judge into the validators' outcome. A failed validator keeps the reward at 0 whatever the
 * judge says (a truncated or invalid answer is bad); otherwise the reward is
 * (1 - weight) x 1 + weight x grade (grade on 0..1). A judge that failed or was not called leaves the
 * reward to the validators. Each case adds a `judge` result, so reports tell the judged answers.
 */
export function applyJudge(outcome: ScoreOutcome, judge: JudgeOutcome, weight: number): ScoreOutcome {
  if (judge.kind !== 'verdict') {
    const detail = judge.kind === 'unavailable' ? `judge unavailable: ${judge.reason}` : `judge skipped: ${judge.reason}`;
    return { reward: outcome.reward, results: [...outcome.results, { validator: 'judge', passed: true, detail }] };
  }
  const grade = normaliseJudgeScore(judge.verdict.score);
  const detail = `${judge.verdict.score}/10${judge.verdict.reason ? `: ${judge.verdict.reason}` : ''}`;
  const results = [...outcome.results, { validator: 'judge', passed: grade >= 0.5, detail }];
  if (outcome.reward === 0) return { reward: 0, results };
  return { reward: (1 - weight) * outcome.reward + weight * grade, results };
}
