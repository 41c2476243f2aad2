/**
 * Bench-only (round 47): where `refuteOnEarnedEvidence: 'grace'` (F) loses class windows that `auto` (C)
 * keeps. Runs the `contextual thompson + safe exploration + drift detector` row on one scenario and the
 * given seeds twice, without and with 'grace' (ZOO_TUNING.safe switched in-process; the rest of the
 * environment as the suite: ZOO_REGIME, ZOO_SCORE_DELAY_GATE, ZOO_SAFE_CONFIDENCE, ...), and for each
 * (class, window) below the floor under F and not under C prints the models under the floor that served
 * the class there with, per model: requests served, of which by the guaranteed share, of which in the
 * grace (route evidence under priorQualityWeight when the share picked it), the route evidence the
 * refutation read at those picks (min-max) and the model's answers served and not yet scored (route-wide,
 * in flight or never scored) at its services (median); then the totals over the seeds' F-only windows,
 * the same for the C-only windows (a control), and F - C windows in windows 0-1 (the grace ends by about
 * request 1,400 under noisy_feedback) and from window 2 on. Wraps the compiled guaranteedExploration (CJS).
 *
 *   ZOO_REGIME=gateway ZOO_REGIME_FLOOR=0.85 ROUTING_ZOO_TWIN=0 ZOO_SCORE_DELAY_GATE=1000 ZOO_SAFE_CONFIDENCE=0.8 \
 *     ZOO_EXPLORE_CHEAPER_SHARE=0.3 nice -n 19 node dist/bench/routing/grace-trace.js noisy_feedback 1401 1402
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Observation } from '../../libs/router/src';
import type { guaranteedExploration } from '../../libs/router/src/guaranteed-exploration';
import type { HierarchicalRouter } from './routers';
import { buildScenario, classWindowQualities, SIM, simClock, simulate, type ScenarioName, type Zoo } from './zoo-sim';
import { ZOO_TUNING, zooRouters } from './zoo-suite';

const gx = require('../../libs/router/src/guaranteed-exploration') as { guaranteedExploration: typeof guaranteedExploration };
const DATASETS = process.env.ROUTING_DATASETS ?? resolve(__dirname, '../../../../shared/datasets');
const zoo = JSON.parse(readFileSync(`${DATASETS}/zoo.json`, 'utf8')) as Zoo;
const scenario = process.argv[2] as ScenarioName;
const seeds = process.argv.slice(3).map(Number);
const spec = zooRouters().find((r) => r.name === 'contextual thompson + safe exploration + drift detector')!;

/** Per request of the current run: the guaranteed share's pick (model index among the candidates) and the evidence its refutation read. */
let picks: Array<{ model: string; evidence: number } | undefined> = [];
let candidateIds: string[] = [];
const original = gx.guaranteedExploration;
gx.guaranteedExploration = (candidates, eligible, means, lower, a, b, evidence, threshold, share, random, knownHome, earned) => {
  const r = original(candidates, eligible, means, lower, a, b, evidence, threshold, share, random, knownHome, earned);
  if (r.explored >= 0) picks[simClock.request] = { model: candidateIds[r.explored], evidence: earned ? earned.evidence[r.explored] : NaN };
  return r;
};

interface Trace {
  run: ReturnType<typeof simulate>;
  picks: typeof picks;
  /** Per request: the served model's route-wide answers served and not scored yet, and its scores landed, before this request. */
  unscored: Int32Array;
  scored: Int32Array;
}

function trace(seed: number, grace: boolean): Trace {
  if (grace) ZOO_TUNING.safe.refuteOnEarnedEvidence = 'grace';
  else delete ZOO_TUNING.safe.refuteOnEarnedEvidence;
  const setup = buildScenario(zoo, scenario);
  const router = spec.make(setup, seed) as HierarchicalRouter;
  picks = new Array(SIM.requests);
  const served = new Map<string, number>();
  const scored = new Map<string, number>();
  const unscoredAt = new Int32Array(SIM.requests);
  const scoredAt = new Int32Array(SIM.requests);
  const choose = router.choose.bind(router);
  router.choose = (request) => {
    candidateIds = request.candidates.map((c) => c.modelId);
    return choose(request);
  };
  const observe = router.observe.bind(router);
  router.observe = (contextKey: string, vector: Float64Array, obs: Observation) => {
    scored.set(obs.modelId, (scored.get(obs.modelId) ?? 0) + 1);
    observe(contextKey, vector, obs);
  };
  // simulate calls served() after each service: count it, and note the model's state just before.
  const servedHook = router.served.bind(router);
  router.served = (contextKey: string, modelId: string, at: number) => {
    const s = scored.get(modelId) ?? 0;
    const k = served.get(modelId) ?? 0;
    unscoredAt[at] = k - s;
    scoredAt[at] = s;
    served.set(modelId, k + 1);
    servedHook(contextKey, modelId, at);
  };
  const run = simulate(setup, router, seed, spec.options?.(setup) ?? {});
  return { run, picks, unscored: unscoredAt, scored: scoredAt };
}

const below = (t: Trace) => new Set(classWindowQualities(t.run).filter((w) => w.quality !== undefined && w.quality < SIM.qualityFloor).map((w) => `${w.taskClass}:${w.window}`));
const median = (xs: number[]) => (xs.length === 0 ? NaN : [...xs].sort((x, y) => x - y)[Math.floor(xs.length / 2)]);
const setup = buildScenario(zoo, scenario);
/** Over the F-only windows of all seeds: the class's requests, those served by a model under the floor, by the share in its grace, by the share after it, otherwise. */
const total = { requests: 0, under: 0, graceShare: 0, lateShare: 0, ordinary: 0, underC: 0 };
const graceUnscored: number[] = [];
/** The same over the C-only windows (the control): the class's requests, served under the floor by C and by F. */
/** Per seed, F - C class windows below the floor in windows 0-1 (requests 0-1,999: the grace ends by about 1,400) and from window 2 on. */
const split = { early: [] as number[], late: [] as number[] };
const control = { requests: 0, underC: 0, underF: 0, byModelC: new Map<string, number>() };
for (const seed of seeds) {
  const c = trace(seed, false);
  const f = trace(seed, true);
  const bc = below(c);
  const bf = below(f);
  const onlyF = [...bf].filter((k) => !bc.has(k));
  const onlyC = [...bc].filter((k) => !bf.has(k));
  const early = (k: string) => Number(k.split(':')[1]) < 2;
  split.early.push(onlyF.filter(early).length - onlyC.filter(early).length);
  split.late.push(onlyF.filter((k) => !early(k)).length - onlyC.filter((k) => !early(k)).length);
  // Each model's grace in F: the last request at which the share picked it with route evidence under 4.
  const graceEnd = new Map<string, { first: number; last: number; n: number }>();
  f.picks.forEach((p, i) => {
    if (p && p.evidence < 4) {
      const g = graceEnd.get(p.model) ?? { first: i, last: 0, n: 0 };
      graceEnd.set(p.model, { first: g.first, last: i, n: g.n + 1 });
    }
  });
  console.log(`seed ${seed}: windows below the floor C ${bc.size}, F ${bf.size}; F only ${onlyF.length} [${onlyF.join(' ')}], C only ${onlyC.length}; first score at ${f.run.firstScoreAt}; share picks in the grace by model (count, first-last request): ${[...graceEnd].map(([m, g]) => `${m} ${g.n} ${g.first}-${g.last}`).join(', ')}`);
  for (const key of onlyC) {
    const [cls, wStr] = key.split(':');
    for (let i = Number(wStr) * SIM.window; i < (Number(wStr) + 1) * SIM.window; i++) {
      if (c.run.taskClass[i] !== cls) continue;
      control.requests++;
      if (c.run.served[i] >= 0 && setup.arms[c.run.served[i]].quality(cls, i) < SIM.qualityFloor) {
        control.underC++;
        const m = `${cls} ${setup.arms[c.run.served[i]].model}`;
        control.byModelC.set(m, (control.byModelC.get(m) ?? 0) + 1);
      }
      if (f.run.served[i] >= 0 && setup.arms[f.run.served[i]].quality(cls, i) < SIM.qualityFloor) control.underF++;
    }
  }
  for (const key of onlyF) {
    const [cls, wStr] = key.split(':');
    const w = Number(wStr);
    const byModel = new Map<string, { n: number; share: number; grace: number; evidence: number[]; unscored: number[]; scored: number[] }>();
    let k = 0;
    for (let i = w * SIM.window; i < (w + 1) * SIM.window; i++) {
      if (f.run.taskClass[i] !== cls || f.run.served[i] < 0) continue;
      k++;
      total.requests++;
      if (c.run.served[i] >= 0 && setup.arms[c.run.served[i]].quality(cls, i) < SIM.qualityFloor) total.underC++;
      const arm = setup.arms[f.run.served[i]];
      if (arm.quality(cls, i) >= SIM.qualityFloor) continue;
      total.under++;
      const q = f.picks[i];
      if (q && q.model === arm.model) {
        if (q.evidence < 4) {
          total.graceShare++;
          graceUnscored.push(f.unscored[i]);
        } else total.lateShare++;
      } else total.ordinary++;
      const m = byModel.get(arm.model) ?? { n: 0, share: 0, grace: 0, evidence: [], unscored: [], scored: [] };
      m.n++;
      const p = f.picks[i];
      if (p && p.model === arm.model) {
        m.share++;
        if (p.evidence < 4) m.grace++;
        m.evidence.push(p.evidence);
      }
      m.unscored.push(f.unscored[i]);
      m.scored.push(f.scored[i]);
      byModel.set(arm.model, m);
    }
    for (const [model, m] of byModel) {
      const ev = m.evidence.length ? `${Math.min(...m.evidence).toFixed(1)}-${Math.max(...m.evidence).toFixed(1)}` : '-';
      console.log(
        `  ${cls} window ${w} (F ${(f.run.trueQuality.slice(w * SIM.window, (w + 1) * SIM.window).filter((_, j) => f.run.taskClass[w * SIM.window + j] === cls).reduce((s, x) => s + x, 0) / k).toFixed(3)}): ` +
          `${model} (q ${setup.arms.find((a) => a.model === model)!.quality(cls, w * SIM.window).toFixed(3)}) served ${m.n} of ${k}, by the share ${m.share}, in grace ${m.grace}; ` +
          `route evidence at the share's picks ${ev}; scores landed at its services median ${median(m.scored)}, served and unscored median ${median(m.unscored)}`,
      );
    }
  }
}
console.log(
  `F-only windows, all seeds: ${total.requests} requests of their class; served by a model under the floor: F ${total.under} (by the share in its grace ${total.graceShare}, ` +
    `by the share after it ${total.lateShare}, otherwise ${total.ordinary}), C ${total.underC}; at the grace services, the model's answers served and unscored median ${median(graceUnscored)}`,
);
console.log(`C-only windows, all seeds: ${control.requests} requests of their class; served by a model under the floor: C ${control.underC}, F ${control.underF}; C's by class and model: ${[...control.byModelC].sort((x, y) => y[1] - x[1]).map(([m, n]) => `${m} ${n}`).join(', ')}`);
const windowsPerRun = (SIM.requests / SIM.window) * Object.keys(SIM.taskMix).length;
const meanSe = (xs: number[]) => {
  const m = xs.reduce((a, x) => a + x, 0) / xs.length;
  const sd = Math.sqrt(xs.reduce((a, x) => a + (x - m) ** 2, 0) / Math.max(1, xs.length - 1));
  return `${((m / windowsPerRun) * 100).toFixed(2)} +- ${((sd / Math.sqrt(xs.length) / windowsPerRun) * 100).toFixed(2)}`;
};
console.log(`F - C windows below the floor, points of the run's class windows, mean +- SE over ${seeds.length} seeds: windows 0-1 ${meanSe(split.early)}, windows 2 on ${meanSe(split.late)}`);
