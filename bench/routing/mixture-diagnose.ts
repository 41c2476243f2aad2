/**
 * Bench-only diagnosis of the contexts learner in the zoo (not part of the suites; round 10c): runs one
 * scenario and seed with a HierarchicalRouter and prints, per block of requests, the cost relative to the
 * clairvoyant policy, each task class's true served quality and the models' shares of traffic; then the
 * cost and the windows below the floor as the zoo suite measures them (which windows); with
 * DIAG_CONTEXTS=1 also each context's model shares per 5,000 requests.
 *
 *   nice -n 19 node dist/bench/routing/mixture-diagnose.js [scenario] [seed] [mixtureConfidence|-] [floorConfidence|-]
 *
 * DIAG_POLICY='{"mixtureExploreShare":0}' adds RoutePolicy fields; DIAG_BLOCK sets the block (2,500).
 */
import { readFileSync } from 'node:fs';
import { seededRandom } from '../../libs/core/src';
import type { RoutePolicy } from '../../libs/router/src';
import { HierarchicalRouter, type RouteRequest } from './routers';
import { buildScenario, classWindowQualities, SIM, simulate, type ScenarioName, type Zoo } from './zoo-sim';
import { contextualPolicy, priorFromPrice, ZOO_TUNING, zooUntried } from './zoo-suite';

const scenario = (process.argv[2] ?? 'noisy_feedback_hard') as ScenarioName;
const seed = Number(process.argv[3] ?? 1);
const mixture = process.argv[4] ?? String(ZOO_TUNING.mixture.mixtureConfidence);
const safe = process.argv[5] ?? String(ZOO_TUNING.safe.floorConfidence);
const block = Number(process.env.DIAG_BLOCK ?? 2500);
const datasets = process.env.ROUTING_DATASETS ?? '/work/shared/datasets';

const zoo = JSON.parse(readFileSync(`${datasets}/zoo.json`, 'utf8')) as Zoo;
const setup = buildScenario(zoo, scenario);
const policy: RoutePolicy = {
  ...contextualPolicy(setup, false),
  ...(safe !== '-' ? { floorConfidence: Number(safe) } : {}),
  ...(mixture !== '-' ? { mixtureConfidence: Number(mixture), mixtureExploreShare: ZOO_TUNING.mixture.mixtureExploreShare } : {}),
  ...(JSON.parse(process.env.DIAG_POLICY ?? '{}') as Partial<RoutePolicy>),
};
const SHORT: Record<string, string> = {
  'mistral-7b': 'mis',
  'mixtral-8x7b': 'mix',
  'yi-34b': 'yi',
  'claude-instant-v1': 'ci',
  'gpt-3.5-turbo': 'g35',
  'claude-v2': 'cv2',
  'gpt-4-1106': 'g4',
};
const short = (m: string) => SHORT[m] ?? m;
const prior = { priorQuality: (a: { price: (i: number) => number }) => priorFromPrice(a.price(0)) };

const byContext = new Map<string, Record<string, number>>();
const router = zooUntried(new HierarchicalRouter('diagnose', policy, ZOO_TUNING.discount, seededRandom(seed * 7919 + 17), ZOO_TUNING.contextDiscount));
const choose = router.choose.bind(router);
let request = 0;
router.choose = (r: RouteRequest) => {
  const out = choose(r);
  const key = `${String(Math.floor(request++ / 5000) * 5).padStart(2)}k ${r.contextKey.padEnd(20)}`;
  const counts = byContext.get(key) ?? {};
  counts[short(out.ranked[0])] = (counts[short(out.ranked[0])] ?? 0) + 1;
  byContext.set(key, counts);
  return out;
};
const clair = simulate(setup, 'clairvoyant', seed);
const run = simulate(buildScenario(zoo, scenario), router, seed, prior);

// Served model from the cost paid (the zoo's prices differ; price_change's changed prices read as "?").
const byPrice = new Map(setup.arms.map((a) => [a.price(0), short(a.model)]));
const pct = (x: number) => `${x >= 0 ? '+' : ''}${(x * 100).toFixed(0)}%`;
const shares = (counts: Record<string, number>, total: number) =>
  Object.entries(counts)
    .sort((a, b) => b[1] - a[1])
    .map(([m, k]) => `${m}:${((k / total) * 100).toFixed(0)}`)
    .join(' ');
for (let b = 0; b < SIM.requests; b += block) {
  let cost = 0;
  let clairCost = 0;
  const counts: Record<string, number> = {};
  const quality: Record<string, [number, number]> = {};
  for (let i = b; i < b + block; i++) {
    cost += run.cost[i];
    clairCost += clair.cost[i];
    const m = run.cost[i] === 0 ? 'failed' : (byPrice.get(run.cost[i]) ?? '?');
    counts[m] = (counts[m] ?? 0) + 1;
    const q = quality[run.taskClass[i]] ?? [0, 0];
    q[0] += run.trueQuality[i];
    q[1]++;
    quality[run.taskClass[i]] = q;
  }
  const classes = Object.entries(quality)
    .map(([c, [q, k]]) => `${c[0]}${(q / k).toFixed(3)}`)
    .join(' ');
  console.log(`${String(b).padStart(5)} cost ${pct(cost / clairCost - 1).padStart(5)}  ${classes}  ${shares(counts, block)}`);
}
const windowQualities = classWindowQualities(run);
const windows = windowQualities.length;
const bad = windowQualities.filter((x) => x.quality !== undefined && x.quality < SIM.qualityFloor).map((x) => `${x.window}${x.taskClass[0]}:${x.quality!.toFixed(3)}`);
const violations = bad.length;
let cost = 0;
let clairCost = 0;
for (let i = 5_000; i < SIM.requests; i++) {
  cost += run.cost[i];
  clairCost += clair.cost[i];
}
console.log(`total: cost ${((cost / clairCost - 1) * 100).toFixed(1)}% vs clairvoyant (from 5,000), windows below floor ${((violations / windows) * 100).toFixed(1)}%  ${bad.join(' ')}`);
if (process.env.DIAG_CONTEXTS === '1') {
  for (const [key, counts] of [...byContext.entries()].sort()) {
    const total = Object.values(counts).reduce((a, b) => a + b, 0);
    console.log(key, String(total).padStart(5), shares(counts, total));
  }
}
