/**
 * Bench-only diagnosis of the floor boundary under safe exploration (round 12c): for one scenario,
 * seed, context and model, runs the contexts learner (safe exploration + drift detector, as
 * adapt-diagnose.ts) and prints per block of requests the model's context mean / evidence at the
 * block's end, the mean of the rewards it was actually scored with (cumulative and in the block), its
 * share of the context's requests, and the rate at which it *would* have been scored right on every
 * request of the context in the block (the zoo's common random numbers: reward = u0 < quality, the
 * same u0 for every model). A context mean that follows the rewards it got, on requests whose
 * would-be rate is itself above the model's true quality, is luck in the data, not selection bias.
 *
 *   nice -n 19 node dist/bench/routing/boundary-diagnose.js [scenario] [seed] [context] [model] [block]
 *
 * DIAG_POLICY='{...}' adds RoutePolicy fields (e.g. '{"outrightMargin":1}').
 */
import { readFileSync } from 'node:fs';
import { seededRandom } from '../../libs/core/src';
import type { Observation, RoutePolicy } from '../../libs/router/src';
import { HierarchicalRouter } from './routers';
import { buildScenario, drawRequests, simulate, UNIFORMS_PER_REQUEST, type ScenarioName, type Zoo } from './zoo-sim';
import { contextualPolicy, priorFromPrice, ZOO_TUNING, zooUntried } from './zoo-suite';

const scenario = (process.argv[2] ?? 'outage') as ScenarioName;
const seed = Number(process.argv[3] ?? 3);
const context = process.argv[4] ?? 'math|short';
const model = process.argv[5] ?? 'yi-34b';
const block = Number(process.argv[6] ?? 2_000);
const datasets = process.env.ROUTING_DATASETS ?? '/work/shared/datasets';

const zoo = JSON.parse(readFileSync(`${datasets}/zoo.json`, 'utf8')) as Zoo;
const setup = buildScenario(zoo, scenario);
const policy: RoutePolicy = { ...contextualPolicy(setup, false, true), ...(JSON.parse(process.env.DIAG_POLICY ?? '{}') as Partial<RoutePolicy>) };
const router = zooUntried(new HierarchicalRouter('boundary', policy, ZOO_TUNING.discount, seededRandom(seed * 7919 + 17), ZOO_TUNING.contextDiscount, ZOO_TUNING.drift, ZOO_TUNING.refutedFor));
const arm = setup.arms.find((a) => a.model === model);
if (!arm) throw new Error(`no ${model} in ${scenario}`);

const draws = drawRequests(seed);
let request = -1;
let mean = NaN;
let evidence = 0;
let served = 0;
let inContext = 0;
let wouldRight = 0;
const scored = { n: 0, right: 0, blockN: 0, blockRight: 0 };
const f = (x: number) => (Number.isFinite(x) ? x.toFixed(3) : '  -  ');
console.log(`${scenario} seed ${seed}, ${model} in ${context}: true quality ${arm.quality(context.split('|')[0], 0)}`);
console.log('request  mean/evidence  scored: cumulative  block/n    share  would-be rate');
router.onDecision = (r, d) => {
  request++;
  if (r.contextKey === context) {
    inContext++;
    const b = d.beliefs.find((x) => x.modelId === model);
    if (b) (mean = b.meanQuality), (evidence = b.evidence);
    if (d.modelId === model) served++;
    const i = request;
    if (draws.uniforms[i * UNIFORMS_PER_REQUEST] < arm.quality(draws.taskClass[i], i)) wouldRight++;
  }
  if ((request + 1) % block === 0) {
    console.log(
      `${String(request + 1).padStart(7)}  ${f(mean)}/${evidence.toFixed(0).padEnd(6)} ${f(scored.right / scored.n).padStart(8)} n=${String(scored.n).padEnd(5)} ${f(scored.blockRight / scored.blockN)}/${String(scored.blockN).padEnd(4)} ${(served / Math.max(1, inContext)).toFixed(2)}   ${f(wouldRight / Math.max(1, inContext))}`,
    );
    served = inContext = wouldRight = scored.blockN = scored.blockRight = 0;
  }
};
const observe = router.observe.bind(router);
router.observe = (contextKey: string, vector: Float64Array, obs: Observation) => {
  if (contextKey === context && obs.modelId === model) (scored.n++, (scored.right += obs.reward), scored.blockN++, (scored.blockRight += obs.reward));
  observe(contextKey, vector, obs);
};
simulate(setup, router, seed, { priorQuality: (a) => priorFromPrice(a.price(0)) });
