import { readFileSync } from 'node:fs';
import { seededRandom } from '../../libs/core/src';
import { DEFAULT_MAX_UNTRIED_SHARE, defaultContextPriorStrength, FEATURE_NAMES, REFUTED_MARKER_SCORES, type RoutePolicy } from '../../libs/router/src';
import { quantile, requestsToAdapt, requestsToAdaptVsBefore, requestsToAdaptVsTwin } from './metrics';
import { InFlightCounts } from './pending-scores';
import { ProgressBar } from './progress';
import { FixedRouter, HierarchicalRouter, LinearThompsonRouter, RandomRouter, ThompsonRouter, WordLearnerRouter, type BenchRouter, type WordLearnerOptions } from './routers';
import { pricePriors } from '../../libs/config/src/price-prior';
import { WORD_ALARM_RESET as WORD_ALARM_RESET_SETTINGS } from './word-alarm';
import { buildScenario, classWindowQualities, GATEWAY_REGIME, observedFloor, SCORE_DELAY_GATE, SIM, simClock, simulate, type ScenarioName, type ScenarioSetup, type SimOptions, type SimRun, type Zoo } from './zoo-sim';

export const SCENARIOS: ScenarioName[] = [
  'stationary',
  'price_change',
  'silent_regression',
  'silent_regression_in_use',
  'new_model',
  'outage',
  'noisy_feedback',
  'noisy_feedback_hard',
];

/**
 * Bench-only scenarios outside the default list (round 35: `silent_improvement`), so the default
 * suite's output stays as it was: run when ROUTING_ZOO_ONLY names them (then only the scenarios it
 * names run, as for the default ones) or ROUTING_ZOO_EXTRA lists them (comma-separated: appended to
 * the scenarios that run otherwise).
 */
export const EXTRA_SCENARIOS: ScenarioName[] = ['silent_improvement'];

/** The scenarios a run covers, from ROUTING_ZOO_ONLY's parts and ROUTING_ZOO_EXTRA (see EXTRA_SCENARIOS). */
export function zooScenarios(only: string[], extra: string[] = []): ScenarioName[] {
  const all = [...SCENARIOS, ...EXTRA_SCENARIOS];
  // As before: a part that is in a scenario's name narrows the run to the scenarios named exactly.
  const base = all.some((x) => only.some((o) => x.includes(o))) ? all.filter((x) => only.includes(x)) : SCENARIOS;
  return [...base, ...EXTRA_SCENARIOS.filter((x) => extra.includes(x) && !base.includes(x))];
}

/** Round 37 (bench only; probe.ts): the probe share per request and the rise detector's alarm level. Unset: no probes, no rise detector. */
const PROBE_SHARE = process.env.ZOO_PROBE_SHARE ? Number(process.env.ZOO_PROBE_SHARE) : undefined;
const PROBE_RISE_THRESHOLD = Number(process.env.ZOO_PROBE_RISE_THRESHOLD ?? 10);
/**
 * Round 39 (bench only; pending-scores.ts): ZOO_PENDING_IMPUTE=<z> imputes the default row's scores in
 * flight into its draw at the posterior mean minus z standard deviations, counted over the route's last
 * ZOO_PENDING_WINDOW requests (default 10,000), with the scenario's scored share. Unset: off.
 */
const PENDING_Z = process.env.ZOO_PENDING_IMPUTE ? Number(process.env.ZOO_PENDING_IMPUTE) : undefined;
const PENDING_WINDOW = Number(process.env.ZOO_PENDING_WINDOW ?? 10_000);
/**
 * ZOO_PENDING_COLD=1 (round 39, exploratory): with ZOO_PENDING_IMPUTE, only until the route's first score
 * lands. ZOO_PENDING_CAP=<k>: at most k times an arm's posterior weight imputed. Unset: no cap.
 */
const PENDING_CAP = process.env.ZOO_PENDING_CAP ? Number(process.env.ZOO_PENDING_CAP) : Infinity;
/**
 * Round 38 (bench only; refuted-cap.ts): the most evidence an arm under the floor keeps, on the default
 * row (`contextual thompson + drift detector`) and the safe + drift row (`floor_confidence: auto` with the
 * gate's variables). Unset: off, the rows as before.
 */
const REFUTED_CAP = process.env.ZOO_REFUTED_CAP ? Number(process.env.ZOO_REFUTED_CAP) : undefined;
/** Round 38's second form (refuted-cap.ts, `RefutedCapOptions.chance`): with ZOO_REFUTED_CAP as the least evidence kept (0 when unset). */
const REFUTED_CAP_CHANCE = process.env.ZOO_REFUTED_CAP_CHANCE ? Number(process.env.ZOO_REFUTED_CAP_CHANCE) : undefined;
function withRefutedCap(r: HierarchicalRouter, policy: RoutePolicy): HierarchicalRouter {
  if (REFUTED_CAP !== undefined || REFUTED_CAP_CHANCE !== undefined)
    r.refutedCap = { cap: REFUTED_CAP ?? 0, floor: policy.qualityFloor, ...(REFUTED_CAP_CHANCE === undefined ? {} : { chance: REFUTED_CAP_CHANCE }) };
  return r;
}

/** ZOO_UNTRIED=zoo: the zoo's own untried cap, as every reading before session 27 ran (see ZOO_TUNING.maxUntriedShare). */
const ZOO_OWN_UNTRIED = process.env.ZOO_UNTRIED === 'zoo';
/** The zoo's own cap (ZOO_UNTRIED=zoo), which the linear Thompson row keeps: it is no learner a route runs. */
const ZOO_UNTRIED_SHARE = 0.05;
/** A contexts-learner router with the zoo's untried cap (ZOO_TUNING.maxUntriedShare) applied as a route does. */
export function zooUntried<T extends HierarchicalRouter>(r: T): T {
  r.gatewayUntriedCap = !ZOO_OWN_UNTRIED;
  return r;
}

export const ZOO_TUNING = {
  discount: Number(process.env.ZOO_DISCOUNT ?? 0.9999),
  contextDiscount: Number(process.env.ZOO_CONTEXT_DISCOUNT ?? 0.9999),
  /** Unset: the library's default for the row (`defaultContextPriorStrength`: 8, or 32 with safe exploration; round 18). */
  contextPriorStrength: process.env.ZOO_CONTEXT_PRIOR_STRENGTH ? Number(process.env.ZOO_CONTEXT_PRIOR_STRENGTH) : undefined,
  /**
   * The contexts and word rows' untried cap: the route's `max_untried_share` (default 0.1) as a route runs
   * it (`routeUntriedCap`: only while some candidate has no scored answer, warm-up one observation) since
   * session 27; ZOO_UNTRIED=zoo gives the zoo's cap until then (0.05 below 20 evidence, always; round 41).
   */
  maxUntriedShare: ZOO_OWN_UNTRIED ? ZOO_UNTRIED_SHARE : DEFAULT_MAX_UNTRIED_SHARE,
  /** Budget for the paced run: this multiple of the clairvoyant policy's spend over the same requests. */
  budgetOverClairvoyant: 1.02,
  budgetFloorSlack: 0.05,
  /** Safe exploration (`RoutePolicy.floorConfidence`). */
  safe: {
    floorConfidence: Number(process.env.ZOO_SAFE_CONFIDENCE ?? 0.9),
    /** `RoutePolicy.outrightMargin` (round 12c); unset by default. */
    ...(process.env.ZOO_OUTRIGHT_MARGIN ? { outrightMargin: Number(process.env.ZOO_OUTRIGHT_MARGIN) } : {}),
    /** `RoutePolicy.exploreCheaperShare` (round 21b); unset by default. */
    ...(process.env.ZOO_EXPLORE_CHEAPER_SHARE ? { exploreCheaperShare: Number(process.env.ZOO_EXPLORE_CHEAPER_SHARE) } : {}),
    /** `RoutePolicy.refuteOnEarnedEvidence` (round 34; `grace`, round 45); unset by default. */
    ...(process.env.ZOO_REFUTE_EARNED === '1' ? { refuteOnEarnedEvidence: true } : process.env.ZOO_REFUTE_EARNED === 'grace' ? { refuteOnEarnedEvidence: 'grace' } : {}),
  } as Partial<RoutePolicy>,
  /** A mixture under the floor (`RoutePolicy.mixtureConfidence`), on top of safe exploration. */
  mixture: { mixtureConfidence: Number(process.env.ZOO_MIXTURE_CONFIDENCE ?? 0.99), mixtureExploreShare: Number(process.env.ZOO_MIXTURE_EXPLORE ?? 0.2) },
  drift: {
    slack: Number(process.env.ZOO_DRIFT_SLACK ?? 0.05),
    threshold: Number(process.env.ZOO_DRIFT_THRESHOLD ?? 15),
    keepOnAlarm: Number(process.env.ZOO_DRIFT_KEEP ?? 0.05),
    ...(process.env.ZOO_DRIFT_MAX_KEPT ? { maxKeptEvidence: Number(process.env.ZOO_DRIFT_MAX_KEPT) } : {}),
  },
  /** With the detector: a context's scores for which its refuted anchor stays marked (`nextRefutedMarker`, the gateway's default); 0 = off. */
  refutedFor: Number(process.env.ZOO_REFUTED_FOR ?? REFUTED_MARKER_SCORES),
};

/**
 * ROUTING_ZOO_NULL=1 (bench only, a check of the adaptation measure): the "changed" run is the
 * no-change twin itself, the same requests and router, whose router draws from another random stream
 * from the change point on (NULL_SEED_OFFSET). The two runs are the same up to the change and differ by
 * chance alone after it, so the adaptation vs twin the null reads is the measure's noise floor, with no
 * change to adapt to (docs/benchmarks.md, round 19).
 */
const NULL_CHANGE = process.env.ROUTING_ZOO_NULL === '1';
const NULL_SEED_OFFSET = 1_000_003;

/** Cold-start prior from the price tier: dearer models are assumed better, weakly (4 pseudo-observations). */
export function priorFromPrice(usdPerQuery: number): number {
  const tier = Math.log10(usdPerQuery / 0.00005);
  return Math.min(0.75, Math.max(0.35, 0.45 + 0.1 * tier));
}

/**
 * The routers' cold-start priors: the zoo's `priorFromPrice`, or with ZOO_REGIME=gateway the gateway's
 * price priors over the scenario's models (libs/config `pricePriors`, prices per query read as per 1M:
 * the log scale does not depend on the unit).
 */
function priorOptions(setup: ScenarioSetup): SimOptions {
  if (!GATEWAY_REGIME) return { priorQuality: (a) => priorFromPrice(a.price(0)) };
  const priors = pricePriors(setup.arms.map((a) => ({ id: a.model, inputPer1M: a.price(0) * 1e6, outputPer1M: a.price(0) * 1e6 })));
  return { priorQuality: (a) => priors?.[a.model] };
}

export interface ZooRouterSpec {
  name: string;
  learning: boolean;
  paced?: boolean;
  make: (setup: ScenarioSetup, seed: number) => BenchRouter | 'clairvoyant';
  options?: (setup: ScenarioSetup) => SimOptions;
}

function policy(setup: ScenarioSetup, extra: Partial<RoutePolicy> = {}): RoutePolicy {
  // Under symmetric validator noise the observed success rate is compressed towards 0.5; the gateway,
  // which calibrates its validators, aims at the floor's image under that noise.
  return { qualityFloor: observedFloor(SIM.qualityFloor, setup.noise), priorSuccesses: 1, priorFailures: 1, ...extra };
}

/** The contexts learner's policy in the zoo (exported for the diagnosis scripts); `safeTuning` replaces ZOO_TUNING.safe. */
export function contextualPolicy(setup: ScenarioSetup, paced: boolean, safe = false, mixture = false, safeTuning: Partial<RoutePolicy> = ZOO_TUNING.safe): RoutePolicy {
  return policy(setup, {
    ...(mixture ? ZOO_TUNING.mixture : {}),
    contextPriorStrength: ZOO_TUNING.contextPriorStrength ?? defaultContextPriorStrength(safe ? safeTuning.floorConfidence : undefined),
    maxUntriedShare: ZOO_TUNING.maxUntriedShare,
    ...(paced ? { budgetFloorSlack: ZOO_TUNING.budgetFloorSlack } : {}),
    ...(safe ? safeTuning : {}),
  });
}

/** Safe exploration as the gateway runs it by default (`floor_confidence` 0.9, nothing else): the gate's closed side. */
const DEFAULT_SAFE: Partial<RoutePolicy> = { floorConfidence: 0.9 };

/**
 * Round 31 (ZOO_SCORE_DELAY_GATE, see zoo-sim.ts): the safe exploration + drift row decides with the
 * ZOO_SAFE_CONFIDENCE / ZOO_EXPLORE_CHEAPER_SHARE settings only while the route's scores arrive within
 * that many requests, with the default's (DEFAULT_SAFE) otherwise. Unset: one policy, as before.
 */
function gatedSafeDrift(s: ScenarioSetup, seed: number): HierarchicalRouter {
  const t = ZOO_TUNING;
  if (SCORE_DELAY_GATE === undefined) {
    const policy = contextualPolicy(s, false, true);
    return withRefutedCap(zooUntried(new HierarchicalRouter('contextual+safe+drift', policy, t.discount, routerRandom(seed), t.contextDiscount, t.drift, t.refutedFor)), policy);
  }
  const policy = contextualPolicy(s, false, true, false, DEFAULT_SAFE);
  const r = zooUntried(new HierarchicalRouter('contextual+safe+drift', policy, t.discount, routerRandom(seed), t.contextDiscount, t.drift, t.refutedFor, {
    promptPolicy: contextualPolicy(s, false, true),
    maxDelayRequests: SCORE_DELAY_GATE,
  }));
  // Both of the gate's policies have the same floor (only the safe exploration's settings differ).
  return withRefutedCap(r, policy);
}

/**
 * The worker's drop detector (ZOO_TUNING.drift, the library's defaults unless set) on the word rows' Beta
 * arms, route and context level, as `recordScores` runs it on a `hashed_words` route: on since session 27
 * (round 41 measured it as ZOO_WORD_DRIFT=1); ZOO_WORD_DRIFT=0 turns it off, as the rows ran before.
 */
const WORD_DRIFT = process.env.ZOO_WORD_DRIFT !== '0';
/** The word rows' untried cap as a route runs it (the contexts rows' too; ZOO_UNTRIED=zoo or ZOO_WORD_UNTRIED=zoo: the zoo's own). */
const WORD_GATEWAY_UNTRIED = process.env.ZOO_WORD_UNTRIED === 'gateway' || (!ZOO_OWN_UNTRIED && process.env.ZOO_WORD_UNTRIED !== 'zoo');
/** Round 41 (bench only; word-alarm.ts): ZOO_WORD_ALARM_RESET=1, with the detector (implied), an alarm also resets the model's word model. Unset: off. */
const WORD_ALARM_RESET = process.env.ZOO_WORD_ALARM_RESET === '1';
/** Round 41 (bench only): ZOO_WORD_START_ODDS=<log odds>, where a new word model's odds against the context start (`WordLearnerOptions.startOdds`). Unset: even odds. */
const WORD_START_ODDS = process.env.ZOO_WORD_START_ODDS ? Number(process.env.ZOO_WORD_START_ODDS) : undefined;
/** The word rows' options as the zoo runs them (exported for word-diagnose.ts). */
export const zooWordOptions = (): WordLearnerOptions => ({
  ...(WORD_DRIFT || WORD_ALARM_RESET ? { drift: ZOO_TUNING.drift } : {}),
  ...(WORD_ALARM_RESET ? { alarmReset: WORD_ALARM_RESET_SETTINGS } : {}),
  ...(WORD_START_ODDS === undefined ? {} : { startOdds: WORD_START_ODDS }),
  gatewayUntriedCap: WORD_GATEWAY_UNTRIED,
});

const routerRandom = (seed: number) => {
  const own = seededRandom(seed * 7919 + 17);
  if (!NULL_CHANGE) return own;
  // The null run's router: its own stream until the change point, another one from there on.
  const other = seededRandom(seed * 7919 + 17 + NULL_SEED_OFFSET);
  return () => (nullSwitch.at !== undefined && simClock.request >= nullSwitch.at ? other() : own());
};
/** Set while the null run is simulated: the request from which its router draws from the other stream. */
const nullSwitch: { at?: number } = {};

export function zooRouters(): ZooRouterSpec[] {
  const t = ZOO_TUNING;
  return [
    { name: 'clairvoyant', learning: false, make: () => 'clairvoyant' },
    { name: 'always-strong (gpt-4)', learning: false, make: () => new FixedRouter('always-strong', (cs) => (cs.some((c) => c.modelId === 'gpt-4-1106') ? 'gpt-4-1106' : cs[0].modelId)) },
    {
      name: 'always-cheapest',
      learning: false,
      make: () => new FixedRouter('always-cheapest', (cs) => cs.reduce((a, b) => (b.expectedCostUsd < a.expectedCostUsd ? b : a)).modelId),
    },
    { name: 'random', learning: false, make: (_s, seed) => new RandomRouter(routerRandom(seed)) },
    { name: 'thompson (non-contextual)', learning: true, make: (s, seed) => new ThompsonRouter('thompson', policy(s), t.discount, routerRandom(seed)) },
    {
      name: 'contextual thompson',
      learning: true,
      make: (s, seed) => zooUntried(new HierarchicalRouter('contextual', contextualPolicy(s, false), t.discount, routerRandom(seed), t.contextDiscount)),
      options: priorOptions,
    },
    {
      name: 'contextual thompson + drift detector',
      learning: true,
      make: (s, seed) => {
        const policy = contextualPolicy(s, false);
        const r = withRefutedCap(zooUntried(new HierarchicalRouter('contextual+drift', policy, t.discount, routerRandom(seed), t.contextDiscount, ZOO_TUNING.drift)), policy);
        if (PENDING_Z !== undefined) r.pending = { z: PENDING_Z, cap: PENDING_CAP, counts: new InFlightCounts(PENDING_WINDOW), scoredShare: 1 - s.unscoredShare, clock: () => simClock.request, coldStartOnly: process.env.ZOO_PENDING_COLD === '1' };
        // Round 37 (bench only): ZOO_PROBE_SHARE=<r> turns on probes and the rise detector (probe.ts). Unset: off.
        if (PROBE_SHARE !== undefined)
          r.probe = { share: PROBE_SHARE, floor: policy.qualityFloor, random: seededRandom(seed * 104_729 + 37), threshold: PROBE_RISE_THRESHOLD, contextOnly: process.env.ZOO_PROBE_RISE_ROUTE === '0', refutedOnly: process.env.ZOO_PROBE_RISE_REFUTED === '1' };
        if (PROBE_SHARE !== undefined && process.env.ZOO_PROBE_DEBUG === '1') {
          r.onRise = (k, m) => process.stderr.write(`rise ${seed} ${simClock.request} ${k === '' ? 'route' : k} ${m}\n`);
          r.onProbe = (k, m) => process.stderr.write(`probe ${seed} ${simClock.request} ${k} ${m}\n`);
          r.onAlarm = (k, m) => process.stderr.write(`drop ${seed} ${simClock.request} ${k === '' ? 'route' : k} ${m}\n`);
        }
        return r;
      },
      options: priorOptions,
    },
    {
      name: 'word learner (learner: hashed_words)',
      learning: true,
      make: (s, seed) => new WordLearnerRouter('words', contextualPolicy(s, false), routerRandom(seed), t.discount, zooWordOptions()),
      options: priorOptions,
    },
    {
      name: 'word learner + safe exploration',
      learning: true,
      make: (s, seed) => new WordLearnerRouter('words+safe', contextualPolicy(s, false, true), routerRandom(seed), t.discount, zooWordOptions()),
      options: priorOptions,
    },
    {
      name: 'contextual thompson + safe exploration',
      learning: true,
      make: (s, seed) => zooUntried(new HierarchicalRouter('contextual+safe', contextualPolicy(s, false, true), t.discount, routerRandom(seed), t.contextDiscount)),
      options: priorOptions,
    },
    {
      name: 'contextual thompson + mixture floor',
      learning: true,
      make: (s, seed) => zooUntried(new HierarchicalRouter('contextual+mixture', contextualPolicy(s, false, true, true), t.discount, routerRandom(seed), t.contextDiscount)),
      options: priorOptions,
    },
    {
      name: 'contextual thompson + safe exploration + drift detector',
      learning: true,
      make: gatedSafeDrift,
      options: priorOptions,
    },
    {
      name: 'linear thompson (features)',
      learning: true,
      make: (s, seed) =>
        new LinearThompsonRouter(
          'linear',
          { ...policy(s), priorSuccesses: 1e-3, priorFailures: 1e-3, maxUntriedShare: ZOO_UNTRIED_SHARE },
          t.discount,
          routerRandom(seed),
          FEATURE_NAMES.length,
        ),
    },
    {
      name: 'contextual thompson + safe exploration + budget pacing',
      learning: true,
      paced: true,
      make: (s, seed) => zooUntried(new HierarchicalRouter('contextual+safe+budget', contextualPolicy(s, true, true), t.discount, routerRandom(seed), t.contextDiscount)),
      options: priorOptions,
    },
    {
      name: 'contextual thompson + budget pacing',
      learning: true,
      paced: true,
      make: (s, seed) => zooUntried(new HierarchicalRouter('contextual+budget', contextualPolicy(s, true), t.discount, routerRandom(seed), t.contextDiscount)),
      options: priorOptions,
    },
  ];
}

export interface ZooRow {
  scenario: string;
  router: string;
  meanQuality: number;
  /** Cost over requests 5,000.. relative to clairvoyant's over the same requests, minus 1. */
  costVsClairvoyant: number;
  floorViolationShare: number;
  adaptation: number | undefined;
  /** Requests until the share of bad windows is back to what it was before the change (see measure). */
  adaptationVsBefore: number | undefined;
  /** Requests until the bad windows from then on are no more than the no-change twin's over the same windows (see measure). */
  adaptationVsTwin: number | undefined;
  budgetError: number | undefined;
  p50us: number | undefined;
  p99us: number | undefined;
  /**
   * Per task class (SIM.taskMix's order), its cheap model (the cheapest that truly clears the floor in
   * the class at request 0, the clairvoyant's choice): the first request of the class it served
   * (SIM.requests when it never did), and its share of the class's requests from 5,000 on.
   */
  cheapFirstServed: number[];
  cheapShare: number[];
  /** Task classes (summed over seeds in a mean) whose cheap model never served. */
  cheapNever: number;
  /** The request at which the run's first score landed (round 44; SIM.requests when none did). */
  firstScoreAt?: number;
}

export function runZooSuite(zooPath: string, seeds: number[]): ZooRow[] {
  const zoo = JSON.parse(readFileSync(zooPath, 'utf8')) as Zoo;
  // ROUTING_ZOO_ONLY (comma-separated scenario names / router name parts) narrows a run while tuning.
  const only = (process.env.ROUTING_ZOO_ONLY ?? '').split(',').filter((x) => x.length > 0);
  const pick = (name: string) => only.some((o) => name.includes(o));
  const allRouters = zooRouters();
  const routers = allRouters.some((r) => pick(r.name)) ? allRouters.filter((r) => pick(r.name)) : allRouters;
  const scenarios = zooScenarios(only, (process.env.ROUTING_ZOO_EXTRA ?? '').split(','));
  const progress = new ProgressBar('zoo scenarios', scenarios.length * routers.length * seeds.length);
  const rows: ZooRow[] = [];
  for (const name of scenarios) {
    const perRouter = routers.map(() => [] as ZooRow[]);
    for (const seed of seeds) {
      const setup = buildScenario(zoo, name);
      const clair = simulate(setup, 'clairvoyant', seed);
      // The no-change twin (same seed, the change left out) for the adaptation measure's counterfactual.
      const withTwin = setup.changeAt !== undefined && process.env.ROUTING_ZOO_TWIN !== '0';
      const twinClair = withTwin ? simulate(buildScenario(zoo, name, false), 'clairvoyant', seed) : undefined;
      progress.tick();
      routers.forEach((spec, r) => {
        let run: SimRun;
        let twin: { run: SimRun; clair: SimRun } | undefined;
        if (spec.name === 'clairvoyant') run = clair;
        else {
          const options = { ...(spec.options?.(setup) ?? {}), ...(spec.paced ? { budgetUsd: clair.spend * ZOO_TUNING.budgetOverClairvoyant } : {}) };
          run = simulate(buildScenario(zoo, name), spec.make(setup, seed), seed, options);
          if (twinClair && spec.learning) {
            const twinSetup = buildScenario(zoo, name, false);
            const twinOptions = { ...(spec.options?.(twinSetup) ?? {}), ...(spec.paced ? { budgetUsd: twinClair.spend * ZOO_TUNING.budgetOverClairvoyant } : {}) };
            twin = { run: simulate(twinSetup, spec.make(twinSetup, seed), seed, twinOptions), clair: twinClair };
            // The measure's null: no change at all, the same requests, another router random stream.
            if (NULL_CHANGE) {
              nullSwitch.at = setup.changeAt;
              run = simulate(twinSetup, spec.make(twinSetup, seed), seed, twinOptions);
              nullSwitch.at = undefined;
              for (let i = 0; i < (setup.changeAt ?? 0); i++) if (run.cost[i] !== twin.run.cost[i]) throw new Error(`null run differs from its twin before the change (request ${i})`);
            }
          }
          progress.tick();
        }
        perRouter[r].push(measure(name, spec, setup, run, NULL_CHANGE && twin ? twin.clair : clair, twin));
      });
    }
    routers.forEach((_, r) => rows.push(average(perRouter[r])));
  }
  progress.finish();
  return rows;
}

function measure(scenario: string, spec: ZooRouterSpec, setup: ScenarioSetup, run: SimRun, clair: SimRun, twin?: { run: SimRun; clair: SimRun }): ZooRow {
  const n = SIM.requests;
  const floor = SIM.qualityFloor;
  const sum = (xs: Float64Array, from: number, to: number) => {
    let s = 0;
    for (let i = from; i < to; i++) s += xs[i];
    return s;
  };
  // A window violates the floor when the true quality of any task class's requests in it is below the floor.
  const windowQualities = classWindowQualities(run, n);
  const windows = windowQualities.length;
  const violations = windowQualities.filter((x) => x.quality !== undefined && x.quality < floor).length;
  let adaptation: number | undefined;
  let adaptationVsBefore: number | undefined;
  let adaptationVsTwin: number | undefined;
  if (spec.learning && setup.changeAt !== undefined) {
    const t0 = setup.changeAt;
    const step = 100;
    // A 500-request window (checked every 100) is bad when a class's true quality is below the floor or
    // its cost exceeds clairvoyant's by more than the tolerance.
    const badIn = (r: SimRun, c0: SimRun, t: number) => {
      const c = sum(r.cost, t, t + SIM.adaptWindow);
      const cc = sum(c0.cost, t, t + SIM.adaptWindow);
      return lowestClassQuality(r, Object.keys(SIM.taskMix), t, t + SIM.adaptWindow) < floor || c > (1 + SIM.adaptCostTolerance) * cc;
    };
    const bad = (t: number) => badIn(run, clair, t);
    const after: boolean[] = [];
    const twinAfter: boolean[] = [];
    for (let t = t0; t + SIM.adaptWindow <= Math.min(n, t0 + SIM.adaptHorizon); t += step) {
      after.push(bad(t));
      if (twin) twinAfter.push(badIn(twin.run, twin.clair, t));
    }
    // Against the no-change twin: what the change caused, the disturbances both runs share not charged.
    if (twin) adaptationVsTwin = requestsToAdaptVsTwin(after, twinAfter, step);
    // Strict: requests until every later window is good.
    adaptation = requestsToAdapt(after, step);
    // Relative to the router's own behaviour before the change: requests until the share of bad windows
    // from then on is no higher than it was over the same span before the change (windows ending by t0).
    // Identical to the strict measure for a router with no bad window before the change.
    let badBefore = 0;
    let windowsBefore = 0;
    for (let t = t0 - SIM.adaptHorizon; t + SIM.adaptWindow <= t0; t += step) {
      windowsBefore++;
      if (bad(t)) badBefore++;
    }
    adaptationVsBefore = requestsToAdaptVsBefore(after, badBefore / windowsBefore, step);
  }
  const sortedNs = Float64Array.from(run.decisionNs).sort();
  const timed = spec.learning && sortedNs.length > 0;
  return {
    scenario,
    router: spec.name,
    meanQuality: sum(run.trueQuality, 0, n) / n,
    costVsClairvoyant: sum(run.cost, 5_000, n) / sum(clair.cost, 5_000, n) - 1,
    floorViolationShare: violations / windows,
    adaptation,
    adaptationVsBefore,
    adaptationVsTwin,
    budgetError: run.budgetUsd === undefined ? undefined : run.spend / run.budgetUsd - 1,
    p50us: timed ? quantile(sortedNs, 0.5) / 1000 : undefined,
    p99us: timed ? quantile(sortedNs, 0.99) / 1000 : undefined,
    ...cheapService(setup, run),
    firstScoreAt: run.firstScoreAt ?? n,
  };
}

/** `ZooRow.cheapFirstServed`, `cheapShare` and `cheapNever` of one run. */
export function cheapService(setup: ScenarioSetup, run: Pick<SimRun, 'taskClass' | 'served'>, floor = SIM.qualityFloor): Pick<ZooRow, 'cheapFirstServed' | 'cheapShare' | 'cheapNever'> {
  const n = run.taskClass.length;
  const first: number[] = [];
  const share: number[] = [];
  for (const c of Object.keys(SIM.taskMix)) {
    const clearing = setup.arms.filter((a) => a.availableFrom === 0 && a.quality(c, 0) >= floor).sort((x, y) => x.price(0) - y.price(0));
    const cheap = clearing.length > 0 ? setup.arms.indexOf(clearing[0]) : -1;
    let at = n;
    let mine = 0;
    let all = 0;
    for (let i = 0; i < n; i++) {
      if (run.taskClass[i] !== c) continue;
      if (run.served[i] === cheap && at === n) at = i;
      if (i >= 5_000) {
        all++;
        if (run.served[i] === cheap) mine++;
      }
    }
    first.push(at);
    share.push(all > 0 ? mine / all : 0);
  }
  return { cheapFirstServed: first, cheapShare: share, cheapNever: first.filter((x) => x >= n).length };
}

function lowestClassQuality(run: SimRun, classes: string[], from: number, to: number): number {
  let lowest = Infinity;
  for (const c of classes) {
    let q = 0;
    let k = 0;
    for (let i = from; i < to; i++) {
      if (run.taskClass[i] !== c) continue;
      q += run.trueQuality[i];
      k++;
    }
    if (k > 0) lowest = Math.min(lowest, q / k);
  }
  return lowest;
}

export function average(rows: ZooRow[]): ZooRow {
  const mean = (f: (r: ZooRow) => number | undefined) => {
    const xs = rows.map(f).filter((x): x is number => x !== undefined);
    return xs.length === 0 ? undefined : xs.reduce((a, b) => a + b, 0) / xs.length;
  };
  return {
    scenario: rows[0].scenario,
    router: rows[0].router,
    meanQuality: mean((r) => r.meanQuality) ?? NaN,
    costVsClairvoyant: mean((r) => r.costVsClairvoyant) ?? NaN,
    floorViolationShare: mean((r) => r.floorViolationShare) ?? NaN,
    adaptation: mean((r) => r.adaptation),
    adaptationVsBefore: mean((r) => r.adaptationVsBefore),
    adaptationVsTwin: mean((r) => r.adaptationVsTwin),
    budgetError: mean((r) => r.budgetError),
    p50us: mean((r) => r.p50us),
    p99us: mean((r) => r.p99us),
    cheapFirstServed: rows[0].cheapFirstServed.map((_, k) => mean((r) => r.cheapFirstServed[k]) ?? NaN),
    cheapShare: rows[0].cheapShare.map((_, k) => mean((r) => r.cheapShare[k]) ?? NaN),
    cheapNever: rows.reduce((a, r) => a + r.cheapNever, 0),
    firstScoreAt: mean((r) => r.firstScoreAt),
  };
}
