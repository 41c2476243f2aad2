/**
 * Bench-only diagnosis of the guaranteed share (`explore_cheaper_share`; docs/benchmarks.md, round 29):
 * runs one scenario on the given seeds with the contexts learner (safe exploration + drift detector, the
 * zoo's `ZOO_*` tuning: set ZOO_SAFE_CONFIDENCE / ZOO_EXPLORE_CHEAPER_SHARE as for the suite) and, over
 * every 1,000-request window and task class (the floor measure's windows), prints
 *   - how many windows are below the floor, and in how many of them the class's requests not served by
 *     a guaranteed pick alone clear the floor (the guaranteed picks made the difference);
 *   - the guaranteed picks by class and model, in windows below the floor and in the others;
 *   - at each guaranteed pick: the picked model's served requests in the context whose scores have not
 *     arrived (in flight), its scores that have, the home's posterior mean against its true observed
 *     rate (0.5 + (1 - 2 noise)(q - 0.5)), and the surplus the funding read.
 * Reads `guaranteedExploration`'s answer by wrapping the compiled module's export (a diagnosis only;
 * the library is not changed), so it needs the CommonJS build.
 *
 *   ZOO_SAFE_CONFIDENCE=0.8 ZOO_EXPLORE_CHEAPER_SHARE=0.3 nice -n 19 node dist/bench/routing/guaranteed-diagnose.js noisy_feedback_hard 735 736
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { seededRandom } from '../../libs/core/src';
import type { Candidate, Observation } from '../../libs/router/src';
import type { guaranteedExploration, GuaranteedExploration } from '../../libs/router/src/guaranteed-exploration';
import { HierarchicalRouter } from './routers';
import { buildScenario, SIM, simClock, simulate, type ScenarioName, type Zoo } from './zoo-sim';
import { contextualPolicy, priorFromPrice, ZOO_TUNING, zooUntried } from './zoo-suite';

const gxModule = require('../../libs/router/src/guaranteed-exploration') as { guaranteedExploration: typeof guaranteedExploration };

const scenario = (process.argv[2] ?? 'noisy_feedback_hard') as ScenarioName;
const seeds = process.argv.slice(3).map(Number);
const datasets = process.env.ROUTING_DATASETS ?? resolve(__dirname, '../../../../shared/datasets');
const zoo = JSON.parse(readFileSync(`${datasets}/zoo.json`, 'utf8')) as Zoo;
const SHORT: Record<string, string> = { 'mistral-7b': 'mis', 'mixtral-8x7b': 'mix', 'yi-34b': 'yi', 'claude-instant-v1': 'ci', 'gpt-3.5-turbo': 'g35', 'claude-v2': 'cv2', 'gpt-4-1106': 'g4' };
const short = (m: string) => SHORT[m] ?? m;

interface Pick {
  model: string;
  home: string;
  homeMean: number;
  surplus: number;
  inFlight: number;
  scored: number;
}

/** Per request of the current run: the guaranteed pick's details, or undefined. */
let picks: Array<Pick | undefined> = [];
let current: { candidates: ReadonlyArray<Candidate>; served: Map<string, number[]>; scored: Map<string, number>; contextKey: string } | undefined;
const setupOf = () => buildScenario(zoo, scenario);
const original = gxModule.guaranteedExploration;
gxModule.guaranteedExploration = (candidates, eligible, means, lower, a, b, evidence, threshold, share, random): GuaranteedExploration => {
  const r = original(candidates, eligible, means, lower, a, b, evidence, threshold, share, random);
  if (r.explored >= 0 && current) {
    let home = -1;
    for (let i = 0; i < candidates.length; i++) {
      if (eligible[i] === 1 && lower[i] >= threshold && (home < 0 || candidates[i].expectedCostUsd < candidates[home].expectedCostUsd)) home = i;
    }
    const model = current.candidates[r.explored].modelId;
    const key = `${current.contextKey}\u0000${model}`;
    const servedAt = current.served.get(key) ?? [];
    const scored = current.scored.get(key) ?? 0;
    const due = simClock.request - setupOf().delay;
    let inFlight = 0;
    for (let j = servedAt.length - 1; j >= 0 && servedAt[j] >= due; j--) inFlight++;
    picks[simClock.request] = {
      model,
      home: current.candidates[home].modelId,
      homeMean: means[home],
      surplus: means[home] - threshold,
      inFlight,
      scored,
    };
  }
  return r;
};

const byKey = new Map<string, number>();
const add = (key: string, n = 1) => byKey.set(key, (byKey.get(key) ?? 0) + n);
let windowsBad = 0;
let windowsBadSavedWithout = 0;
let windowsGood = 0;
let windowsGoodBadWithout = 0;
let windowsTotal = 0;
const homeErrors: { bad: number[]; good: number[] } = { bad: [], good: [] };
const inFlight: { bad: number[]; good: number[] } = { bad: [], good: [] };
const scoredAtPick: { bad: number[]; good: number[] } = { bad: [], good: [] };
const surplusErr: { bad: number[]; good: number[] } = { bad: [], good: [] };
const perSeed: string[] = [];

for (const seed of seeds) {
  const setup = setupOf();
  const policy = contextualPolicy(setup, false, true);
  const router = zooUntried(new HierarchicalRouter('diagnose', policy, ZOO_TUNING.discount, seededRandom(seed * 7919 + 17), ZOO_TUNING.contextDiscount, ZOO_TUNING.drift, ZOO_TUNING.refutedFor));
  const served = new Map<string, number[]>();
  const scored = new Map<string, number>();
  picks = new Array<Pick | undefined>(SIM.requests);
  router.onDecision = (r, d) => {
    const key = `${r.contextKey}\u0000${d.modelId}`;
    const at = served.get(key);
    if (at) at.push(simClock.request);
    else served.set(key, [simClock.request]);
  };
  const observe = router.observe.bind(router);
  router.observe = (contextKey: string, vector: Float64Array, obs: Observation) => {
    const key = `${contextKey}\u0000${obs.modelId}`;
    scored.set(key, (scored.get(key) ?? 0) + 1);
    observe(contextKey, vector, obs);
  };
  const wrappedChoose = router.choose.bind(router);
  router.choose = (request) => {
    current = { candidates: request.candidates, served, scored, contextKey: request.contextKey };
    return wrappedChoose(request);
  };
  const run = simulate(setup, router, seed, { priorQuality: (a) => priorFromPrice(a.price(0)) });
  const trueObserved = (model: string, c: string) => {
    const arm = setup.arms.find((x) => x.model === model);
    return arm ? 0.5 + (1 - 2 * setup.noise) * (arm.quality(c, 0) - 0.5) : NaN;
  };
  let seedBad = 0;
  let seedSaved = 0;
  let seedPicks = 0;
  for (let w = 0; w + SIM.window <= SIM.requests; w += SIM.window) {
    for (const c of Object.keys(SIM.taskMix)) {
      let q = 0;
      let k = 0;
      let qWithout = 0;
      let kWithout = 0;
      const windowPicks: Array<{ i: number; p: Pick }> = [];
      for (let i = w; i < w + SIM.window; i++) {
        if (run.taskClass[i] !== c) continue;
        q += run.trueQuality[i];
        k++;
        const p = picks[i];
        if (p) windowPicks.push({ i, p });
        else {
          qWithout += run.trueQuality[i];
          kWithout++;
        }
      }
      if (k === 0) continue;
      windowsTotal++;
      const bad = q / k < SIM.qualityFloor;
      const without = kWithout > 0 ? qWithout / kWithout : q / k;
      const tag = bad ? 'bad' : 'good';
      if (bad) {
        add(`below ${c} in requests ${Math.floor(w / 10_000) * 10}k-${Math.floor(w / 10_000) * 10 + 10}k`);
        add(`below ${c} served ${servedSummary(run, setup.arms, w, c)}`);
        windowsBad++;
        seedBad++;
        if (without >= SIM.qualityFloor) {
          windowsBadSavedWithout++;
          seedSaved++;
        }
      } else {
        windowsGood++;
        if (without < SIM.qualityFloor) windowsGoodBadWithout++;
      }
      add(`${tag} requests ${c}`, k);
      for (const { p } of windowPicks) {
        seedPicks++;
        add(`${tag} picks ${c} ${short(p.model)} (home ${short(p.home)})`);
        add(`${tag} picks total`);
        homeErrors[tag].push(p.homeMean - trueObserved(p.home, c));
        surplusErr[tag].push(p.surplus);
        inFlight[tag].push(p.inFlight);
        scoredAtPick[tag].push(p.scored);
      }
    }
  }
  perSeed.push(`seed ${seed}: ${seedBad} class-windows below the floor (${seedSaved} clear without the guaranteed picks), ${seedPicks} guaranteed picks`);
}

/** The model that served most of class c's requests in the window starting at w, with its share in tenths. */
function servedSummary(run: { cost: Float64Array; taskClass: string[] }, arms: ReadonlyArray<{ model: string; price: (i: number) => number }>, w: number, c: string): string {
  const counts = new Map<string, number>();
  let k = 0;
  for (let i = w; i < w + SIM.window; i++) {
    if (run.taskClass[i] !== c) continue;
    k++;
    const m = run.cost[i] === 0 ? 'failed' : short(arms.find((a) => a.price(i) === run.cost[i])?.model ?? '?');
    counts.set(m, (counts.get(m) ?? 0) + 1);
  }
  const top = [...counts.entries()].sort((a, b) => b[1] - a[1])[0];
  return `mostly ${top[0]}`;
}

const mean = (xs: number[]) => (xs.length === 0 ? NaN : xs.reduce((s, x) => s + x, 0) / xs.length);
const median = (xs: number[]) => (xs.length === 0 ? NaN : [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]);
for (const line of perSeed) console.log(line);
console.log(`\n${scenario}, ${seeds.length} seeds, policy floorConfidence ${ZOO_TUNING.safe.floorConfidence}, share ${ZOO_TUNING.safe.exploreCheaperShare ?? '-'}`);
console.log(`class-windows: ${windowsTotal}; below the floor ${windowsBad}, of which ${windowsBadSavedWithout} clear without the guaranteed picks; good ${windowsGood}, of which ${windowsGoodBadWithout} below without them`);
for (const tag of ['bad', 'good'] as const) {
  console.log(
    `${tag} windows: picks ${byKey.get(`${tag} picks total`) ?? 0} (${(((byKey.get(`${tag} picks total`) ?? 0) / Math.max(1, ['math', 'code', 'general'].reduce((s, c) => s + (byKey.get(`${tag} requests ${c}`) ?? 0), 0))) * 100).toFixed(1)}% of their requests); ` +
      `home mean - its true observed rate: mean ${mean(homeErrors[tag]).toFixed(4)}, median ${median(homeErrors[tag]).toFixed(4)}; surplus read: mean ${mean(surplusErr[tag]).toFixed(4)}; ` +
      `picked model's requests in flight: median ${median(inFlight[tag]).toFixed(0)}, scores arrived: median ${median(scoredAtPick[tag]).toFixed(0)}, share with none arrived ${((scoredAtPick[tag].filter((x) => x === 0).length / Math.max(1, scoredAtPick[tag].length)) * 100).toFixed(0)}%`,
  );
}
const rows = [...byKey.entries()].filter(([k]) => k.includes(' picks ') && !k.endsWith('total')).sort((a, b) => b[1] - a[1]);
for (const [k, v] of rows.slice(0, 30)) console.log(`  ${k}: ${v}`);
console.log('windows below the floor, by class and time, and by the model that served most of the class in them:');
for (const [k, v] of [...byKey.entries()].filter(([k]) => k.startsWith('below ')).sort()) console.log(`  ${k}: ${v}`);
