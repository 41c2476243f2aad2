/**
 * Bench-only check for selection in one model's context scores (routing round 17): runs the contexts
 * learner (safe exploration + drift detector, as adapt-diagnose.ts) on seeds 1..n and pools the model's
 * rewards in the context by the decision that served it (its reason, and whether the model's context
 * mean was over the threshold then), and its first 40 rewards after each of its drift alarms there. The
 * zoo scores a served model right when the request's u0 < its quality, and u0 is drawn before the
 * decision, so without selection every group reads the model's true quality within its standard error.
 *
 *   nice -n 19 node dist/bench/routing/stuck-diagnose.js [scenario] [seeds] [context] [model]
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { seededRandom } from '../../libs/core/src';
import type { Observation } from '../../libs/router/src';
import { HierarchicalRouter } from './routers';
import { buildScenario, simulate, type ScenarioName, type Zoo } from './zoo-sim';
import { contextualPolicy, priorFromPrice, ZOO_TUNING, zooUntried } from './zoo-suite';

const scenario = (process.argv[2] ?? 'silent_regression') as ScenarioName;
const seeds = Number(process.argv[3] ?? 72);
const context = process.argv[4] ?? 'code|short';
const model = process.argv[5] ?? 'claude-instant-v1';
const datasets = process.env.ROUTING_DATASETS ?? resolve(__dirname, '../../../../shared/datasets');

const zoo = JSON.parse(readFileSync(`${datasets}/zoo.json`, 'utf8')) as Zoo;
const setup = buildScenario(zoo, scenario);
const policy = contextualPolicy(setup, false, true);
const threshold = policy.qualityFloor;
const arm = setup.arms.find((a) => a.model === model);
if (!arm) throw new Error(`no ${model} in ${scenario}`);
const groups = new Map<string, { n: number; right: number }>();
const add = (key: string, reward: number) => {
  const g = groups.get(key) ?? { n: 0, right: 0 };
  g.n++;
  g.right += reward;
  groups.set(key, g);
};
let alarms = 0;
for (let seed = 1; seed <= seeds; seed++) {
  const router = zooUntried(new HierarchicalRouter('stuck', policy, ZOO_TUNING.discount, seededRandom(seed * 7919 + 17), ZOO_TUNING.contextDiscount, ZOO_TUNING.drift, ZOO_TUNING.refutedFor));
  /** The last decision in the context (the zoo's feedback has no delay here: it arrives before the next decision). */
  let last: { reason: string; chosen: string; mean: number } | undefined;
  let sinceAlarm = -1;
  router.onDecision = (r, d) => {
    last = r.contextKey === context ? { reason: d.reason, chosen: d.modelId, mean: d.beliefs.find((b) => b.modelId === model)?.meanQuality ?? NaN } : undefined;
  };
  router.onAlarm = (contextKey, modelId) => {
    if (contextKey === context && modelId === model) (alarms++, (sinceAlarm = 0));
  };
  const observe = router.observe.bind(router);
  router.observe = (contextKey: string, vector: Float64Array, obs: Observation) => {
    if (contextKey === context && obs.modelId === model && last?.chosen === model) {
      add('all', obs.reward);
      add(`${last.reason}, mean ${last.mean >= threshold ? 'over' : 'under'} the threshold`, obs.reward);
      if (sinceAlarm >= 0 && sinceAlarm < 40) add(sinceAlarm++ < 20 ? 'scores 1-20 after an alarm' : 'scores 21-40 after an alarm', obs.reward);
    }
    observe(contextKey, vector, obs);
  };
  simulate(setup, router, seed, { priorQuality: (a) => priorFromPrice(a.price(0)) });
}
const q = arm.quality(context.split('|')[0], 0);
console.log(`${scenario}, seeds 1-${seeds}, ${model} in ${context}: true quality ${q} at request 0; ${alarms} drift alarms on it there`);
for (const [key, g] of [...groups].sort()) {
  const rate = g.right / g.n;
  const se = Math.sqrt((q * (1 - q)) / g.n);
  console.log(`${key.padEnd(44)} n=${String(g.n).padStart(7)}  rate ${rate.toFixed(3)}  (se ${se.toFixed(3)}, z ${((rate - q) / se).toFixed(1)})`);
}
