/**
 * Bench-only (docs/benchmarks.md, round 46): where a zoo router's cost over the clairvoyant goes. Runs
 * one scenario on the given seeds with one zoo row (TRACE_ROUTER, the row's exact name; the suite's
 * ZOO_* variables apply as for the suite) and splits the cost over the clairvoyant after request 5,000
 * (the suite's `costVsClairvoyant`, request by request: cost - the clairvoyant's cost at the same
 * request) by task class, by served model, by phase, and, for a contexts row with safe exploration, by
 * the decision's state (`ExcessCategory`): the gate closed, a stand-in for a refuted anchor, a
 * guaranteed pick, the context's proven home serving while the class's clairvoyant pick is unproven
 * (and then whether it is refuted by the guaranteed share's rule, or not cheap enough for a share), a
 * funded exploration away from the home, no proven model in the context. It also times, per context,
 * when the class's clairvoyant pick was first proven there. The share's refutation is read as
 * `guaranteedExploration` reads it (`shareRefuted`: unset, `refuteOnEarnedEvidence` true or 'grace'; round 50d),
 * and a guaranteed pick of a model read as refuted throws. The posterior is recomputed from the
 * router's arms as `decide` computes it (checked against the decision's means at every decision).
 * Needs the CommonJS build (it wraps `guaranteedExploration`'s export to see the guaranteed picks).
 *
 *   env ZOO_SCORE_DELAY_GATE=1000 ZOO_SAFE_CONFIDENCE=0.8 ZOO_EXPLORE_CHEAPER_SHARE=0.3 \
 *     TRACE_ROUTER="contextual thompson + safe exploration + drift detector" \
 *     nice -n 19 node dist/bench/routing/cost-trace.js noisy_feedback 1113 1114 > trace.json
 * One JSON line per seed; `node dist/bench/routing/cost-trace.js --summary trace.json` prints the tables.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { armWeight, failuresOf, lowerQuantile, normalQuantile, successesOf, type ArmState, type RoutePolicy } from '../../libs/router/src';
import type { guaranteedExploration } from '../../libs/router/src/guaranteed-exploration';
import { GUARANTEED_CHEAPER_BY, guaranteedRefuteZ } from '../../libs/router/src/guaranteed-exploration';
import { HierarchicalRouter } from './routers';
import { buildScenario, clairvoyantRanking, SIM, simClock, simulate, type ScenarioName, type Zoo } from './zoo-sim';
import { zooRouters } from './zoo-suite';

/** The decision state a request's cost over the clairvoyant is charged to. */
export type ExcessCategory =
  | 'gate closed'
  | 'stand-in (refuted anchor or anchor down)'
  | 'guaranteed pick'
  | 'home, pick unproven, in its share'
  | 'home, pick refuted (share rule)'
  | 'home, pick unproven, no share (home < 2x)'
  | 'home, pick proven'
  | 'drawn ahead of the home, proven'
  | 'explored away from home, unproven'
  | 'no proven model in context'
  | 'fallback after a failure'
  | 'no safe exploration';

export interface DecisionState {
  safe: boolean;
  gateOpen: boolean;
  standIn: boolean;
  guaranteedModel?: string;
  firstChoice: string;
  home?: string;
  /** The class's clairvoyant pick in this context: proven, refuted by the guaranteed share's rule, cheap enough for a share, eligible. */
  pick: { model: string; proven: boolean; refuted: boolean; shareEligible: boolean; eligible: boolean };
  /** Whether the served model is proven in the context (lower quantile clears the floor). */
  servedProven?: boolean;
}

/** The category of one served request (pure; the spec reads it). */
export function excessCategory(s: DecisionState, served: string): ExcessCategory {
  if (served !== s.firstChoice) return 'fallback after a failure';
  if (!s.safe) return 'no safe exploration';
  if (s.standIn) return 'stand-in (refuted anchor or anchor down)';
  if (s.guaranteedModel !== undefined && s.guaranteedModel === served) return 'guaranteed pick';
  if (s.home === undefined) return 'no proven model in context';
  if (served !== s.home) return s.servedProven ? 'drawn ahead of the home, proven' : 'explored away from home, unproven';
  if (!s.gateOpen) return 'gate closed';
  if (s.pick.proven) return 'home, pick proven';
  if (s.pick.refuted) return 'home, pick refuted (share rule)';
  if (!s.pick.shareEligible) return 'home, pick unproven, no share (home < 2x)';
  return 'home, pick unproven, in its share';
}

/**
 * Whether the guaranteed share's rule refutes a model (`guaranteedExploration`): its posterior's upper
 * quantile at `guaranteedRefuteZ(contextEvidence)` under the threshold. `refuteOnEarnedEvidence` true
 * reads the earned posterior (the neutral prior's) and `'grace'` the decision's own; both refute only
 * from `minEvidence` route observations on (pure; the spec reads it).
 */
export function shareRefuted(
  mode: boolean | 'grace' | undefined,
  posterior: { a: number; b: number },
  earned: { a: number; b: number },
  routeEvidence: number,
  minEvidence: number,
  contextEvidence: number,
  threshold: number,
): boolean {
  const z = -guaranteedRefuteZ(contextEvidence);
  if (mode !== true && mode !== 'grace') return lowerQuantile(posterior.a, posterior.b, z) < threshold;
  const p = mode === 'grace' ? posterior : earned;
  return routeEvidence >= minEvidence && lowerQuantile(p.a, p.b, z) < threshold;
}

/** The run's phases the excess is split by (requests from, to). */
export const PHASES: Array<[number, number]> = [
  [5_000, 10_000],
  [10_000, 20_000],
  [20_000, 40_000],
];

export interface SeedTrace {
  seed: number;
  router: string;
  /** Cost over the clairvoyant after 5,000 (the suite's number), and the clairvoyant's cost then. */
  costVsClairvoyant: number;
  clairCost: number;
  /** Excess (USD) keyed class, model, phase, category, context joined by tabs (phase index into PHASES). */
  excess: Record<string, number>;
  requests: Record<string, number>;
  /** Per context and pick model: first request it was proven there, share of decisions >= 5,000 proven / refuted. */
  proof: Record<string, { first: number; provenShare: number; refutedShare: number; decisions: number }>;
  alarms: Record<string, number>;
  /** Guaranteed picks after 5,000 keyed `context|model`. */
  guaranteed: Record<string, number>;
  gateClosedAfter5k: number;
}

const add = (r: Record<string, number>, k: string, v: number) => (r[k] = (r[k] ?? 0) + v);

function trace(zoo: Zoo, scenario: ScenarioName, routerName: string, seed: number, gx: { fn: typeof guaranteedExploration; last?: string }): SeedTrace {
  const spec = zooRouters().find((r) => r.name === routerName);
  if (!spec) throw new Error(`no zoo row named ${routerName}`);
  const setup = buildScenario(zoo, scenario);
  const clair = simulate(setup, 'clairvoyant', seed);
  const router = spec.make(setup, seed);
  if (!(router instanceof HierarchicalRouter)) throw new Error('a contexts row only');
  const internals = router as unknown as {
    routeArms: Map<string, ArmState>;
    contextArms: Map<string, Map<string, ArmState>>;
    refuted: Map<string, { modelId: string }>;
    current: RoutePolicy;
    gate?: { promptPolicy: RoutePolicy };
  };
  const n = SIM.requests;
  const classes = Object.keys(SIM.taskMix);
  // The clairvoyant's pick per class (stationary arms: its choice at request 0).
  const pickOf = Object.fromEntries(classes.map((c) => [c, clairvoyantRanking(setup, c, 0, SIM.qualityFloor)[0]]));
  const picks = [...new Set(Object.values(pickOf))];
  const states: Array<DecisionState | undefined> = new Array(n);
  type Info = Map<string, { lower: number; refuted: boolean; eligible: boolean; cost: number }>;
  const infos: Array<{ info: Info; threshold: number } | undefined> = new Array(n);
  const ctxOf: string[] = new Array(n);
  const proof: SeedTrace['proof'] = {};
  const alarms: Record<string, number> = {};
  const guaranteed: Record<string, number> = {};
  let gateClosedAfter5k = 0;
  const choose = router.choose.bind(router);
  router.choose = (request) => {
    gx.last = undefined;
    return choose(request);
  };
  router.onAlarm = (k, m) => {
    if (simClock.request >= 5_000) add(alarms, `${k === '' ? 'route' : k}|${m}`, 1);
  };
  router.onDecision = (request, d) => {
    const i = simClock.request;
    const policy = internals.current;
    const safe = policy.floorConfidence !== undefined;
    const gateOpen = internals.gate !== undefined && policy === internals.gate.promptPolicy;
    if (i >= 5_000 && safe && !gateOpen) gateClosedAfter5k++;
    ctxOf[i] = request.contextKey;
    const threshold = policy.qualityFloor;
    const z = safe ? normalQuantile(policy.floorConfidence!) : normalQuantile(0.8);
    const strength0 = policy.contextPriorStrength ?? 8;
    const w = policy.priorQualityWeight ?? 4;
    const earnedMode = policy.exploreCheaperShare !== undefined ? policy.refuteOnEarnedEvidence : undefined;
    const ctxArms = internals.contextArms.get(request.contextKey);
    const info = new Map<string, { lower: number; refuted: boolean; eligible: boolean; cost: number }>();
    d.beliefs.forEach((b, k) => {
      const c = request.candidates[k];
      const route = internals.routeArms.get(c.modelId);
      let a = c.priorQuality !== undefined ? c.priorQuality * w : policy.priorSuccesses;
      let bb = c.priorQuality !== undefined ? (1 - c.priorQuality) * w : policy.priorFailures;
      a += successesOf(route);
      bb += failuresOf(route);
      const strength = Math.min(strength0, a + bb);
      const m = a / (a + bb);
      const arm = ctxArms?.get(c.modelId);
      const cs = successesOf(arm);
      const cf = failuresOf(arm);
      a = strength * m + cs;
      bb = strength * (1 - m) + cf;
      if (Math.abs(a / (a + bb) - b.meanQuality) > 1e-9) throw new Error(`posterior mismatch at ${i} for ${c.modelId}: ${a / (a + bb)} vs ${b.meanQuality}`);
      const evidence = cs + cf;
      // The earned posterior (the route's evidence behind the neutral prior) is read only by refuteOnEarnedEvidence: true.
      let earnedPosterior = { a, b: bb };
      if (earnedMode === true) {
        const ra = policy.priorSuccesses + successesOf(route);
        const rb = policy.priorFailures + failuresOf(route);
        const s = Math.min(strength0, ra + rb);
        earnedPosterior = { a: s * (ra / (ra + rb)) + cs, b: s * (rb / (ra + rb)) + cf };
      }
      const refuted = shareRefuted(earnedMode, { a, b: bb }, earnedPosterior, route ? armWeight(route) : 0, w, evidence, threshold);
      info.set(c.modelId, { lower: lowerQuantile(a, bb, z), refuted, eligible: b.eligible, cost: c.expectedCostUsd });
    });
    let home: string | undefined;
    for (const [model, x] of info) if (x.eligible && x.lower >= threshold && (home === undefined || x.cost < info.get(home)!.cost)) home = model;
    for (const p of picks) {
      const x = info.get(p);
      if (!x) continue;
      const key = `${request.contextKey}|${p}`;
      const pr = (proof[key] ??= { first: n, provenShare: 0, refutedShare: 0, decisions: 0 });
      if (x.lower >= threshold && pr.first === n) pr.first = i;
      if (i >= 5_000) {
        pr.decisions++;
        if (x.lower >= threshold) pr.provenShare++;
        else if (x.refuted) pr.refutedShare++;
      }
    }
    const marker = internals.refuted.get(request.contextKey);
    const anyHome = [...info.entries()].filter(([, x]) => x.lower >= threshold).sort((p, q) => p[1].cost - q[1].cost)[0];
    const standIn = safe && d.reason === 'constraint' && (marker !== undefined || (anyHome !== undefined && !anyHome[1].eligible));
    if (gx.last !== undefined && i >= 5_000) add(guaranteed, `${request.contextKey}|${gx.last}`, 1);
    // The share's rule as recomputed here must agree with the router's: a model it calls refuted gets no guaranteed pick.
    if (gx.last !== undefined && info.get(gx.last)?.refuted) throw new Error(`guaranteed pick of ${gx.last} at ${i}, which the trace reads as refuted`);
    // The class is not in the request; `simulate` draws it: read after the run (states hold every pick).
    states[i] = {
      safe,
      gateOpen,
      standIn,
      ...(gx.last !== undefined ? { guaranteedModel: gx.last } : {}),
      firstChoice: d.modelId,
      ...(home !== undefined ? { home } : {}),
      pick: { model: '', proven: false, refuted: false, shareEligible: false, eligible: true },
    };
    infos[i] = { info, threshold };
  };
  const options = spec.options?.(setup) ?? {};
  const run = simulate(setup, router, seed, options);
  const excess: Record<string, number> = {};
  const requests: Record<string, number> = {};
  let clairCost = 0;
  let runCost = 0;
  for (let i = 5_000; i < n; i++) {
    clairCost += clair.cost[i];
    runCost += run.cost[i];
    const s = states[i];
    const f = infos[i];
    if (!s || !f || run.served[i] < 0) continue;
    const c = run.taskClass[i];
    const p = pickOf[c];
    const x = f.info.get(p);
    const homeCost = s.home !== undefined ? (f.info.get(s.home)?.cost ?? Infinity) : Infinity;
    if (x) s.pick = { model: p, proven: x.lower >= f.threshold, refuted: x.refuted, shareEligible: x.cost < homeCost * GUARANTEED_CHEAPER_BY, eligible: x.eligible };
    const served = setup.arms[run.served[i]].model;
    const sx = f.info.get(served);
    s.servedProven = sx !== undefined && sx.lower >= f.threshold;
    const phase = PHASES.findIndex(([a, b]) => i >= a && i < b);
    const key = [c, served, phase, excessCategory(s, served), ctxOf[i]].join('\t');
    add(excess, key, run.cost[i] - clair.cost[i]);
    add(requests, key, 1);
  }
  return { seed, router: routerName, costVsClairvoyant: runCost / clairCost - 1, clairCost, excess, requests, proof, alarms, guaranteed, gateClosedAfter5k };
}

function main(): void {
  if (process.argv[2] === '--summary') return summary(process.argv.slice(3));
  const scenario = process.argv[2] as ScenarioName;
  const seeds = process.argv.slice(3).map(Number);
  const routerName = process.env.TRACE_ROUTER ?? 'contextual thompson + safe exploration + drift detector';
  const datasets = process.env.ROUTING_DATASETS ?? resolve(__dirname, '../../../../shared/datasets');
  const zoo = JSON.parse(readFileSync(`${datasets}/zoo.json`, 'utf8')) as Zoo;
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const gxModule = require('../../libs/router/src/guaranteed-exploration') as { guaranteedExploration: typeof guaranteedExploration };
  const original = gxModule.guaranteedExploration;
  const gx: { fn: typeof guaranteedExploration; last?: string } = { fn: original };
  gxModule.guaranteedExploration = (candidates, ...rest) => {
    const r = original(candidates, ...rest);
    if (r.explored >= 0) gx.last = (candidates[r.explored] as { modelId?: string }).modelId;
    return r;
  };
  for (const seed of seeds) console.log(JSON.stringify(trace(zoo, scenario, routerName, seed, gx)));
}

/** Sums `excess` over the parts of its key kept by `pick` (indices into class, model, phase, category, context), in points of the clairvoyant's cost. */
export function excessBy(t: Pick<SeedTrace, 'excess' | 'clairCost'>, parts: number[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [k, v] of Object.entries(t.excess)) {
    const f = k.split('\t');
    add(out, parts.map((p) => f[p]).join(' / '), (100 * v) / t.clairCost);
  }
  return out;
}

function summary(files: string[]): void {
  for (const file of files) {
    const traces = readFileSync(file, 'utf8')
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as SeedTrace);
    const mean = (xs: number[]) => xs.reduce((s, x) => s + x, 0) / xs.length;
    const se = (xs: number[]) => Math.sqrt(xs.reduce((s, x) => s + (x - mean(xs)) ** 2, 0) / (xs.length - 1) / xs.length);
    console.log(`\n== ${file}: ${traces[0]?.router}, ${traces.length} seeds; cost vs clairvoyant after 5,000: mean ${(100 * mean(traces.map((t) => t.costVsClairvoyant))).toFixed(1)}%`);
    for (const [label, parts] of [
      ['class', [0]],
      ['served model', [1]],
      ['phase', [2]],
      ['category', [3]],
      ['class / model', [0, 1]],
      ['class / context', [0, 4]],
      ['category / model', [3, 1]],
    ] as Array<[string, number[]]>) {
      const per = traces.map((t) => excessBy(t, parts));
      const keys = [...new Set(per.flatMap((p) => Object.keys(p)))];
      const rows = keys.map((k) => ({ k, xs: per.map((p) => p[k] ?? 0) })).sort((a, b) => Math.abs(mean(b.xs)) - Math.abs(mean(a.xs)));
      console.log(`  by ${label} (points, mean +- SE over seeds; phases ${PHASES.map(([a, b]) => `${a / 1000}k-${b / 1000}k`).join(', ')}):`);
      for (const r of rows.filter((r) => Math.abs(mean(r.xs)) >= 0.05)) console.log(`    ${r.k}: ${mean(r.xs).toFixed(2)} +- ${se(r.xs).toFixed(2)}`);
    }
    // Proof: per context and pick model, the mean first proven request and shares after 5,000.
    const keys = [...new Set(traces.flatMap((t) => Object.keys(t.proof)))].sort();
    console.log('  proof of the clairvoyant picks per context: first proven (median; never = 40,000), share of decisions >= 5,000 proven / refuted (mean):');
    for (const k of keys) {
      const xs = traces.map((t) => t.proof[k]).filter((x) => x !== undefined);
      const firsts = xs.map((x) => x.first).sort((a, b) => a - b);
      const never = firsts.filter((f) => f >= SIM.requests).length;
      console.log(`    ${k}: first ${firsts[Math.floor(firsts.length / 2)]} (never ${never}/${xs.length}), proven ${(100 * mean(xs.map((x) => x.provenShare / Math.max(1, x.decisions)))).toFixed(1)}%, refuted ${(100 * mean(xs.map((x) => x.refutedShare / Math.max(1, x.decisions)))).toFixed(1)}%`);
    }
    const g: Record<string, number> = {};
    const al: Record<string, number> = {};
    for (const t of traces) {
      for (const [k, v] of Object.entries(t.guaranteed)) add(g, k, v / traces.length);
      for (const [k, v] of Object.entries(t.alarms)) add(al, k, v / traces.length);
    }
    console.log(`  guaranteed picks after 5,000 per seed (mean): ${Object.entries(g).sort((a, b) => b[1] - a[1]).map(([k, v]) => `${k} ${v.toFixed(0)}`).join('; ')}`);
    console.log(`  drift alarms after 5,000 per seed (mean): ${Object.entries(al).sort((a, b) => b[1] - a[1]).slice(0, 12).map(([k, v]) => `${k} ${v.toFixed(1)}`).join('; ')}`);
    console.log(`  gate closed after 5,000 (decisions per seed, mean): ${mean(traces.map((t) => t.gateClosedAfter5k)).toFixed(1)}`);
    console.log('  per seed (cost %, then its largest parts in points: category / model):');
    for (const t of [...traces].sort((a, b) => b.costVsClairvoyant - a.costVsClairvoyant)) {
      const parts = Object.entries(excessBy(t, [3, 1, 2]))
        .sort((a, b) => Math.abs(b[1]) - Math.abs(a[1]))
        .slice(0, 4)
        .map(([k, v]) => `${k} ${v.toFixed(1)}`);
      console.log(`    seed ${t.seed}: ${(100 * t.costVsClairvoyant).toFixed(1)}%: ${parts.join('; ')}`);
    }
  }
}

if (require.main === module) main();
