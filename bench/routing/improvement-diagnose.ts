/**
 * Bench-only (round 35): in the zoo's `silent_improvement` scenario (zoo-sim.ts: mixtral-8x7b's general
 * quality rises from 0.55 to 0.70 at SIM.changeAt, which makes it the clairvoyant's choice for general;
 * ZOO_IMPROVEMENT picks another model and class), when each router finds the improved model: per seed
 * and router, the model's share of the class's requests in each 2,000-request bin from 2,000 before the
 * change on, and the first request from the change at which its share of the class over the next 1,000
 * requests reaches one half ("never" when it does not within the run). Same environment variables as the suite (ROUTING_ZOO_ONLY picks the routers, by part
 * of their names; ZOO_DISCOUNT etc.); seeds as arguments.
 *
 *   ROUTING_ZOO_ONLY="thompson + drift,safe exploration + drift" nice -n 19 node dist/bench/routing/improvement-diagnose.js 981 982
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { buildScenario, improvementTarget, SIM, simulate, type SimRun, type Zoo } from './zoo-sim';
import { zooRouters } from './zoo-suite';

const BIN = 2_000;
const FOUND_WINDOW = 1_000;

/** The model's share of the class's requests in [from, to) (NaN without a request of the class). */
export function classShare(run: Pick<SimRun, 'taskClass' | 'served'>, arm: number, taskClass: string, from: number, to: number): number {
  let mine = 0;
  let all = 0;
  for (let i = from; i < to; i++) {
    if (run.taskClass[i] !== taskClass) continue;
    all++;
    if (run.served[i] === arm) mine++;
  }
  return all > 0 ? mine / all : NaN;
}

/** The first request t >= from (in steps of `step`) whose next `window` requests give the arm at least half the class; undefined when none does. */
export function firstHalfShare(run: Pick<SimRun, 'taskClass' | 'served'>, arm: number, taskClass: string, from: number, window: number, step = 100): number | undefined {
  for (let t = from; t + window <= run.taskClass.length; t += step) if (classShare(run, arm, taskClass, t, t + window) >= 0.5) return t;
  return undefined;
}

function main(): void {
  const datasets = process.env.ROUTING_DATASETS ?? resolve(__dirname, '../../../../shared/datasets');
  const zoo = JSON.parse(readFileSync(`${datasets}/zoo.json`, 'utf8')) as Zoo;
  const only = (process.env.ROUTING_ZOO_ONLY ?? '').split(',').filter((x) => x.length > 0);
  const routers = zooRouters().filter((r) => r.learning && (only.length === 0 || only.some((o) => r.name.includes(o))));
  const t0 = SIM.changeAt;
  const { model, taskClass } = improvementTarget();
  for (const seed of process.argv.slice(2).map(Number)) {
    for (const spec of routers) {
      const setup = buildScenario(zoo, 'silent_improvement');
      const router = spec.make(setup, seed);
      const run = simulate(setup, router, seed, spec.options?.(setup) ?? {});
      const arm = setup.arms.findIndex((a) => a.model === model);
      const bins: string[] = [];
      for (let b = t0 - BIN; b + BIN <= SIM.requests; b += BIN) bins.push(`${(classShare(run, arm, taskClass, b, b + BIN) * 100).toFixed(0)}%`);
      const found = firstHalfShare(run, arm, taskClass, t0, FOUND_WINDOW);
      console.log(`seed ${seed}\t${spec.name}\tfound ${found === undefined ? 'never' : found - t0}\tshare of ${taskClass} per ${BIN} from ${t0 - BIN}: ${bins.join(' ')}`);
    }
  }
}

if (require.main === module) main();
