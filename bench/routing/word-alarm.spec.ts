import { applyLogisticObservation, emptyWordArm, hashedPromptFeatures, logisticBelief, WORD_MODEL, WORDS_LOG_ODDS_BOUND } from '../../libs/router/src';
import { resetWordsOnAlarm } from './word-alarm';

describe('resetWordsOnAlarm (round 41, bench only)', () => {
  const features = hashedPromptFeatures({ model: 'r', messages: [{ role: 'user', content: 'Write a Python function that returns the n-th Fibonacci number.' }] });
  const other = hashedPromptFeatures({ model: 'r', messages: [{ role: 'user', content: 'Solve for x: 3x + 7 = 22.' }] });
  function trained() {
    const arm = emptyWordArm('m', 0.5);
    for (let i = 0; i < 2000; i++) applyLogisticObservation(arm, features, i % 10 < 8 ? 1 : 0, 0.9999);
    arm.wordsLogOdds = 5;
    return arm;
  }

  it("hands the decision to the context and widens the words' belief on the prompt", () => {
    const before = logisticBelief(trained(), features, WORD_MODEL.varianceScale);
    const arm = resetWordsOnAlarm(trained(), features);
    const after = logisticBelief(arm, features, WORD_MODEL.varianceScale);
    expect(arm.wordsLogOdds).toBe(-WORDS_LOG_ODDS_BOUND);
    expect(after.variance).toBeGreaterThan(5 * before.variance);
  });

  it('leaves odds already below the cap and buckets the prompt does not use as they are', () => {
    const arm = trained();
    arm.wordsLogOdds = -WORDS_LOG_ODDS_BOUND;
    const untouched = Array.from(other).filter((k) => !Array.from(features).includes(k));
    expect(untouched.length).toBeGreaterThan(0);
    const before = untouched.map((k) => [arm.weights[2 * k], arm.weights[2 * k + 1]]);
    resetWordsOnAlarm(arm, features, { keep: 0.05, odds: -2 });
    expect(arm.wordsLogOdds).toBe(-WORDS_LOG_ODDS_BOUND);
    expect(untouched.map((k) => [arm.weights[2 * k], arm.weights[2 * k + 1]])).toEqual(before);
  });
});
