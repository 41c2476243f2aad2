/**
 * Bench-only (round 39): when the default zoo row's class windows below the floor fall. Per 1,000-request
 * window index, how many (seed, class) windows are below the floor, and per class the model under the
 * floor that served most of each such window. Same environment variables as the suite (ZOO_PENDING_IMPUTE,
 * ZOO_NOISY_*, ZOO_HARD_*, ...).
 *
 *   nice -n 19 node dist/bench/routing/floor-timeline.js noisy_feedback 1053 1076
 *   FLOOR_TIMELINE_ROW="word learner (learner: hashed_words)" nice -n 19 node dist/bench/routing/floor-timeline.js stationary 1089 1112
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { buildScenario, classWindowQualities, SIM, simulate, type ScenarioName, type Zoo } from './zoo-sim';
import { zooRouters } from './zoo-suite';

const DATASETS = process.env.ROUTING_DATASETS ?? resolve(__dirname, '../../../../shared/datasets');
const zoo = JSON.parse(readFileSync(`${DATASETS}/zoo.json`, 'utf8')) as Zoo;
const [scenario, from, to] = [process.argv[2] as ScenarioName, Number(process.argv[3]), Number(process.argv[4])];
// FLOOR_TIMELINE_ROW (round 41): another zoo row by its exact name; unset, the default row as before.
const rowName = process.env.FLOOR_TIMELINE_ROW ?? 'contextual thompson + drift detector';
const spec = zooRouters().find((r) => r.name === rowName);
if (!spec) throw new Error(`no row named ${rowName}`);
const perWindow = new Array<number>(SIM.requests / SIM.window).fill(0);
const byModel = new Map<string, number>();
let total = 0;
for (let seed = from; seed <= to; seed++) {
  const setup = buildScenario(zoo, scenario);
  const router = spec.make(setup, seed);
  const run = simulate(setup, router, seed, spec.options?.(setup) ?? {});
  for (const w of classWindowQualities(run)) {
    if (w.quality === undefined || w.quality >= SIM.qualityFloor) continue;
    perWindow[w.window]++;
    total++;
    const served = new Map<string, number>();
    for (let i = w.window * SIM.window; i < (w.window + 1) * SIM.window; i++) {
      if (run.taskClass[i] !== w.taskClass || run.served[i] < 0) continue;
      const arm = setup.arms[run.served[i]];
      if (arm.quality(w.taskClass, i) < SIM.qualityFloor) served.set(arm.model, (served.get(arm.model) ?? 0) + 1);
    }
    const top = [...served.entries()].sort((x, y) => y[1] - x[1])[0];
    const key = `${w.taskClass}:${top ? top[0] : '-'}`;
    byModel.set(key, (byModel.get(key) ?? 0) + 1);
  }
}
console.log(`${scenario}: ${total} of ${(to - from + 1) * perWindow.length * Object.keys(SIM.taskMix).length} class windows below the floor`);
console.log(`per window index: ${perWindow.join(' ')}`);
console.log(`class: model under the floor serving most of the window: ${[...byModel.entries()].map(([k, v]) => `${k} ${v}`).join(', ')}`);
