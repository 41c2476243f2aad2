/**
 * Bench-only diagnosis (routing round 21): the scores the router learns from, against what they should
 * read. Runs `contextual thompson + safe exploration + drift detector` (the suite's env knobs apply) on
 * a scenario for each seed given and, per prompt context and model, compares the mean of the scores
 * that arrived with the mean expected score of the requests the model served there (true quality of
 * each request's class, flipped with the validator noise). Each score is unbiased on its own; the mean
 * of an adaptively sampled model's scores need not be (a model that started badly is served less, so
 * its bad start weighs more; one that started well is served more until its mean comes down).
 * Prints, per context and model with at least 50 scores in a seed, the mean gap over the seeds in
 * standard errors of a mean of that many scores, and how many seeds read it below / above by 2.
 *
 *   nice -n 19 node dist/bench/routing/score-bias-diagnose.js noisy_feedback $(seq 1 24)
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { seededRandom } from '../../libs/core/src';
import type { Observation } from '../../libs/router/src';
import { HierarchicalRouter, type RouteRequest } from './routers';
import { buildScenario, simulate, type ScenarioName, type Zoo } from './zoo-sim';
import { contextualPolicy, priorFromPrice, ZOO_TUNING, zooUntried } from './zoo-suite';

const datasets = process.env.ROUTING_DATASETS ?? resolve(__dirname, '../../../../shared/datasets');
const scenario = (process.argv[2] ?? 'noisy_feedback') as ScenarioName;
const seeds = process.argv.length > 3 ? process.argv.slice(3).map(Number) : [1];
const zoo = JSON.parse(readFileSync(`${datasets}/zoo.json`, 'utf8')) as Zoo;
/** Per "context model": each seed's gap in standard errors. */
const gaps = new Map<string, number[]>();
for (const seed of seeds) {
  const setup = buildScenario(zoo, scenario);
  const router = zooUntried(new HierarchicalRouter('bias', contextualPolicy(setup, false, true), ZOO_TUNING.discount, seededRandom(seed * 7919 + 17), ZOO_TUNING.contextDiscount, ZOO_TUNING.drift, ZOO_TUNING.refutedFor));
  const contexts: string[] = [];
  router.onDecision = (request: RouteRequest) => void contexts.push(request.contextKey);
  const scores = new Map<string, { sum: number; n: number }>();
  const observe = router.observe.bind(router);
  router.observe = (contextKey: string, vector: Float64Array, obs: Observation) => {
    const key = `${contextKey} ${obs.modelId}`;
    const s = scores.get(key) ?? { sum: 0, n: 0 };
    s.sum += obs.reward;
    s.n += 1;
    scores.set(key, s);
    observe(contextKey, vector, obs);
  };
  const run = simulate(setup, router, seed, { priorQuality: (a) => priorFromPrice(a.price(0)) });
  const expected = new Map<string, { sum: number; n: number }>();
  for (let i = 0; i < run.cost.length; i++) {
    const arm = setup.arms.find((a) => a.price(i) === run.cost[i]);
    if (!arm || run.cost[i] === 0) continue;
    const key = `${contexts[i]} ${arm.model}`;
    const e = expected.get(key) ?? { sum: 0, n: 0 };
    e.sum += run.trueQuality[i] * (1 - 2 * setup.noise) + setup.noise;
    e.n += 1;
    expected.set(key, e);
  }
  for (const [key, s] of scores) {
    const e = expected.get(key);
    if (!e || s.n < 50) continue;
    const p = e.sum / e.n;
    const gap = (s.sum / s.n - p) / Math.sqrt((p * (1 - p)) / s.n);
    const list = gaps.get(key) ?? [];
    list.push(gap);
    gaps.set(key, list);
  }
}
for (const [key, list] of [...gaps.entries()].sort()) {
  const mean = list.reduce((a, b) => a + b, 0) / list.length;
  console.log(`${key.padEnd(42)} seeds ${String(list.length).padStart(3)} | mean gap ${mean >= 0 ? '+' : ''}${mean.toFixed(2)} se | below -2: ${list.filter((g) => g < -2).length}, above +2: ${list.filter((g) => g > 2).length}`);
}
