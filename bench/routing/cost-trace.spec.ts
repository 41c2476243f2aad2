import { excessBy, excessCategory, shareRefuted, type DecisionState } from './cost-trace';

const state = (over: Partial<DecisionState> = {}): DecisionState => ({
  safe: true,
  gateOpen: true,
  standIn: false,
  firstChoice: 'home',
  home: 'home',
  pick: { model: 'cheap', proven: false, refuted: false, shareEligible: true, eligible: true },
  ...over,
});

describe('cost trace (round 46)', () => {
  it('charges a served request to the decision state', () => {
    expect(excessCategory(state({ firstChoice: 'other' }), 'home')).toBe('fallback after a failure');
    expect(excessCategory(state({ safe: false }), 'home')).toBe('no safe exploration');
    expect(excessCategory(state({ standIn: true }), 'home')).toBe('stand-in (refuted anchor or anchor down)');
    expect(excessCategory(state({ firstChoice: 'cheap', guaranteedModel: 'cheap' }), 'cheap')).toBe('guaranteed pick');
    expect(excessCategory(state({ home: undefined }), 'home')).toBe('no proven model in context');
    expect(excessCategory(state({ firstChoice: 'dear', servedProven: true }), 'dear')).toBe('drawn ahead of the home, proven');
    expect(excessCategory(state({ firstChoice: 'dear', servedProven: false }), 'dear')).toBe('explored away from home, unproven');
    expect(excessCategory(state({ gateOpen: false }), 'home')).toBe('gate closed');
    expect(excessCategory(state({ pick: { model: 'cheap', proven: false, refuted: true, shareEligible: true, eligible: true } }), 'home')).toBe('home, pick refuted (share rule)');
    expect(excessCategory(state({ pick: { model: 'cheap', proven: false, refuted: false, shareEligible: false, eligible: true } }), 'home')).toBe('home, pick unproven, no share (home < 2x)');
    expect(excessCategory(state(), 'home')).toBe('home, pick unproven, in its share');
  });

  it("reads the share's refutation as the router does: the decision's posterior, the earned one, or grace's gate (round 50d)", () => {
    // 60 / 100 observed against a threshold of 0.8: refuted on any posterior that says so.
    const bad = { a: 60, b: 40 };
    const good = { a: 90, b: 10 };
    expect(shareRefuted(undefined, bad, good, 2, 4, 100, 0.8)).toBe(true);
    expect(shareRefuted(undefined, good, bad, 2, 4, 100, 0.8)).toBe(false);
    // Earned: the earned posterior, and only from minEvidence route observations on.
    expect(shareRefuted(true, good, bad, 100, 4, 100, 0.8)).toBe(true);
    expect(shareRefuted(true, bad, good, 100, 4, 100, 0.8)).toBe(false);
    expect(shareRefuted(true, good, bad, 3, 4, 100, 0.8)).toBe(false);
    // Grace: the decision's own posterior behind the same gate (before this round the trace read grace as unset, without the gate).
    expect(shareRefuted('grace', bad, good, 100, 4, 100, 0.8)).toBe(true);
    expect(shareRefuted('grace', bad, good, 3, 4, 100, 0.8)).toBe(false);
    expect(shareRefuted(false, bad, good, 3, 4, 100, 0.8)).toBe(true);
  });

  it('sums the excess over the kept parts of its key, in points of the clairvoyant cost', () => {
    const t = { clairCost: 2, excess: { 'code\tgpt-4\t0\tfallback after a failure\tcode|short': 0.1, 'code\tclaude-v2\t1\tfallback after a failure\tcode|short': 0.3, 'math\tgpt-4\t0\tgate closed\tmath|short': -0.02 } };
    expect(excessBy(t, [0])).toEqual({ code: 20, math: -1 });
    expect(excessBy(t, [3, 2])).toEqual({ 'fallback after a failure / 0': 5, 'fallback after a failure / 1': 15, 'gate closed / 0': -1 });
  });
});
