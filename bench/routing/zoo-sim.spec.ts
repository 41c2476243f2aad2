import { buildScenario, clairvoyantRanking, feedbackVariant, improvementTarget, SIM, type Zoo } from './zoo-sim';
import { EXTRA_SCENARIOS, SCENARIOS, zooScenarios } from './zoo-suite';

/** The zoo's arms as in datasets/zoo.json (qualities and prices; latencies do not matter here). */
const arm = (model: string, math: number, code: number, general: number, usd: number) => ({
  model,
  quality: { math, code, general },
  usd_per_query: usd,
  ttft_ms: { p50: 700, p95: 1500 },
  tok_per_s: 60,
});
const zoo: Zoo = {
  task_classes: ['math', 'code', 'general'],
  arms: [
    arm('mistral-7b', 0.41, 0.34, 0.31, 0.000046),
    arm('mixtral-8x7b', 0.52, 0.54, 0.55, 0.000135),
    arm('yi-34b', 0.55, 0.39, 0.65, 0.000186),
    arm('gpt-3.5-turbo', 0.6, 0.65, 0.62, 0.000243),
    arm('claude-instant-v1', 0.63, 0.6, 0.6, 0.000233),
    arm('claude-v2', 0.66, 0.64, 0.64, 0.002419),
    arm('gpt-4-1106', 0.66, 0.69, 0.78, 0.003293),
  ],
  failure_rates: { http_5xx: 0.005, http_429: 0.02 },
  scenarios: {},
};

describe('zoo scenario silent_improvement', () => {
  const t0 = SIM.changeAt;
  const floor = 0.57;
  const quality = (setup: ReturnType<typeof buildScenario>, model: string, c: string, i: number) => setup.arms.find((a) => a.model === model)!.quality(c, i);

  it("raises mixtral-8x7b's general quality by 0.15 at the change point, nothing else", () => {
    const setup = buildScenario(zoo, 'silent_improvement');
    expect(setup.changeAt).toBe(t0);
    expect(quality(setup, 'mixtral-8x7b', 'general', t0 - 1)).toBeCloseTo(0.55, 9);
    expect(quality(setup, 'mixtral-8x7b', 'general', t0)).toBeCloseTo(0.7, 9);
    expect(quality(setup, 'mixtral-8x7b', 'math', t0)).toBeCloseTo(0.52, 9);
    expect(quality(setup, 'mixtral-8x7b', 'code', t0)).toBeCloseTo(0.54, 9);
    for (const a of zoo.arms.filter((x) => x.model !== 'mixtral-8x7b'))
      for (const c of zoo.task_classes) expect(quality(setup, a.model, c, t0 + 5_000)).toBe(a.quality[c]);
  });

  it("makes mixtral-8x7b the clairvoyant policy's choice for general after the change only", () => {
    const setup = buildScenario(zoo, 'silent_improvement');
    expect(clairvoyantRanking(setup, 'general', t0 - 1, floor)[0]).toBe('yi-34b');
    expect(clairvoyantRanking(setup, 'general', t0, floor)[0]).toBe('mixtral-8x7b');
    // The other classes keep their choice.
    for (const i of [t0 - 1, t0]) {
      expect(clairvoyantRanking(setup, 'math', i, floor)[0]).toBe('claude-instant-v1');
      expect(clairvoyantRanking(setup, 'code', i, floor)[0]).toBe('claude-instant-v1');
    }
  });

  it('has a no-change twin with the change point and without the change', () => {
    const twin = buildScenario(zoo, 'silent_improvement', false);
    expect(twin.changeAt).toBe(t0);
    expect(quality(twin, 'mixtral-8x7b', 'general', t0 + 1)).toBeCloseTo(0.55, 9);
    expect(clairvoyantRanking(twin, 'general', t0 + 1, floor)[0]).toBe('yi-34b');
  });
});

describe('zoo scenario selection', () => {
  it('leaves the extra scenarios out of the default list', () => {
    expect(EXTRA_SCENARIOS).toEqual(['silent_improvement']);
    expect(SCENARIOS).not.toContain('silent_improvement');
    expect(zooScenarios([])).toEqual(SCENARIOS);
    // Router name parts alone do not narrow the scenarios.
    expect(zooScenarios(['thompson + drift', 'safe exploration + drift'])).toEqual(SCENARIOS);
  });

  it('runs an extra scenario when ROUTING_ZOO_ONLY names it or ROUTING_ZOO_EXTRA lists it', () => {
    expect(zooScenarios(['silent_improvement', 'safe exploration + drift'])).toEqual(['silent_improvement']);
    expect(zooScenarios(['outage', 'silent_improvement'])).toEqual(['outage', 'silent_improvement']);
    expect(zooScenarios(['thompson + drift'], ['silent_improvement'])).toEqual([...SCENARIOS, 'silent_improvement']);
    expect(zooScenarios(['outage'], ['silent_improvement'])).toEqual(['outage', 'silent_improvement']);
    expect(zooScenarios(['silent_improvement'], ['silent_improvement'])).toEqual(['silent_improvement']);
    // As before: the default scenarios named exactly.
    expect(zooScenarios(['outage', 'price_change'])).toEqual(['price_change', 'outage']);
  });
});

describe('zoo scenario silent_improvement, ZOO_IMPROVEMENT', () => {
  const t0 = SIM.changeAt;
  afterEach(() => {
    delete process.env.ZOO_IMPROVEMENT;
  });

  it('reads <model>:<class>, mixtral-8x7b on general unset', () => {
    expect(improvementTarget({})).toEqual({ model: 'mixtral-8x7b', taskClass: 'general' });
    expect(improvementTarget({ ZOO_IMPROVEMENT: 'yi-34b:math' })).toEqual({ model: 'yi-34b', taskClass: 'math' });
    expect(() => improvementTarget({ ZOO_IMPROVEMENT: 'yi-34b' })).toThrow();
    expect(() => improvementTarget({ ZOO_IMPROVEMENT: 'yi-34b:poetry' })).toThrow();
  });

  it("raises mixtral-8x7b's math by 0.15 with mixtral-8x7b:math, which makes it the clairvoyant's choice for math", () => {
    process.env.ZOO_IMPROVEMENT = 'mixtral-8x7b:math';
    const setup = buildScenario(zoo, 'silent_improvement');
    const mixtral = setup.arms.find((a) => a.model === 'mixtral-8x7b')!;
    expect(mixtral.quality('math', t0)).toBeCloseTo(0.67, 9);
    expect(mixtral.quality('general', t0)).toBeCloseTo(0.55, 9);
    expect(clairvoyantRanking(setup, 'math', t0 - 1, 0.57)[0]).toBe('claude-instant-v1');
    expect(clairvoyantRanking(setup, 'math', t0, 0.57)[0]).toBe('mixtral-8x7b');
    expect(clairvoyantRanking(setup, 'general', t0, 0.57)[0]).toBe('yi-34b');
  });
});

describe('noisy scenarios with their noise or delay replaced (round 39)', () => {
  it('reads ZOO_NOISY_* for noisy_feedback and ZOO_HARD_* for noisy_feedback_hard, 0 as a value', () => {
    expect(feedbackVariant('ZOO_NOISY', { ZOO_NOISY_NOISE: '0', ZOO_NOISY_DELAY: '0' })).toEqual({ noise: 0, delay: 0 });
    expect(feedbackVariant('ZOO_HARD', { ZOO_NOISY_NOISE: '0', ZOO_HARD_DELAY: '500' })).toEqual({ delay: 500 });
    expect(feedbackVariant('ZOO_NOISY', {})).toEqual({});
  });
});
