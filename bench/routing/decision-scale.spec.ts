import { loadRoutingYaml } from './load-routing';
import { blockMedians, runScaleSuite, scalePolicyOf, scaleRouterYaml } from './decision-scale';

describe('decision time at scale', () => {
  it('builds a route of n candidates with prices rising from the first to the last', () => {
    const yaml = scaleRouterYaml(5);
    const prices = [...yaml.matchAll(/input_per_1m: ([\d.]+)/g)].map((m) => Number(m[1]));
    expect(prices).toHaveLength(5);
    expect(prices[0]).toBeCloseTo(0.1, 4);
    expect(prices[4]).toBeCloseTo(10, 4);
    expect([...prices].sort((a, b) => a - b)).toEqual(prices);
    expect(yaml).toContain('candidates: [m0, m1, m2, m3, m4]');
  });

  it('times every cell of the grid through the gateway config loader and planRoute', () => {
    const cells = runScaleSuite(200, 1, { models: [3, 6], contexts: [2, 20] });
    expect(cells.map((c) => [c.models, c.contexts])).toEqual([
      [3, 2],
      [3, 20],
      [6, 2],
      [6, 20],
    ]);
    for (const c of cells) {
      expect(c.decisions).toBe(200);
      expect(c.p50us).toBeGreaterThan(0);
      expect(c.p99us).toBeGreaterThanOrEqual(c.p50us);
      // planRoute is part of each decision's time, so its order statistics cannot exceed the total's.
      expect(c.planP50us).toBeLessThanOrEqual(c.p50us);
      expect(c.planP99us).toBeLessThanOrEqual(c.p99us);
      expect(c.blockP50us).toHaveLength(1); // 200 decisions: one block of SCALE_BLOCK
    }
  });

  it('takes the median of each block of timed decisions in the order they ran, the last block possibly shorter', () => {
    expect(blockMedians([5, 1, 3, 20, 40, 30, 7], 3)).toEqual([3, 30, 7]);
    expect(blockMedians([], 3)).toEqual([]);
  });

  it('times the word learner through the same planRoute (its plans carry the prompt\'s buckets)', () => {
    const cells = runScaleSuite(200, 1, { models: [4], contexts: [1] }, 'hashed_words');
    expect(cells).toEqual([expect.objectContaining({ learner: 'hashed_words', models: 4, decisions: 200 })]);
    expect(cells[0].p99us).toBeGreaterThanOrEqual(cells[0].p50us);
    expect(scaleRouterYaml(3, 'hashed_words')).toContain('learner: hashed_words');
  });

  it('keeps the bench\'s route options by default and sets the gated safe exploration\'s settings on request', () => {
    const routeOf = (yaml: string) => loadRoutingYaml(yaml).routes.get('scale')!;
    const bench = routeOf(scaleRouterYaml(4));
    expect([bench.floorConfidence, bench.exploreCheaperShare, bench.contextPriorStrength]).toEqual([0.9, undefined, 8]);
    expect(routeOf(scaleRouterYaml(4, 'prompt_contexts', 'bench'))).toEqual(bench);
    const prompt = routeOf(scaleRouterYaml(4, 'prompt_contexts', 'prompt_scores'));
    expect([prompt.floorConfidence, prompt.exploreCheaperShare, prompt.contextPriorStrength]).toEqual([0.8, 0.3, 32]);
    const late = routeOf(scaleRouterYaml(4, 'hashed_words', 'late_scores'));
    expect([late.floorConfidence, late.exploreCheaperShare, late.contextPriorStrength, late.learner]).toEqual([0.9, undefined, 32, 'hashed_words']);
    // Everything else as the bench's route.
    expect({ ...prompt, floorConfidence: 0.9, exploreCheaperShare: undefined, contextPriorStrength: 8 }).toEqual(bench);
  });

  it('reads the policy from its name, the bench\'s when none is given, and refuses an unknown one', () => {
    expect(scalePolicyOf(undefined)).toBe('bench');
    expect(scalePolicyOf('')).toBe('bench');
    expect(scalePolicyOf('prompt_scores')).toBe('prompt_scores');
    expect(scalePolicyOf('late_scores')).toBe('late_scores');
    expect(() => scalePolicyOf('prompt-scores')).toThrow(/unknown scale policy/);
  });

  it('times a cell under the gate\'s prompt-scores setting and says which policy it was', () => {
    const [cell] = runScaleSuite(200, 1, { models: [6], contexts: [3] }, 'prompt_contexts', 'prompt_scores');
    expect(cell).toEqual(expect.objectContaining({ learner: 'prompt_contexts', policy: 'prompt_scores', models: 6, contexts: 3, decisions: 200 }));
    expect(runScaleSuite(10, 1, { models: [3], contexts: [1] })[0].policy).toBe('bench');
  });
});
