import { excessBy, excessCategory, type DecisionState } from './cost-trace';

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

  it('sums the excess over the kept parts of its key, in points of the clairvoyant cost', () => {
    const t = { clairCost: 2, excess: { 'code\tgpt-4\t0\tfallback after a failure\tcode|short': 0.1, 'code\tclaude-v2\t1\tfallback after a failure\tcode|short': 0.3, 'math\tgpt-4\t0\tgate closed\tmath|short': -0.02 } };
    expect(excessBy(t, [0])).toEqual({ code: 20, math: -1 });
    expect(excessBy(t, [3, 2])).toEqual({ 'fallback after a failure / 0': 5, 'fallback after a failure / 1': 15, 'gate closed / 0': -1 });
  });
});
