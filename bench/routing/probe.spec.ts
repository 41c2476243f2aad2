import type { ArmBelief, ArmState, Candidate } from '../../libs/router/src';
import { checkRise, guardAgainstRise, probeCandidate, withProbe } from './probe';

const arm = (modelId: string, successes: number, failures: number): ArmState => ({ modelId, successes, failures, completionTokens: 0, costUsd: 0, observations: successes + failures });
const cand = (modelId: string, cost: number, eligible = true): Candidate => ({ modelId, expectedCostUsd: cost, eligible });
const belief = (modelId: string, meanQuality: number): ArmBelief => ({ modelId, meanQuality, sampledQuality: meanQuality, evidence: 100, expectedCostUsd: 0, eligible: true });

describe('round 37 probes', () => {
  const candidates = [cand('cheap-bad', 1), cand('cheap-fixed', 2), cand('cheap-good', 3), cand('chosen', 4), cand('dear-bad', 5), cand('cheap-open', 1.5, false)];
  const beliefs = [belief('cheap-bad', 0.3), belief('cheap-fixed', 0.52), belief('cheap-good', 0.6), belief('chosen', 0.65), belief('dear-bad', 0.4), belief('cheap-open', 0.2)];

  it('probes only eligible models cheaper than the choice whose mean is under the floor, at random among them', () => {
    expect(probeCandidate(candidates, beliefs, 'chosen', 0.57, 0)).toBe('cheap-bad');
    expect(probeCandidate(candidates, beliefs, 'chosen', 0.57, 0.99)).toBe('cheap-fixed');
    // Nothing cheaper than the cheapest, and nothing refuted when the floor is low.
    expect(probeCandidate(candidates, beliefs, 'cheap-bad', 0.57, 0.5)).toBeUndefined();
    expect(probeCandidate(candidates, beliefs, 'chosen', 0.2, 0.5)).toBeUndefined();
  });

  it('puts the probe first and keeps the decision behind it', () => {
    expect(withProbe(['chosen', 'cheap-good', 'cheap-fixed'], 'cheap-fixed')).toEqual(['cheap-fixed', 'chosen', 'cheap-good']);
  });
});

describe('round 37 rise detector', () => {
  it('stays near 0 for rewards at the mean and alarms after about threshold / (rise - slack) scores of a rise', () => {
    const a = arm('m', 52, 48); // mean 0.52
    let s = 0;
    for (let i = 0; i < 1000; i++) {
      const r = checkRise(s, a, i % 25 < 13 ? 1 : 0, { threshold: 10 }); // 0.52 on average
      expect(r.alarm).toBe(false);
      s = r.statistic;
    }
    // Rewards of 0.67 on average (a rise of 0.15): increments of 0.10, an alarm after about 100.
    s = 0;
    let alarmAt = -1;
    for (let i = 0; i < 300 && alarmAt < 0; i++) {
      const r = checkRise(s, a, 0.67, { threshold: 10 });
      if (r.alarm) alarmAt = i;
      s = r.statistic;
    }
    expect(alarmAt).toBeGreaterThanOrEqual(95);
    expect(alarmAt).toBeLessThanOrEqual(105);
  });

  it('ignores drops, and arms with too little evidence', () => {
    expect(checkRise(5, arm('m', 60, 40), 0).statistic).toBeCloseTo(4.35, 9);
    expect(checkRise(5, arm('m', 10, 10), 1)).toEqual({ statistic: 0, alarm: false });
    expect(checkRise(5, undefined, 1)).toEqual({ statistic: 0, alarm: false });
  });

  it('shrinks the alarmed arm as guardAgainstDrop does (at most 30 kept) and leaves the others', () => {
    const arms = [arm('m', 520, 480), arm('other', 60, 40)];
    const r = guardAgainstRise(arms, 'm', 1, 9.9, { threshold: 10 });
    expect(r.alarm).toBe(true);
    expect(r.statistic).toBe(0);
    expect(r.arms[0].successes + r.arms[0].failures).toBeCloseTo(30, 9);
    expect(r.arms[0].successes / (r.arms[0].successes + r.arms[0].failures)).toBeCloseTo(0.52, 9);
    expect(r.arms[1]).toBe(arms[1]);
    const quiet = guardAgainstRise(arms, 'm', 0.5, 1, { threshold: 10 });
    expect(quiet.alarm).toBe(false);
    expect(quiet.arms).toBe(arms);
  });
});

describe('round 37 rise detector on refuted arms only', () => {
  it('does not test an arm whose own mean clears the floor', () => {
    const arms = [arm('good', 600, 400), arm('bad', 500, 500)];
    expect(guardAgainstRise(arms, 'good', 1, 9.99, { threshold: 10, floor: 0.57, refutedOnly: true })).toEqual({ arms, statistic: 0, alarm: false });
    expect(guardAgainstRise(arms, 'bad', 1, 9.99, { threshold: 10, floor: 0.57, refutedOnly: true }).alarm).toBe(true);
  });
});
