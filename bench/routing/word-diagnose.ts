/**
 * Bench-only diagnosis of the word learner in the zoo (not part of the suites): runs one scenario and
 * seed with an instrumented copy of WordLearnerRouter and prints, per task class and window, each
 * model's predicted mean quality vs its true quality, the logit sd of the prediction, the share of its
 * draws clearing the floor, and the share of requests it served.
 *
 *   nice -n 19 node dist/bench/routing/word-diagnose.js [scenario] [seed] [window]
 */
import { readFileSync } from 'node:fs';
import { hashedPromptFeatures, logisticBelief, WORD_MODEL, type RoutePolicy } from '../../libs/router/src';
import { seededRandom } from '../../libs/core/src';
import { WordLearnerRouter } from './routers';
import { buildScenario, SIM, simulate, TEMPLATES, type ScenarioName, type Zoo } from './zoo-sim';
import { contextualPolicy, priorFromPrice, ZOO_TUNING, zooWordOptions } from './zoo-suite';

const scenario = (process.argv[2] ?? 'stationary') as ScenarioName;
const seed = Number(process.argv[3] ?? 1);
const window = Number(process.argv[4] ?? 5000);
const varianceScale = Number(process.env.DIAG_VARIANCE_SCALE ?? WORD_MODEL.varianceScale);

const zoo = JSON.parse(readFileSync('/work/shared/datasets/zoo.json', 'utf8')) as Zoo;
const setup = buildScenario(zoo, scenario);

// Which template a request's buckets belong to.
const templateOf = new Map<string, { cls: string; t: number; n: number }>();
for (const [cls, ts] of Object.entries(TEMPLATES)) {
  ts.forEach((text, t) => {
    const h = hashedPromptFeatures({ model: 'router', messages: [{ role: 'user', content: text }] });
    templateOf.set(Array.from(h).join(','), { cls, t, n: h.length });
  });
}

interface Rec {
  cls: string;
  t: number;
  i: number;
  chosen: string;
  beliefs: { id: string; p: number; sd: number; draw: number }[];
}
const recs: Rec[] = [];

const policy: RoutePolicy = contextualPolicy(setup, false, process.env.DIAG_SAFE === '1');
let decisions = 0;
/** The context beliefs of each template's last decision, per model. */
const lastOffsets = new Map<string, Map<string, { logit: number; variance: number }>>();
const router = new WordLearnerRouter('diag', policy, seededRandom(seed * 7919 + 17), ZOO_TUNING.discount, {
  ...zooWordOptions(),
  varianceScale,
  fade: process.env.DIAG_NO_FADE !== '1',
  onDecision: (request, d, arms, offsets) => {
    lastOffsets.set(Array.from(request.hashed).join(','), new Map(arms.map((a, k) => [a.modelId, offsets[k]])));
    const tpl = templateOf.get(Array.from(request.hashed).join(','))!;
    recs.push({
      cls: tpl.cls,
      t: tpl.t,
      i: decisions++,
      chosen: d.ranked[0],
      beliefs: d.beliefs.map((b, k) => {
        const words = logisticBelief(arms[k], request.hashed, varianceScale);
        // The decision's belief: the words weighed against the context's belief (the offset) by their odds.
        const logit = words.logit + offsets[k].logit;
        const variance = words.variance + offsets[k].variance;
        return { id: b.modelId, p: 1 / (1 + Math.exp(-logit)), sd: Math.sqrt(variance), draw: b.sampledQuality };
      }),
    });
  },
});
const run = simulate(setup, router, seed, { priorQuality: (a) => priorFromPrice(a.price(0)) });
const clair = simulate(buildScenario(zoo, scenario), 'clairvoyant', seed);
const sum = (xs: Float64Array, from: number) => xs.slice(from).reduce((a, b) => a + b, 0);
console.log(`${scenario} seed ${seed}: cost vs clairvoyant after 5k ${((sum(run.cost, 5000) / sum(clair.cost, 5000) - 1) * 100).toFixed(1)}%`);

const models = setup.arms.map((a) => a.model);
const short = (m: string) => m.replace('-turbo', '').replace('-instant-v1', '-i').replace('-1106', '').replace('mixtral-8x7b', 'mixtral');
const f = (x: number, d = 2) => x.toFixed(d);
for (const cls of Object.keys(SIM.taskMix)) {
  console.log(`\n### ${cls}: per model mean p / true q / logit sd / P(draw>=floor) / served share`);
  console.log(['from', ...models.map(short)].join('\t'));
  for (let from = 0; from < SIM.requests; from += window) {
    const rs = recs.filter((r) => r.cls === cls && r.i >= from && r.i < from + window);
    const cells = models.map((m) => {
      const bs = rs.map((r) => r.beliefs.find((b) => b.id === m)!).filter(Boolean);
      const mean = (g: (b: (typeof bs)[number]) => number) => bs.reduce((a, b) => a + g(b), 0) / Math.max(1, bs.length);
      const q = setup.arms.find((a) => a.model === m)!.quality(cls, from);
      const served = rs.filter((r) => r.chosen === m).length / Math.max(1, rs.length);
      return `${f(mean((b) => b.p))}/${f(q)}/${f(mean((b) => b.sd))}/${f(mean((b) => (b.draw >= policy.qualityFloor ? 1 : 0)))}/${f(served, 3)}`;
    });
    console.log([from, ...cells].join('\t'));
  }
}

// End state per template: features, and each model's belief.
console.log('\n### end of run, per template: n buckets; per model p (logit sd)');
for (const [key, tpl] of templateOf) {
  const h = Int32Array.from(key.split(',').map(Number));
  const row = models.map((m) => {
    const arm = router.arms.get(m)!;
    const words = logisticBelief(arm, h, varianceScale);
    const offset = lastOffsets.get(key)?.get(m) ?? { logit: 0, variance: 0 };
    const logit = words.logit + offset.logit;
    const variance = words.variance + offset.variance;
    return `${short(m)} ${f(1 / (1 + Math.exp(-logit)))} (${f(Math.sqrt(variance))})`;
  });
  console.log(`${tpl.cls}/${tpl.t} n=${tpl.n}: ${row.join(', ')}`);
}
// Buckets shared between templates.
const counts = new Map<number, string[]>();
for (const [key, tpl] of templateOf) for (const k of key.split(',').map(Number)) counts.set(k, [...(counts.get(k) ?? []), `${tpl.cls}/${tpl.t}`]);
console.log('\n### buckets shared by several templates');
for (const [k, ts] of counts) if (ts.length > 1) console.log(k, ts.length, ts.join(' '));
