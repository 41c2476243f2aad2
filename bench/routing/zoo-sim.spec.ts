import { buildScenario, clairvoyantRanking, feedbackVariant, improvementTarget, simulate, SIM, zooRetries, type ScenarioSetup, type Zoo } from './zoo-sim';
import type { BenchRouter } from './routers';
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

describe('ZOO_RETRIES: the gateway same-model retry (round 49; the default since round 50)', () => {
  const arm = (model: string, usd: number, p5xx: number, p429: number) => ({
    model,
    quality: () => 0.7,
    price: () => usd,
    availableFrom: 0,
    failure: () => ({ p5xx, p429 }),
    ttftMs: 700,
  });
  const setup = (p5xx: number, p429: number): ScenarioSetup => ({
    name: 'stationary',
    arms: [arm('cheap', 0.001, p5xx, p429), arm('mid', 0.002, 0, 0), arm('dear', 0.01, 0, 0)],
    noise: 0,
    delay: 0,
    unscoredShare: 1,
  });
  /** Ranks the eligible candidates by price, then the rest; records each request's eligibility of `cheap`. */
  const byPrice = (eligibleCheap: boolean[]): BenchRouter => ({
    name: 'by price',
    choose: (r) => {
      eligibleCheap.push(r.candidates.find((c) => c.modelId === 'cheap')!.eligible);
      const sorted = [...r.candidates].sort((a, b) => Number(b.eligible) - Number(a.eligible) || a.expectedCostUsd - b.expectedCostUsd);
      return { ranked: sorted.map((c) => c.modelId), decisionNs: 0 };
    },
    observe: () => undefined,
  });

  it('unset is 1 since round 50 (the gateway default); ZOO_RETRIES=0 still gives 0, any whole number n gives n', () => {
    expect(zooRetries({})).toBe(1);
    expect(zooRetries({ ZOO_RETRIES: '0' })).toBe(0);
    expect(zooRetries({ ZOO_RETRIES: '2' })).toBe(2);
  });

  it('0 is the zoo before round 50; with 1 (the default), a first attempt that served still serves, and failed first attempts are retried on the same model', () => {
    const s = setup(0.05, 0.25);
    const before = simulate(s, 'clairvoyant', 7, { retries: 0 });
    const one = simulate(s, 'clairvoyant', 7, { retries: 1 });
    // The default (this process's ZOO_RETRIES, unset in the specs) is the retry.
    if (process.env.ZOO_RETRIES === undefined) expect(Array.from(simulate(s, 'clairvoyant', 7).served)).toEqual(Array.from(one.served));
    const share = (run: typeof before) => run.served.filter((k) => k === 0).length / SIM.requests;
    for (let i = 0; i < SIM.requests; i++) if (before.served[i] === 0) expect(one.served[i]).toBe(0);
    // 0.7 of requests served by the first model without retries, 1 - 0.3^2 = 0.91 with one.
    expect(share(before)).toBeCloseTo(0.7, 1);
    expect(share(one)).toBeCloseTo(0.91, 1);
    expect(one.spend).toBeLessThan(before.spend);
    // The retry draws are the seed's own: the same run twice is the same.
    expect(Array.from(simulate(s, 'clairvoyant', 7, { retries: 1 }).served)).toEqual(Array.from(one.served));
  });

  it("counts a retry's 5xx toward the arm's consecutive-5xx breaker", () => {
    const s = setup(1, 0);
    const without: boolean[] = [];
    simulate(s, byPrice(without), 3, { retries: 0 });
    // Three requests with one 5xx each open the circuit: ineligible from request 3.
    expect(without.slice(0, 4)).toEqual([true, true, true, false]);
    const withRetry: boolean[] = [];
    const run = simulate(s, byPrice(withRetry), 3, { retries: 1 });
    // Two 5xx on request 0 (attempt and retry), the third on request 1: ineligible from request 2.
    expect(withRetry.slice(0, 3)).toEqual([true, true, false]);
    expect(withRetry[1 + SIM.breakerOpenFor]).toBe(true);
    expect(run.served[0]).toBe(1);
  });

  it('tries at most SIM.maxAttempts models, each 1 + retries times', () => {
    const s: ScenarioSetup = { ...setup(0, 0), arms: ['a', 'b', 'c', 'd'].map((m, k) => arm(m, 0.001 * (k + 1), 0, k < 3 ? 1 : 0)) };
    const ranked: BenchRouter = { name: 'fixed', choose: () => ({ ranked: ['a', 'b', 'c', 'd'], decisionNs: 0 }), observe: () => undefined };
    // Three models fail with 429 every time; the fourth is never reached, with or without retries.
    expect(simulate(s, ranked, 1, { retries: 2 }).served.every((k) => k === -1)).toBe(true);
    expect(simulate(s, ranked, 1, { retries: 0 }).served.every((k) => k === -1)).toBe(true);
    expect(simulate(s, ranked, 1).served.every((k) => k === -1)).toBe(true);
  });
});
