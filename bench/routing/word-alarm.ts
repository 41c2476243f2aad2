import { fadeLogisticArm, WORDS_LOG_ODDS_BOUND, type LogisticArmState } from '../../libs/router/src';

/**
 * Round 41 (bench only, ZOO_WORD_ALARM_RESET): what a drift alarm on a model's Beta arm (route or context
 * level, `guardAgainstDrop`) also does to that model's word model, so the decision follows the shrunk
 * context belief at once instead of the words' stale one.
 */
export interface WordAlarmReset {
  /** Share of the word model's evidence kept on the prompt's buckets (`fadeLogisticArm` by this factor). */
  keep: number;
  /** The word model's odds against the context after the alarm, at most: -WORDS_LOG_ODDS_BOUND hands the decision to the context. */
  odds: number;
}

export const WORD_ALARM_RESET: WordAlarmReset = { keep: 0.05, odds: -WORDS_LOG_ODDS_BOUND };

/** Shrinks `arm`'s evidence on `features` to `keep` and caps its words-vs-context odds at `odds` (in place; returns the arm). */
export function resetWordsOnAlarm(arm: LogisticArmState, features: ArrayLike<number>, reset: WordAlarmReset = WORD_ALARM_RESET): LogisticArmState {
  fadeLogisticArm(arm, features, reset.keep);
  arm.wordsLogOdds = Math.min(arm.wordsLogOdds ?? 0, reset.odds);
  return arm;
}
