import { estimatedScoreDelay, PROMPT_SCORE_DELAY_REQUESTS, scoresArrivePromptly, type ScoreDelaySignal } from './score-delay-gate';

const signal = (s: Partial<ScoreDelaySignal>): ScoreDelaySignal => ({ awaitingScores: 0, recentlySentForScoring: 500, window: 1_000, anyScoreArrived: true, ...s });

describe('estimatedScoreDelay', () => {
  it("is the requests awaiting a score over the share of recent requests sent for scoring (Little's law)", () => {
    // Half of the requests sent for scoring, scores 500 requests late: about 250 in flight.
    expect(estimatedScoreDelay(signal({ awaitingScores: 250 }))).toBe(500);
    // The same share, 5,000 late: about 2,500 in flight.
    expect(estimatedScoreDelay(signal({ awaitingScores: 2_500 }))).toBe(5_000);
    // Every request scored: the count in flight is the delay itself.
    expect(estimatedScoreDelay(signal({ awaitingScores: 40, recentlySentForScoring: 1_000 }))).toBe(40);
  });

  it('reads 0 when nothing is awaited, Infinity before any score has arrived', () => {
    expect(estimatedScoreDelay(signal({ awaitingScores: 0 }))).toBe(0);
    expect(estimatedScoreDelay(signal({ awaitingScores: 0, anyScoreArrived: false }))).toBe(Infinity);
    expect(estimatedScoreDelay(signal({ awaitingScores: 3, anyScoreArrived: false }))).toBe(Infinity);
  });

  it('reads Infinity when scores are awaited but no recent request was sent for scoring', () => {
    expect(estimatedScoreDelay(signal({ awaitingScores: 12, recentlySentForScoring: 0 }))).toBe(Infinity);
    expect(estimatedScoreDelay(signal({ awaitingScores: 0, recentlySentForScoring: 0 }))).toBe(0);
  });
});

describe('scoresArrivePromptly', () => {
  it("is open for noisy_feedback's delay and for prompt scores, closed for noisy_feedback_hard's and before any score", () => {
    expect(scoresArrivePromptly(signal({ awaitingScores: 250 }))).toBe(true);
    expect(scoresArrivePromptly(signal({ awaitingScores: 0 }))).toBe(true);
    expect(scoresArrivePromptly(signal({ awaitingScores: 2_500 }))).toBe(false);
    expect(scoresArrivePromptly(signal({ awaitingScores: 0, anyScoreArrived: false }))).toBe(false);
  });

  it('opens up to the delay bound and closes past it', () => {
    // At the bound: 500 awaited of 500 sent per 1,000 requests is a delay of 1,000.
    expect(scoresArrivePromptly(signal({ awaitingScores: PROMPT_SCORE_DELAY_REQUESTS / 2 }))).toBe(true);
    expect(scoresArrivePromptly(signal({ awaitingScores: PROMPT_SCORE_DELAY_REQUESTS / 2 + 1 }))).toBe(false);
    expect(scoresArrivePromptly(signal({ awaitingScores: 250 }), 400)).toBe(false);
    expect(scoresArrivePromptly(signal({ awaitingScores: 2_500 }), 6_000)).toBe(true);
  });
});
