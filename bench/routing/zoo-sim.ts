import { seededRandom, type ChatRequest } from '../../libs/core/src';
import { budgetPressure, extractPromptContext, hashedPromptFeatures, type Candidate, type Observation, type PromptContext } from '../../libs/router/src';
import type { BenchRouter } from './routers';

export interface ZooArm {
  model: string;
  quality: Record<string, number>;
  usd_per_query: number;
  ttft_ms: { p50: number; p95: number };
  tok_per_s: number;
}

export interface Zoo {
  task_classes: string[];
  arms: ZooArm[];
  failure_rates: { http_5xx: number; http_429: number };
  scenarios: Record<string, string>;
}

export type ScenarioName =
  | 'stationary'
  | 'price_change'
  | 'silent_regression'
  | 'silent_regression_in_use'
  | 'silent_improvement'
  | 'new_model'
  | 'outage'
  | 'noisy_feedback'
  | 'noisy_feedback_hard';

/** The zoo's quality floor (SIM.qualityFloor unless ZOO_REGIME=gateway). */
export const ZOO_FLOOR = 0.57;

/**
 * ZOO_REGIME=gateway (round 34): the zoo at the gateway's usual regime, high floors and high pass rates.
 * Every true quality q becomes floor + (q - ZOO_FLOOR) x (top - floor) / (zoo's best - ZOO_FLOOR), an
 * affine map that keeps the qualities' order, which models clear the floor in which class (so the
 * clairvoyant's choices and each scenario's meaning) and the prices: the zoo's floor (0.57) lands on
 * the regime's floor (ZOO_REGIME_FLOOR, default 0.8), its best quality (gpt-4 on general, 0.78) on 0.99
 * (at floor 0.8 the zoo's 0.31-0.78 become 0.57-0.99; the cheap models that clear the floor pass 0.85-0.87).
 * The routers' price priors are then the gateway's (zoo-suite.ts, `pricePriors`: 0.5 for the cheapest,
 * 0.8 for the dearest by log price) instead of the zoo's `priorFromPrice`. With ZOO_REGIME_VIABLE=1 the
 * models that clear the floor in no class are left out (below). Unset: the zoo as before.
 */
export const GATEWAY_REGIME = process.env.ZOO_REGIME === 'gateway' ? { floor: Number(process.env.ZOO_REGIME_FLOOR ?? 0.8), top: 0.99 } : undefined;

/** `q` mapped into the gateway regime (see GATEWAY_REGIME), `best` the zoo's best quality. */
export function gatewayRegimeQuality(q: number, best: number, regime: { floor: number; top: number }): number {
  const mapped = regime.floor + ((q - ZOO_FLOOR) * (regime.top - regime.floor)) / (best - ZOO_FLOOR);
  return Math.min(1, Math.max(0, mapped));
}

/** Simulation settings shared by every scenario; see docs/benchmarks.md for why these values. */
export const SIM = {
  requests: 40_000,
  changeAt: 20_000,
  qualityFloor: GATEWAY_REGIME?.floor ?? ZOO_FLOOR,
  taskMix: { math: 0.25, code: 0.25, general: 0.5 } as Record<string, number>,
  window: 1_000,
  adaptWindow: 500,
  adaptHorizon: 10_000,
  /** A window counts as adapted when its true quality clears the floor and its cost is within this of clairvoyant's. */
  adaptCostTolerance: 0.2,
  maxAttempts: 3,
  /** The gateway's circuit breaker, simulated: this many 5xx in a row make an arm ineligible for `breakerOpenFor` requests. */
  breakerThreshold: 3,
  breakerOpenFor: 200,
};

/** Requests whose text the router sees; the true task class drives the simulated quality. */
export const TEMPLATES: Record<string, string[]> = {
  math: [
    'Solve for x: 3x + 7 = 22. Show the steps.',
    'A train travels 120 km in 1.5 hours. How many km per hour is that, and how far does it go in 4 hours?',
    'What is the probability of rolling two sixes with two fair dice?',
    'Compute the derivative of f(x) = x^3 * sin(x).',
    'Janet has 16 eggs, eats 3 and bakes with 4. She sells the rest at $2 each. How much does she make?',
  ],
  code: [
    'Write a Python function that returns the n-th Fibonacci number iteratively.',
    'Why does this throw?\n```js\nconst xs = null;\nconsole.log(xs.length);\n```',
    'Refactor this TypeScript so it does not use any:\n```ts\nfunction f(a: any) { return a.b; }\n```',
    'Write a SQL query: SELECT the ten customers with the highest total order value.',
    'How do I debug a memory leak in a Node.js service?',
  ],
  general: [
    'What is the capital of Australia?',
    'Give me three tips for a job interview.',
    'Explain how vaccines train the immune system, in plain words for a teenager.',
    'Summarize the main causes of the First World War in a paragraph.',
    'Which of the following is a mammal? A. shark B. dolphin C. trout D. octopus',
    'Recommend a good book about the history of science and say why.',
  ],
};

interface ArmTimeline {
  model: string;
  quality: (taskClass: string, i: number) => number;
  price: (i: number) => number;
  availableFrom: number;
  /** Probability of a 5xx and of a 429 at request i. */
  failure: (i: number) => { p5xx: number; p429: number };
  ttftMs: number;
}

export interface ScenarioSetup {
  name: ScenarioName;
  arms: ArmTimeline[];
  /** Probability that a validator flips a score, and how many requests later scores arrive; share never scored. */
  noise: number;
  delay: number;
  unscoredShare: number;
  changeAt?: number;
}

/**
 * The scenario's arms over time. `withChange` false builds its no-change twin: the same scenario up to
 * and after `changeAt` without the change itself (outage keeps its 429 bursts, which recur every 5,000
 * requests from the start; the other scenarios with a change become stationary), for the adaptation
 * measure's counterfactual (`requestsToAdaptVsTwin`).
 */
export function buildScenario(zoo: Zoo, name: ScenarioName, withChange = true): ScenarioSetup {
  const { http_5xx, http_429 } = zoo.failure_rates;
  const base = (a: ZooArm): ArmTimeline => ({
    model: a.model,
    quality: (c) => a.quality[c],
    price: () => a.usd_per_query,
    availableFrom: 0,
    failure: () => ({ p5xx: http_5xx, p429: http_429 }),
    ttftMs: a.ttft_ms.p50,
  });
  const arms = zoo.arms.map(base);
  const byModel = (m: string) => {
    const arm = arms.find((a) => a.model === m);
    if (!arm) throw new Error(`zoo has no ${m}`);
    return arm;
  };
  const t0 = SIM.changeAt;
  const setup: ScenarioSetup = { name, arms, noise: 0, delay: 0, unscoredShare: 0 };
  switch (name) {
    case 'stationary':
      break;
    case 'price_change': {
      setup.changeAt = t0;
      if (!withChange) break;
      // The costliest arm gets 10x cheaper; the cheap arm that clears the floor on math gets 3x dearer.
      const costliest = [...zoo.arms].sort((a, b) => b.usd_per_query - a.usd_per_query)[0];
      const c = byModel(costliest.model);
      c.price = (i) => (i >= t0 ? costliest.usd_per_query / 10 : costliest.usd_per_query);
      const cheap = byModel('claude-instant-v1');
      const p = cheap.price(0);
      cheap.price = (i) => (i >= t0 ? p * 3 : p);
      break;
    }
    case 'silent_regression': {
      setup.changeAt = t0;
      if (!withChange) break;
      const arm = byModel('gpt-3.5-turbo');
      const q = arm.quality;
      arm.quality = (c, i) => (c === 'code' && i >= t0 ? q(c, i) - 0.15 : q(c, i));
      break;
    }
    case 'silent_regression_in_use': {
      // Not in zoo.json: the same silent drop of 0.15, on the arm the clairvoyant policy serves code with.
      setup.changeAt = t0;
      if (!withChange) break;
      const arm = byModel('claude-instant-v1');
      const q = arm.quality;
      arm.quality = (c, i) => (c === 'code' && i >= t0 ? q(c, i) - 0.15 : q(c, i));
      break;
    }
    case 'silent_improvement': {
      // Not in zoo.json (round 35), opt-in (zoo-suite.ts, EXTRA_SCENARIOS): a model that was bad gets
      // fixed with no other signal, which a router re-tries only as its old evidence fades (the drift
      // detector follows drops only). mixtral-8x7b's general quality rises by 0.15, 0.55 -> 0.70: below
      // the floor (0.57) before, above it after, and at $0.000135 it is then the cheapest model that
      // clears general (yi-34b, $0.000186, before; mistral-7b, cheaper, is at 0.31), so the clairvoyant
      // policy serves general (half the traffic) with it from the change on. Chosen over mixtral's math
      // or code (0.52 / 0.54 -> 0.67 / 0.69, also the clairvoyant's choice after) and yi-34b's math
      // (0.55 -> 0.70) because general is the largest class: the clairvoyant's cost falls most (about
      // 12% per request), and mixtral had no class it cleared before (no route-level evidence in its favour).
      // Round 35 found it easy: at 0.55 mixtral stays in use on general before the change (8-19% of it),
      // so every router finds the fix within about 1,000 requests. ZOO_IMPROVEMENT=mixtral-8x7b:math
      // reads the harder variant: 0.52 -> 0.67 on math, a quarter of the traffic, 0.05 under the floor
      // before, and the clairvoyant's choice for math after (claude-instant-v1, $0.000233, before).
      setup.changeAt = t0;
      if (!withChange) break;
      const target = improvementTarget();
      const arm = byModel(target.model);
      const q = arm.quality;
      arm.quality = (c, i) => (c === target.taskClass && i >= t0 ? q(c, i) + 0.15 : q(c, i));
      break;
    }
    case 'new_model': {
      setup.changeAt = t0;
      if (!withChange) break;
      const ref = byModel('gpt-3.5-turbo');
      arms.push({
        model: 'new-model',
        quality: () => 0.75,
        price: ref.price,
        availableFrom: t0,
        failure: () => ({ p5xx: http_5xx, p429: http_429 }),
        ttftMs: ref.ttftMs,
      });
      break;
    }
    case 'outage': {
      // The arm clairvoyant routes general traffic to fails every call for 2,000 requests;
      // another arm sees 300-request bursts of 80% 429 every 5,000 requests.
      const limited = byModel('claude-instant-v1');
      limited.failure = (i) => (i % 5_000 < 300 ? { p5xx: http_5xx, p429: 0.8 } : { p5xx: http_5xx, p429: http_429 });
      setup.changeAt = t0;
      if (!withChange) break;
      const down = byModel('yi-34b');
      down.failure = (i) => (i >= t0 && i < t0 + 2_000 ? { p5xx: 1, p429: 0 } : { p5xx: http_5xx, p429: http_429 });
      break;
    }
    case 'noisy_feedback':
      Object.assign(setup, { noise: 0.1, delay: 500, unscoredShare: 0.5, ...feedbackVariant('ZOO_NOISY') });
      break;
    case 'noisy_feedback_hard':
      Object.assign(setup, { noise: 0.2, delay: 5_000, unscoredShare: 0.5, ...feedbackVariant('ZOO_HARD') });
      break;
  }
  if (GATEWAY_REGIME) {
    // After the scenario's own changes, so a drop of 0.15 is mapped as the qualities are.
    const best = Math.max(...zoo.arms.flatMap((a) => Object.values(a.quality)));
    for (const arm of arms) {
      const raw = arm.quality;
      arm.quality = (c, i) => gatewayRegimeQuality(raw(c, i), best, GATEWAY_REGIME);
    }
    // ZOO_REGIME_VIABLE=1: the route lists only models that clear the floor in some class (mistral-7b and
    // mixtral-8x7b leave), so the cheap models that do clear get the lowest price priors, as the
    // gateway's learning run's `cheap` does (its 0.5).
    if (process.env.ZOO_REGIME_VIABLE === '1') {
      const viable = arms.filter((a) => Object.keys(SIM.taskMix).some((c) => a.quality(c, a.availableFrom) >= GATEWAY_REGIME.floor));
      arms.splice(0, arms.length, ...viable);
    }
  }
  return setup;
}

/**
 * Bench-only (round 35): ZOO_IMPROVEMENT=<model>:<class> picks the model and class whose quality
 * silent_improvement raises by 0.15. Unset: mixtral-8x7b on general.
 */
export function improvementTarget(env: NodeJS.ProcessEnv = process.env): { model: string; taskClass: string } {
  const [model, taskClass] = (env.ZOO_IMPROVEMENT ?? 'mixtral-8x7b:general').split(':');
  if (!model || !taskClass || !(taskClass in SIM.taskMix)) throw new Error(`ZOO_IMPROVEMENT must be <model>:<class>, got ${env.ZOO_IMPROVEMENT}`);
  return { model, taskClass };
}

/**
 * Bench-only: <prefix>_NOISE / <prefix>_DELAY replace a noisy scenario's validator noise / feedback delay
 * (requests), to tell which of the two a reading depends on. ZOO_HARD_* (round 29's diagnosis) is
 * noisy_feedback_hard's (0.2 / 5,000), ZOO_NOISY_* (round 39) noisy_feedback's (0.1 / 500); 0 is a
 * value (no noise, no delay). Unset, the scenario as before.
 */
export function feedbackVariant(prefix: 'ZOO_HARD' | 'ZOO_NOISY', env: NodeJS.ProcessEnv = process.env): Partial<ScenarioSetup> {
  const noise = env[`${prefix}_NOISE`];
  const delay = env[`${prefix}_DELAY`];
  return {
    ...(noise ? { noise: Number(noise) } : {}),
    ...(delay ? { delay: Number(delay) } : {}),
  };
}

/** Per-request draws shared by every router in a scenario and seed (common random numbers). */
export interface Draws {
  taskClass: string[];
  template: number[];
  uniforms: Float64Array;
}
export const UNIFORMS_PER_REQUEST = 3 + SIM.maxAttempts * 2;

export function drawRequests(seed: number): Draws {
  const random = seededRandom(seed);
  const classes = Object.keys(SIM.taskMix);
  const taskClass: string[] = [];
  const template: number[] = [];
  const uniforms = new Float64Array(SIM.requests * UNIFORMS_PER_REQUEST);
  for (let i = 0; i < SIM.requests; i++) {
    let u = random();
    let c = classes[classes.length - 1];
    for (const k of classes) {
      u -= SIM.taskMix[k];
      if (u < 0) {
        c = k;
        break;
      }
    }
    taskClass.push(c);
    template.push(Math.floor(random() * TEMPLATES[c].length));
    for (let j = 0; j < UNIFORMS_PER_REQUEST; j++) uniforms[i * UNIFORMS_PER_REQUEST + j] = random();
  }
  return { taskClass, template, uniforms };
}

/**
 * ZOO_CALLER_TAGS=1: each request carries its call site as a caller tag (`metadata.tags`, here the true
 * task class: an application knows which of its features sent a prompt), which the word learner hashes
 * as tokens of their own (docs/routing.md, "The caller's tags"). Off by default.
 */
const CALLER_TAGS = process.env.ZOO_CALLER_TAGS === '1';
const contextCache = new Map<string, PromptContext & { hashed: Int32Array }>();
function contextOf(taskClass: string, template: number): PromptContext & { hashed: Int32Array } {
  const key = `${taskClass}/${template}`;
  let ctx = contextCache.get(key);
  if (!ctx) {
    const request: ChatRequest = { model: 'router', messages: [{ role: 'user', content: TEMPLATES[taskClass][template] }] };
    // By name: the context's vector is an accessor (extractPromptContext), which a spread would drop.
    const context = extractPromptContext(request);
    ctx = { features: context.features, contextKey: context.contextKey, vector: context.vector, hashed: hashedPromptFeatures(request, CALLER_TAGS ? { tags: [taskClass] } : {}) };
    contextCache.set(key, ctx);
  }
  return ctx;
}

/**
 * ZOO_SCORE_DELAY_GATE=<requests> (round 31): each request carries the route's score delay signal
 * (`RouteRequest.scoreDelay`: the requests sent for scoring whose scores have not arrived, how many of the
 * last `SCORE_DELAY_WINDOW` requests were sent for scoring, whether any score has arrived), and the
 * gated row (zoo-suite.ts) applies ZOO_SAFE_CONFIDENCE / ZOO_EXPLORE_CHEAPER_SHARE only while the
 * estimated delay is at most this many requests. The gateway does not pass it. Off by default.
 */
export const SCORE_DELAY_GATE = process.env.ZOO_SCORE_DELAY_GATE ? Number(process.env.ZOO_SCORE_DELAY_GATE) : undefined;
/**
 * ZOO_SCORE_DELAY_COLD=estimate (round 31, a variant read beside the gate, not the gate): the signal
 * says a score has arrived even before the first one does, so the gate reads the delay from the count
 * alone (before the first score every request sent for scoring is awaited: at request i < 1,000 the
 * estimate is i, open up to the bound). Unset: before any score the gate is closed.
 */
const COLD_ESTIMATE = process.env.ZOO_SCORE_DELAY_COLD === 'estimate';
/** The recent traffic the gate's signal counts requests sent for scoring over. */
export const SCORE_DELAY_WINDOW = 1_000;

export interface SimRun {
  /** True task class of each request (index into SIM.taskMix's keys). */
  taskClass: string[];
  cost: Float64Array;
  trueQuality: Float64Array;
  decisionNs: number[];
  spend: number;
  budgetUsd?: number;
  /** Index into the setup's arms of the model that served each request, -1 where none did. */
  served: Int8Array;
  /** The request at which the run's first score landed (SIM.requests when none did; round 44). */
  firstScoreAt?: number;
}

/**
 * The true quality served to each task class in each SIM.window-request window (undefined where the
 * class had no request): what the floor target is judged on.
 */
export function classWindowQualities(run: Pick<SimRun, 'taskClass' | 'trueQuality'>, n = SIM.requests): Array<{ window: number; taskClass: string; quality: number | undefined }> {
  const out: Array<{ window: number; taskClass: string; quality: number | undefined }> = [];
  for (let w = 0; w + SIM.window <= n; w += SIM.window) {
    for (const c of Object.keys(SIM.taskMix)) {
      let q = 0;
      let k = 0;
      for (let i = w; i < w + SIM.window; i++) {
        if (run.taskClass[i] !== c) continue;
        q += run.trueQuality[i];
        k++;
      }
      out.push({ window: w / SIM.window, taskClass: c, quality: k > 0 ? q / k : undefined });
    }
  }
  return out;
}

/** The policy that knows true qualities and outages: cheapest arm that truly clears the floor. */
export function clairvoyantRanking(setup: ScenarioSetup, taskClass: string, i: number, floor: number): string[] {
  const live = setup.arms.filter((a) => i >= a.availableFrom && a.failure(i).p5xx < 1);
  const clear = live.filter((a) => a.quality(taskClass, i) >= floor).sort((a, b) => a.price(i) - b.price(i));
  const rest = live.filter((a) => a.quality(taskClass, i) < floor).sort((a, b) => b.quality(taskClass, i) - a.quality(taskClass, i));
  return [...clear, ...rest].map((a) => a.model);
}

export interface SimOptions {
  /** Spend allowed over the run; the router then gets budget pressure from the pacer. */
  budgetUsd?: number;
  /** Per-candidate cold-start prior quality. */
  priorQuality?: (arm: ArmTimeline) => number | undefined;
  /** Same-model retries after a 5xx or 429 (default ZOO_RETRIES, itself 1 when unset); see ZOO_RETRIES. */
  retries?: number;
}

/**
 * ZOO_RETRIES=<n> (round 49, bench only): the gateway's same-model retry (route `failover.retries`,
 * default 1 in the gateway). Each model of the ranking gets up to 1 + n attempts before the next one
 * (still at most SIM.maxAttempts models, the gateway's `max_models` 3); a 5xx on a retry counts toward
 * the arm's consecutive-5xx breaker as a first attempt's does; the clairvoyant retries too. Each retry
 * draws its own failure uniform from a stream of its own (RETRY_SEED_SALT), so the existing draws are
 * untouched. Unset: 1 since round 50 (the gateway's default); ZOO_RETRIES=0 gives the zoo every reading
 * before round 50 ran (rounds 1-49 read it unset, then 0; their per-seed lines are unchanged).
 */
export function zooRetries(env: NodeJS.ProcessEnv = process.env): number {
  return Number(env.ZOO_RETRIES ?? 1);
}
/** This process's ZOO_RETRIES (see zooRetries). */
export const ZOO_RETRIES = zooRetries();
/** Mixed into the seed for the retry draws' stream (any fixed value; not the main stream's). */
export const RETRY_SEED_SALT = 0x7e7a1e5;

/**
 * The retry draws: for request i, the model at rank m (< SIM.maxAttempts) and retry r (< retries),
 * `u[(i * SIM.maxAttempts + m) * retries + r]`. A fixed layout, so every router in a scenario and seed
 * sees the same draw at the same (request, rank, retry) (common random numbers).
 */
export function drawRetryUniforms(seed: number, retries: number): Float64Array {
  const random = seededRandom((seed ^ RETRY_SEED_SALT) | 0);
  const u = new Float64Array(SIM.requests * SIM.maxAttempts * retries);
  for (let j = 0; j < u.length; j++) u[j] = random();
  return u;
}

/** The request `simulate` is serving (bench only: the adaptation measure's null run reads it, zoo-suite's ROUTING_ZOO_NULL). */
export const simClock = { request: 0 };

/**
 * Runs one router over one scenario. Each request is served by the first ranked model that does not
 * fail (up to SIM.maxAttempts models, each tried 1 + ZOO_RETRIES times, default twice: one retry); errors are health, not quality: they are not scored, and 3 5xx in a
 * row open the arm's circuit (ineligible for 200 requests, as the gateway's breaker does); a served
 * answer's reward is Bernoulli(true quality), flipped with the validator noise, and arrives after the
 * feedback delay unless it is never scored.
 */
export function simulate(setup: ScenarioSetup, router: BenchRouter | 'clairvoyant', seed: number, options: SimOptions = {}): SimRun {
  const draws = drawRequests(seed);
  const retries = options.retries ?? ZOO_RETRIES;
  if (!Number.isInteger(retries) || retries < 0) throw new Error(`ZOO_RETRIES must be a whole number >= 0, got ${retries}`);
  const retryDraws = retries > 0 ? drawRetryUniforms(seed, retries) : undefined;
  const n = SIM.requests;
  const cost = new Float64Array(n);
  const trueQuality = new Float64Array(n);
  const served = new Int8Array(n).fill(-1);
  const decisionNs: number[] = [];
  const pending: { due: number; servedAt: number; contextKey: string; vector: Float64Array; hashed: Int32Array; obs: Observation }[] = [];
  let pendingHead = 0;
  // The route's score delay signal (ZOO_SCORE_DELAY_GATE): whether each of the last SCORE_DELAY_WINDOW
  // requests was sent for scoring, in a ring, and how many were.
  const sentRing = new Uint8Array(SCORE_DELAY_WINDOW);
  let recentlySent = 0;
  let anyScoreArrived = false;
  let firstScoreAt = n;
  let spend = 0;
  const consecutive5xx = new Map<string, number>();
  const openUntil = new Map<string, number>();
  for (let i = 0; i < n; i++) {
    simClock.request = i;
    while (pendingHead < pending.length && pending[pendingHead].due <= i) {
      const p = pending[pendingHead++];
      if (!anyScoreArrived) firstScoreAt = i;
      anyScoreArrived = true;
      if (router !== 'clairvoyant') {
        router.landed?.(p.contextKey, p.obs.modelId, p.servedAt);
        router.observe(p.contextKey, p.vector, p.obs, p.hashed);
      }
    }
    let sentForScoring = 0;
    const taskClass = draws.taskClass[i];
    const ctx = contextOf(taskClass, draws.template[i]);
    const u = (j: number) => draws.uniforms[i * UNIFORMS_PER_REQUEST + j];
    let ranked: string[];
    if (router === 'clairvoyant') {
      ranked = clairvoyantRanking(setup, taskClass, i, SIM.qualityFloor);
    } else {
      const candidates: Candidate[] = [];
      for (const a of setup.arms) {
        if (i < a.availableFrom) continue;
        const prior = options.priorQuality?.(a);
        const open = (openUntil.get(a.model) ?? -1) > i;
        candidates.push({
          modelId: a.model,
          expectedCostUsd: a.price(i),
          eligible: !open,
          ...(open ? { excludedBecause: 'circuit open' } : {}),
          expectedTtftMs: a.ttftMs,
          ...(prior === undefined ? {} : { priorQuality: prior }),
        });
      }
      const pressure = options.budgetUsd === undefined ? undefined : budgetPressure({ spentUsd: spend, budgetUsd: options.budgetUsd, elapsedFraction: i / n });
      const scoreDelay =
        SCORE_DELAY_GATE === undefined
          ? undefined
          : { awaitingScores: pending.length - pendingHead, recentlySentForScoring: recentlySent, window: Math.max(1, Math.min(i, SCORE_DELAY_WINDOW)), anyScoreArrived: anyScoreArrived || COLD_ESTIMATE };
      const choice = router.choose({ contextKey: ctx.contextKey, vector: ctx.vector, hashed: ctx.hashed, candidates, budgetPressure: pressure, ...(scoreDelay ? { scoreDelay } : {}) });
      decisionNs.push(choice.decisionNs);
      ranked = choice.ranked;
    }
    // SIM.maxAttempts is the number of models tried (the gateway's max_models); each gets 1 + retries attempts.
    models: for (let attempt = 0; attempt < Math.min(SIM.maxAttempts, ranked.length); attempt++) {
      const arm = setup.arms.find((a) => a.model === ranked[attempt]);
      if (!arm) throw new Error(`unknown arm ${ranked[attempt]}`);
      const f = arm.failure(i);
      for (let retry = 0; ; retry++) {
        // The first attempt's uniform is the zoo's as before; a retry's comes from the retry stream.
        const fu = retry === 0 ? u(3 + attempt * 2) : retryDraws![(i * SIM.maxAttempts + attempt) * retries + retry - 1];
        const failed5xx = fu < f.p5xx;
        if (failed5xx) {
          const k = (consecutive5xx.get(arm.model) ?? 0) + 1;
          consecutive5xx.set(arm.model, k);
          if (k >= SIM.breakerThreshold) {
            openUntil.set(arm.model, i + SIM.breakerOpenFor);
            consecutive5xx.set(arm.model, 0);
          }
        }
        if (failed5xx || fu < f.p5xx + f.p429) {
          if (retry < retries) continue;
          continue models;
        }
        break;
      }
      consecutive5xx.set(arm.model, 0);
      const q = arm.quality(taskClass, i);
      const price = arm.price(i);
      cost[i] = price;
      trueQuality[i] = q;
      served[i] = setup.arms.indexOf(arm);
      spend += price;
      if (router !== 'clairvoyant') router.served?.(ctx.contextKey, arm.model, i);
      let reward = u(0) < q ? 1 : 0;
      if (u(1) < setup.noise) reward = 1 - reward;
      if (u(2) >= setup.unscoredShare) {
        sentForScoring = 1;
        pending.push({ due: i + 1 + setup.delay, servedAt: i, contextKey: ctx.contextKey, vector: ctx.vector, hashed: ctx.hashed, obs: { modelId: arm.model, reward, costUsd: price, completionTokens: 0 } });
      }
      break;
    }
    const slot = i % SCORE_DELAY_WINDOW;
    recentlySent += sentForScoring - sentRing[slot];
    sentRing[slot] = sentForScoring;
  }
  return { taskClass: draws.taskClass, cost, trueQuality, decisionNs, spend, budgetUsd: options.budgetUsd, served, firstScoreAt };
}

/** The floor the router must aim at to get the true floor under symmetric validator noise `noise`. */
export function observedFloor(floor: number, noise: number): number {
  return floor * (1 - 2 * noise) + noise;
}
