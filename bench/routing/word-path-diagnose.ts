/**
 * Bench-only diagnosis of one seed of word-path.ts (routing round 16): the library twin's loop with
 * each score before the next decision, and after every `every` requests the cheap model's belief about
 * a fresh geography prompt: its words' logit split into the bias, the words law shares and geography's
 * own, the words' variance, the context's mean, the words' odds, the decision's mean and about how often
 * a draw clears the floor (a normal approximation of the decision's Beta); and how many prompts of each
 * kind the cheap model served meanwhile.
 *
 *   nice -n 19 node dist/bench/routing/word-path-diagnose.js <variation name part> <seed> [every=25]
 */
import { seededRandom } from '../../libs/core/src';
import { extractPromptContext, hashedPromptFeatures, logisticBelief, WORD_MODEL } from '../../libs/router/src';
import { planRoute } from '../../apps/gateway/src/routing/plan-route';
import { estimatePromptTokens } from '../../apps/gateway/src/routing/estimate-tokens';
import { LearnedArms } from './e2e/library-twin';
import { loadRoutingYaml } from './load-routing';
import { pathItems, ROUTE_YAML, VARIATIONS } from './word-path';

const v = VARIATIONS.find((x) => x.name.includes(process.argv[2] ?? 'each score'))!;
const seed = Number(process.argv[3] ?? 1);
const every = Number(process.argv[4] ?? 25);
const config = loadRoutingYaml(ROUTE_YAML);
const route = config.routes.get('auto')!;
const { items, law } = pathItems(v, seed);
const learned = new LearnedArms(route.discount);
const random = seededRandom(seed * 7919 + 11);
const observations = { expectedTtftMs: () => undefined, spentTodayByTier: () => 0, dayElapsedFraction: () => 0, servedCompletionTokens: () => 5 };

const features = (text: string) => hashedPromptFeatures({ model: 'auto', messages: [{ role: 'user', content: text }] }, { bits: WORD_MODEL.bits });
const probe = features(v.text(false, 99_999));
const lawBuckets = new Set<number>();
for (let i = 0; i < 3; i++) for (const k of features(v.text(true, i))) lawBuckets.add(k);
const f = (x: number, d = 2) => x.toFixed(d);
console.log(`${v.name}, seed ${seed}: probe ${v.text(false, 99_999)} (${probe.length} buckets, ${Array.from(probe).filter((k) => k !== 0 && lawBuckets.has(k)).length} shared with law)`);
console.log('req\tgeo->cheap\tlaw->cheap\tbias\tshared\tgeo own\twords p (logit sd)\tcontext p\todds\tdecision p\tP(draw>=floor)');
let geoCheap = 0;
let lawCheap = 0;
for (let i = 0; i < items.length; i++) {
  const request = { ...items[i].request, model: route.name };
  const context = extractPromptContext(request, {});
  const plan = planRoute({
    route,
    models: config.models,
    request,
    promptTokens: estimatePromptTokens(request),
    arms: learned.armsFor(''),
    contextKey: context.contextKey,
    contextArms: learned.armsFor(context.contextKey),
    wordArms: learned.wordArmsFor(route.candidates, route.priorQuality),
    spentTodayUsd: 0,
    random,
    observations,
  });
  const modelId = plan.decision.modelId;
  if (modelId === 'cheap') law[i] ? lawCheap++ : geoCheap++;
  learned.record(context.contextKey, { modelId, reward: items[i].reward[modelId], costUsd: 0, completionTokens: 5 }, {
    features: plan.features!,
    offset: plan.wordOffsetLogits![route.candidates.indexOf(modelId)],
    priorQuality: route.priorQuality?.[modelId],
  });
  if ((i + 1) % every !== 0) continue;
  // The cheap model's belief about the probe, as the next decision would see it.
  const arm = learned.wordArmsFor(route.candidates, route.priorQuality)[0];
  const x = 1 / Math.sqrt(probe.length);
  let bias = 0;
  let shared = 0;
  let own = 0;
  for (const k of probe) {
    const term = arm.weights[2 * k] * x;
    if (k === 0) bias += term;
    else if (lawBuckets.has(k)) shared += term;
    else own += term;
  }
  const words = logisticBelief(arm, probe, WORD_MODEL.varianceScale);
  const probePlan = planRoute({
    route,
    models: config.models,
    request: { model: 'auto', messages: [{ role: 'user', content: v.text(false, 99_999) }] },
    promptTokens: 30,
    arms: learned.armsFor(''),
    contextKey: context.contextKey,
    contextArms: learned.armsFor(context.contextKey),
    wordArms: learned.wordArmsFor(route.candidates, route.priorQuality),
    spentTodayUsd: 0,
    random: seededRandom(1),
    observations,
  });
  const b = probePlan.decision.beliefs.find((x) => x.modelId === 'cheap')!;
  const ctx = probePlan.wordOffsetLogits![0];
  const sig = (z: number) => 1 / (1 + Math.exp(-z));
  // About how often a draw clears the floor: the decision's Beta (its mean and evidence) as a normal.
  const mean = b.meanQuality;
  const sd = Math.sqrt((mean * (1 - mean)) / (b.evidence + 1));
  const over = 1 - normalCdf((0.8 - mean) / Math.max(1e-9, sd));
  console.log(
    [
      i + 1,
      geoCheap,
      lawCheap,
      f(bias),
      f(shared),
      f(own),
      `${f(sig(words.logit))} (${f(Math.sqrt(words.variance))})`,
      `${f(sig(ctx))}`,
      f(arm.wordsLogOdds ?? 0),
      f(mean),
      f(over),
    ].join('\t'),
  );
  geoCheap = 0;
  lawCheap = 0;
}

function normalCdf(z: number): number {
  const t = 1 / (1 + 0.2316419 * Math.abs(z));
  const d = 0.3989423 * Math.exp((-z * z) / 2);
  const p = d * t * (0.3193815 + t * (-0.3565638 + t * (1.781478 + t * (-1.821256 + t * 1.330274))));
  return z > 0 ? 1 - p : p;
}
