/**
 * Bench-only diagnosis of adaptation in the zoo (not part of the suites; round 11b): runs one scenario
 * and seed with the contexts learner (safe exploration + drift detector unless told otherwise) and
 * prints the adaptation measure's bad windows after the change with their reason (the class below the
 * floor, or the cost against clairvoyant's), the drift alarms, and per block of requests each task
 * class's true quality and served models with each context's beliefs (mean / context evidence) of them.
 *
 *   nice -n 19 node dist/bench/routing/adapt-diagnose.js [scenario] [seed] [block] [from] [to]
 *
 * DIAG_SAFE=0 / DIAG_DRIFT=0 turn safe exploration / the detector off; DIAG_POLICY='{...}' adds
 * RoutePolicy fields. Round 26: each bad window names the models that served its class under the floor
 * (a cost window: every class's), and the no-change twin's bad windows and the vs-twin reading follow,
 * with the window the reading ends on (DIAG_TWIN=0 skips the twin). `from` = `to` prints no blocks.
 */
import { readFileSync } from 'node:fs';
import { seededRandom } from '../../libs/core/src';
import type { ArmBelief, RoutePolicy } from '../../libs/router/src';
import { HierarchicalRouter } from './routers';
import { requestsToAdaptVsTwin } from './metrics';
import { buildScenario, SIM, simulate, type ScenarioName, type Zoo } from './zoo-sim';
import { contextualPolicy, priorFromPrice, ZOO_TUNING, zooUntried } from './zoo-suite';

const scenario = (process.argv[2] ?? 'silent_regression') as ScenarioName;
const seed = Number(process.argv[3] ?? 3);
const block = Number(process.argv[4] ?? 500);
const from = Number(process.argv[5] ?? SIM.changeAt - 2_000);
const to = Number(process.argv[6] ?? SIM.changeAt + SIM.adaptHorizon);
const datasets = process.env.ROUTING_DATASETS ?? '/work/shared/datasets';

const zoo = JSON.parse(readFileSync(`${datasets}/zoo.json`, 'utf8')) as Zoo;
const setup = buildScenario(zoo, scenario);
const policy: RoutePolicy = { ...contextualPolicy(setup, false, process.env.DIAG_SAFE !== '0'), ...(JSON.parse(process.env.DIAG_POLICY ?? '{}') as Partial<RoutePolicy>) };
const SHORT: Record<string, string> = { 'mistral-7b': 'mis', 'mixtral-8x7b': 'mix', 'yi-34b': 'yi', 'claude-instant-v1': 'ci', 'gpt-3.5-turbo': 'g35', 'claude-v2': 'cv2', 'gpt-4-1106': 'g4', 'new-model': 'new' };
const short = (m: string) => SHORT[m] ?? m;

const router = zooUntried(new HierarchicalRouter('diagnose', policy, ZOO_TUNING.discount, seededRandom(seed * 7919 + 17), ZOO_TUNING.contextDiscount, process.env.DIAG_DRIFT === '0' ? undefined : ZOO_TUNING.drift, ZOO_TUNING.refutedFor));
let request = -1;
const contextOf: string[] = [];
/** The beliefs of each context's last decision. */
const lastBeliefs = new Map<string, ArmBelief[]>();
const snapshots: Array<{ at: number; beliefs: Map<string, ArmBelief[]> }> = [];
router.onDecision = (r, d) => {
  request++;
  if (request % block === 0) snapshots.push({ at: request, beliefs: new Map(lastBeliefs) });
  contextOf.push(r.contextKey);
  lastBeliefs.set(r.contextKey, d.beliefs);
};
router.onAlarm = (contextKey, modelId) => console.log(`alarm at ~${request}: ${contextKey === '' ? '(route)' : contextKey} ${short(modelId)}`);
const clair = simulate(setup, 'clairvoyant', seed);
const run = simulate(buildScenario(zoo, scenario), router, seed, { priorQuality: (a) => priorFromPrice(a.price(0)) });

const served = (i: number): string => {
  if (run.cost[i] === 0) return 'failed';
  const arm = setup.arms.find((a) => a.price(i) === run.cost[i]);
  return arm ? short(arm.model) : '?';
};
const pct = (x: number) => `${x >= 0 ? '+' : ''}${(x * 100).toFixed(0)}%`;
const sum = (xs: Float64Array, a: number, b: number) => xs.slice(a, b).reduce((s, x) => s + x, 0);

// The adaptation measure's windows after the change, with why each bad one is bad and which models
// served the class under the floor (or, for a cost window, the dearest share of the spend).
/** The served models of `c`'s requests (every class when undefined) in [a, b), most first, as "model:count". */
const servedIn = (r: { cost: Float64Array; taskClass: string[] }, arms: typeof setup.arms, a: number, b: number, c?: string): string => {
  const counts = new Map<string, number>();
  for (let i = a; i < b; i++) {
    if (c !== undefined && r.taskClass[i] !== c) continue;
    const m = r.cost[i] === 0 ? 'failed' : short(arms.find((x) => x.price(i) === r.cost[i])?.model ?? '?');
    counts.set(m, (counts.get(m) ?? 0) + 1);
  }
  return [...counts.entries()].sort((x, y) => y[1] - x[1]).map(([m, n]) => `${m}:${n}`).join(' ');
};
/** Why the window at t is bad ('' when it is good), with the served models behind each reason. */
const badWindow = (r: { cost: Float64Array; taskClass: string[]; trueQuality: Float64Array }, arms: typeof setup.arms, c0: { cost: Float64Array }, t: number): string => {
  const why: string[] = [];
  for (const c of Object.keys(SIM.taskMix)) {
    let q = 0;
    let k = 0;
    for (let i = t; i < t + SIM.adaptWindow; i++) if (r.taskClass[i] === c) (q += r.trueQuality[i]), k++;
    if (k > 0 && q / k < SIM.qualityFloor) why.push(`${c} ${(q / k).toFixed(3)} [${servedIn(r, arms, t, t + SIM.adaptWindow, c)}]`);
  }
  const ratio = sum(r.cost, t, t + SIM.adaptWindow) / sum(c0.cost, t, t + SIM.adaptWindow);
  if (ratio > 1 + SIM.adaptCostTolerance) {
    // The dear models' requests by class: where the extra spend went.
    const dear = ['code', 'math', 'general'].map((c) => `${c} ${servedIn(r, arms, t, t + SIM.adaptWindow, c)}`).join('; ');
    why.push(`cost x${ratio.toFixed(2)} [${dear}]`);
  }
  return why.join(', ');
};
if (setup.changeAt !== undefined) {
  const t0 = setup.changeAt;
  const reasons: string[] = [];
  const bad: boolean[] = [];
  const starts: number[] = [];
  for (let t = t0; t + SIM.adaptWindow <= Math.min(SIM.requests, t0 + SIM.adaptHorizon); t += 100) {
    const why = badWindow(run, setup.arms, clair, t);
    starts.push(t);
    bad.push(why !== '');
    if (why !== '') reasons.push(`+${t - t0}: ${why}`);
  }
  console.log(`bad windows after the change (${reasons.length}):\n  ${reasons.join('\n  ')}`);
  // The no-change twin (DIAG_TWIN=0 skips it): the same router and seed without the change, and the
  // measure's reading against it (requestsToAdaptVsTwin), with the window the reading ends on.
  if (process.env.DIAG_TWIN !== '0') {
    const twinSetup = buildScenario(zoo, scenario, false);
    const twinRouter = zooUntried(new HierarchicalRouter('twin', policy, ZOO_TUNING.discount, seededRandom(seed * 7919 + 17), ZOO_TUNING.contextDiscount, process.env.DIAG_DRIFT === '0' ? undefined : ZOO_TUNING.drift, ZOO_TUNING.refutedFor));
    const twinClair = simulate(twinSetup, 'clairvoyant', seed);
    const twin = simulate(twinSetup, twinRouter, seed, { priorQuality: (a) => priorFromPrice(a.price(0)) });
    const twinReasons: string[] = [];
    const twinBad = starts.map((t) => {
      const why = badWindow(twin, twinSetup.arms, twinClair, t);
      if (why !== '') twinReasons.push(`+${t - t0}: ${why}`);
      return why !== '';
    });
    console.log(`twin's bad windows (${twinReasons.length}):\n  ${twinReasons.join('\n  ')}`);
    const reading = requestsToAdaptVsTwin(bad, twinBad, 100);
    const last = reading / 100 - 1;
    console.log(`vs twin ${reading}${reading > 0 ? `; ends on the window at +${starts[last] - t0}: ${badWindow(run, setup.arms, clair, starts[last]) || '(good)'}` : ''}`);
  }
}

for (let b = from; b < to; b += block) {
  const ratio = sum(run.cost, b, b + block) / sum(clair.cost, b, b + block);
  console.log(`\n${b} (+${b - (setup.changeAt ?? 0)}) cost ${pct(ratio - 1)}`);
  const snap = snapshots.find((s) => s.at === b);
  for (const c of Object.keys(SIM.taskMix)) {
    const counts = new Map<string, Map<string, number>>();
    let q = 0;
    let k = 0;
    for (let i = b; i < b + block; i++) {
      if (run.taskClass[i] !== c) continue;
      q += run.trueQuality[i];
      k++;
      const byModel = counts.get(contextOf[i]) ?? new Map<string, number>();
      byModel.set(served(i), (byModel.get(served(i)) ?? 0) + 1);
      counts.set(contextOf[i], byModel);
    }
    console.log(`  ${c} q ${(q / k).toFixed(3)}`);
    for (const [ctx, byModel] of counts) {
      const total = [...byModel.values()].reduce((a, x) => a + x, 0);
      const shares = [...byModel.entries()].sort((x, y) => y[1] - x[1]).map(([m, n]) => `${m}:${n}`).join(' ');
      const beliefs = (snap?.beliefs.get(ctx) ?? [])
        .filter((x) => x.evidence > 5 || byModel.has(short(x.modelId)))
        .map((x) => `${short(x.modelId)} ${x.meanQuality.toFixed(3)}/${x.evidence.toFixed(0)}`)
        .join(', ');
      console.log(`    ${ctx.padEnd(18)} n=${String(total).padStart(3)} ${shares.padEnd(34)} | ${beliefs}`);
    }
  }
}
