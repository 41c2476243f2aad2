import type { Random } from '../../libs/core/src';
import { FEATURE_NAMES, REFUTED_MARKER_SCORES, WORD_MODEL, type DriftDetectorOptions, type Observation, type RoutePolicy } from '../../libs/router/src';
import { ProgressBar } from './progress';
import { loadGsm8k, loadMmlu, loadMtBench, STRONG, WEAK } from './routellm-data';
import { prepare, sweep, type KnobRouterFactory, type PreparedDataset, type ReplaySummary } from './routellm-replay';
import { cheapExploreFromEnv, FixedRouter, HierarchicalRouter, LinearThompsonRouter, LogisticThompsonRouter, RandomRouter, ThompsonRouter, type BenchRouter, type RouteRequest } from './routers';

/**
 * Round 33 (bench only): what a gateway route adds to the replay's contexts-learner rows by default or by
 * option, read from the environment. REPLAY_SAFE_CONFIDENCE: `floor_confidence` (safe exploration);
 * REPLAY_EXPLORE_CHEAPER_SHARE: `explore_cheaper_share` (needs the confidence, as the route config does);
 * REPLAY_DRIFT=1: the drift detector at the library's defaults, as the gateway's worker always runs it
 * (with the confidence, the refuted-anchor marker too). Unset: nothing added, the rows as before.
 */
export interface ReplayRouteOptions {
  safe: Partial<RoutePolicy>;
  drift?: DriftDetectorOptions;
  refutedFor: number;
}

export function replayRouteOptionsFromEnv(env: NodeJS.ProcessEnv = process.env): ReplayRouteOptions {
  const confidence = env.REPLAY_SAFE_CONFIDENCE ? Number(env.REPLAY_SAFE_CONFIDENCE) : undefined;
  const share = env.REPLAY_EXPLORE_CHEAPER_SHARE ? Number(env.REPLAY_EXPLORE_CHEAPER_SHARE) : undefined;
  if (confidence !== undefined && !(confidence > 0.5 && confidence < 1)) throw new Error(`REPLAY_SAFE_CONFIDENCE: ${env.REPLAY_SAFE_CONFIDENCE} (0.5 < x < 1)`);
  if (share !== undefined && confidence === undefined) throw new Error('REPLAY_EXPLORE_CHEAPER_SHARE needs REPLAY_SAFE_CONFIDENCE');
  const drift = env.REPLAY_DRIFT === '1';
  return {
    safe: { ...(confidence !== undefined ? { floorConfidence: confidence } : {}), ...(share !== undefined ? { exploreCheaperShare: share } : {}) },
    ...(drift ? { drift: {} } : {}),
    refutedFor: drift && confidence !== undefined ? REFUTED_MARKER_SCORES : 0,
  };
}

const ROUTE = replayRouteOptionsFromEnv();

/** A contexts-learner row's router with what the environment adds (ROUTE). */
const contextual = (name: string, policy: RoutePolicy, discount: number, random: Random) =>
  new HierarchicalRouter(name, { ...policy, ...ROUTE.safe }, discount, random, discount, ROUTE.drift, ROUTE.refutedFor);

/** Settings tuned on MMLU only; GSM8K and MT-Bench are replayed with exactly these. */
export const REPLAY_TUNING = {
  discount: Number(process.env.REPLAY_DISCOUNT ?? 0.9999),
  contextPriorStrength: Number(process.env.REPLAY_PRIOR_STRENGTH ?? 2),
  /** Relative quality floor sweep: the weak model serves a context while it reaches knob x the strong model. */
  relativeFloors: [0.5, 0.7, 0.8, 0.83, 0.85, 0.86, 0.87, 0.88, 0.89, 0.9, 0.92, 0.94, 0.96, 0.98, 1.0, 1.05],
  randomShares: [0.1, 0.3, 0.5, 0.7, 0.9],
  /**
   * `costWeight` sweep, in quality units per (mean cost of one strong-model request of the dataset):
   * at 0.1 the strong model is taken when its drawn quality beats the cheap one's by 0.1 per strong
   * request's worth of extra cost.
   */
  costWeights: [0.01, 0.02, 0.03, 0.05, 0.07, 0.1, 0.13, 0.16, 0.2, 0.25, 0.3, 0.4, 0.6],
  /** Per-call `costWeight` sweep: the quality gain one strong call must buy (RouteLLM's threshold on the win probability). */
  callWeights: (process.env.REPLAY_CALL_WEIGHTS ?? '0,0.01,0.02,0.03,0.04,0.05,0.06,0.08,0.1,0.12,0.15,0.2,0.3').split(',').map(Number),
  /**
   * Hashed logistic model: prior precision of each weight and the tempering of what the data taught;
   * by default the settings the gateway's `learner: hashed_words` runs with (WORD_MODEL).
   */
  logisticPriorPrecision: Number(process.env.REPLAY_LOGISTIC_PRIOR ?? WORD_MODEL.priorPrecision),
  logisticVarianceScale: Number(process.env.REPLAY_LOGISTIC_VARIANCE ?? WORD_MODEL.varianceScale),
  /** REPLAY_LOGISTIC_DISCOUNT: the word models forget as the gateway's do under a route's discount (unset: no forgetting, as before). */
  logisticDiscount: process.env.REPLAY_LOGISTIC_DISCOUNT === undefined ? undefined : Number(process.env.REPLAY_LOGISTIC_DISCOUNT),
  /** Each model's words weighed against the context's belief, as the gateway runs them (REPLAY_LOGISTIC_POOLED=0: the words alone, as before round 9). */
  logisticPooled: process.env.REPLAY_LOGISTIC_POOLED !== '0',
  hashBits: Number(process.env.REPLAY_HASH_BITS ?? WORD_MODEL.bits),
  /** `RoutePolicy.mixtureConfidence` of the mixture row (the zoo's setting). */
  mixtureConfidence: Number(process.env.REPLAY_MIXTURE_CONFIDENCE ?? 0.99),
  /** REPLAY_CHEAP_EXPLORE (and _BONUS, _VARIANCE, _EVIDENCE): directed exploration of the cheap model in the per-call word row (routing round 24; unset: as before). */
  cheapExplore: cheapExploreFromEnv(),
};

const policyFor = (relativeFloor: number): RoutePolicy => ({
  qualityFloor: 0,
  relativeFloor,
  priorSuccesses: 1,
  priorFailures: 1,
  contextPriorStrength: REPLAY_TUNING.contextPriorStrength,
});

export interface ReplayRouterSpec {
  name: string;
  knobs: number[];
  factory: KnobRouterFactory;
}

export function replayRouters(): ReplayRouterSpec[] {
  const t = REPLAY_TUNING;
  return [
    { name: 'always-strong (gpt-4)', knobs: [0], factory: () => new FixedRouter('always-strong', () => STRONG) },
    { name: 'always-cheapest (mixtral)', knobs: [0], factory: () => new FixedRouter('always-cheapest', () => WEAK) },
    { name: 'random', knobs: t.randomShares, factory: (p, random) => new WeightedRandomRouter(p, random) },
    {
      name: 'thompson (non-contextual)',
      knobs: t.relativeFloors,
      factory: (k, random) => new ThompsonRouter('thompson', policyFor(k), t.discount, random),
    },
    {
      name: 'contextual thompson (hierarchical)',
      knobs: t.relativeFloors,
      factory: (k, random) => contextual('contextual', policyFor(k), t.discount, random),
    },
    {
      name: 'contextual thompson + mixture floor',
      knobs: t.relativeFloors,
      factory: (k, random) => new HierarchicalRouter('contextual-mixture', { ...policyFor(k), mixtureConfidence: t.mixtureConfidence }, t.discount, random),
    },
    {
      name: 'thompson (non-contextual), cost-weighted',
      knobs: t.costWeights,
      factory: (k, random, d) => new ThompsonRouter('thompson-cost', { ...policyFor(0), relativeFloor: undefined, costWeight: k / d.strongCost }, t.discount, random),
    },
    {
      name: 'contextual thompson, cost-weighted',
      knobs: t.costWeights,
      factory: (k, random, d) =>
        contextual('contextual-cost', { ...policyFor(0), relativeFloor: undefined, costWeight: k / d.strongCost }, t.discount, random),
    },
    {
      name: 'hashed logistic thompson, cost-weighted',
      knobs: t.costWeights,
      factory: (k, random, d) =>
        new LogisticThompsonRouter('logistic', { qualityFloor: 0, priorSuccesses: 1e-3, priorFailures: 1e-3, costWeight: k / d.strongCost }, random, {
          bits: t.hashBits,
          priorPrecision: t.logisticPriorPrecision,
          discount: t.logisticDiscount,
          varianceScale: t.logisticVarianceScale,
          pooled: t.logisticPooled,
          contextPriorStrength: t.contextPriorStrength,
        }),
    },
    {
      name: 'hashed logistic thompson (relative floor)',
      knobs: t.relativeFloors,
      factory: (k, random) =>
        new LogisticThompsonRouter('logistic-floor', { ...policyFor(k), priorSuccesses: 1e-3, priorFailures: 1e-3 }, random, {
          bits: t.hashBits,
          priorPrecision: t.logisticPriorPrecision,
          discount: t.logisticDiscount,
          varianceScale: t.logisticVarianceScale,
          pooled: t.logisticPooled,
          contextPriorStrength: t.contextPriorStrength,
        }),
    },
    // RouteLLM counts cost as the share of strong-model calls. These rows optimise that measure: the same
    // `decide` with `costWeight`, but every call priced the same (strong 1, weak 0), so the strong model
    // is taken when its drawn quality beats the weak one's by the knob, whatever the prompt's length.
    {
      name: 'contextual thompson, per-call cost',
      knobs: t.callWeights,
      factory: (k, random) => new PerCallCost(contextual('contextual-call', { ...policyFor(0), relativeFloor: undefined, costWeight: k }, t.discount, random)),
    },
    {
      name: 'hashed logistic thompson, per-call cost',
      knobs: t.callWeights,
      factory: (k, random) =>
        new PerCallCost(
          new LogisticThompsonRouter('logistic-call', { qualityFloor: 0, priorSuccesses: 1e-3, priorFailures: 1e-3, costWeight: k }, random, {
            bits: t.hashBits,
            priorPrecision: t.logisticPriorPrecision,
            discount: t.logisticDiscount,
            varianceScale: t.logisticVarianceScale,
            pooled: t.logisticPooled,
            contextPriorStrength: t.contextPriorStrength,
            ...(t.cheapExplore === undefined ? {} : { cheapExplore: t.cheapExplore }),
          }),
        ),
    },
    {
      name: 'linear thompson (features)',
      knobs: t.relativeFloors,
      factory: (k, random) => new LinearThompsonRouter('linear', { ...policyFor(k), priorSuccesses: 1e-3, priorFailures: 1e-3 }, t.discount, random, FEATURE_NAMES.length),
    },
  ];
}

/** Prices every strong call at 1 and every weak call at 0 before the inner router decides. */
class PerCallCost implements BenchRouter {
  constructor(private readonly inner: BenchRouter) {}
  get name(): string {
    return this.inner.name;
  }
  choose(request: RouteRequest) {
    return this.inner.choose({ ...request, candidates: request.candidates.map((c) => ({ ...c, expectedCostUsd: c.modelId === STRONG ? 1 : 0 })) });
  }
  observe(contextKey: string, vector: Float64Array, obs: Observation, hashed: Int32Array): void {
    this.inner.observe(contextKey, vector, obs, hashed);
  }
}

/** Sends a fixed share of requests to the strong model at random: the diagonal of the PGR plot. */
class WeightedRandomRouter implements BenchRouter {
  readonly name = 'random';
  private readonly inner: RandomRouter;
  constructor(
    private readonly strongShare: number,
    private readonly random: Random,
  ) {
    this.inner = new RandomRouter(random);
  }
  choose() {
    const strong = this.random() < this.strongShare;
    return { ranked: strong ? [STRONG, WEAK] : [WEAK, STRONG], decisionNs: 0 };
  }
  observe(): void {
    void this.inner;
  }
}

export interface ReplaySuiteResult {
  datasets: PreparedDataset[];
  summaries: ReplaySummary[];
  epochs: Record<string, number>;
  seeds: number[];
}

export function runReplaySuite(root: string, seeds: number[]): ReplaySuiteResult {
  // ROUTING_REPLAY_ONLY (comma-separated dataset names / router name parts) narrows a run while tuning.
  const only = (process.env.ROUTING_REPLAY_ONLY ?? '').split(',').filter((x) => x.length > 0);
  const pick = (name: string) => only.length === 0 || only.some((o) => name.includes(o));
  const hashing = { bits: REPLAY_TUNING.hashBits };
  const loaders = [() => prepare(loadMmlu(root), hashing), () => prepare(loadGsm8k(root), hashing), () => prepare(loadMtBench(root), hashing)];
  const names = ['MMLU', 'GSM8K', 'MT-Bench'];
  const wantedData = names.filter(pick);
  const datasets = loaders.filter((_, i) => wantedData.length === 0 || wantedData.includes(names[i])).map((load) => load());
  // MT-Bench has 160 (question, turn) pairs: too few to learn anything online, so it is replayed 10 times over.
  const epochs: Record<string, number> = { MMLU: 1, GSM8K: 1, 'MT-Bench': 10 };
  // ROUTING_REPLAY_ROUTERS (router names, `;`-separated, exact): the rows whose names have commas.
  const exact = (process.env.ROUTING_REPLAY_ROUTERS ?? '').split(';').filter((x) => x.length > 0);
  const allRouters = replayRouters();
  const wantedRouters = allRouters.filter((r) => (exact.length > 0 ? exact.includes(r.name) : pick(r.name)));
  const routers = wantedRouters.length === 0 ? allRouters : wantedRouters;
  const total = datasets.length * routers.reduce((n, r) => n + r.knobs.length * seeds.length, 0);
  const progress = new ProgressBar('RouteLLM replay', total);
  const summaries: ReplaySummary[] = [];
  for (const d of datasets) {
    for (const r of routers) summaries.push(sweep(d, r.name, r.factory, r.knobs, seeds, epochs[d.dataset.name] ?? 1, progress));
  }
  progress.finish();
  return { datasets, summaries, epochs, seeds };
}
