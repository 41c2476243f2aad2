/**
 * Bench-only: the zoo suite's rows seed by seed (the suite prints means over seeds). Same environment
 * variables as the suite (ROUTING_ZOO_ONLY picks scenarios and routers); seeds as arguments.
 *
 *   ROUTING_ZOO_ONLY="outage,safe exploration + drift" nice -n 19 node dist/bench/routing/zoo-per-seed.js 1 2 3 4
 */
import { resolve } from 'node:path';
import { runZooSuite } from './zoo-suite';

const DATASETS = process.env.ROUTING_DATASETS ?? resolve(__dirname, '../../../../shared/datasets');
const seeds = process.argv.slice(2).map(Number);
const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
for (const seed of seeds) {
  for (const r of runZooSuite(`${DATASETS}/zoo.json`, [seed])) {
    const adapt = r.adaptation === undefined ? '' : ` ${r.adaptation} / ${r.adaptationVsBefore} / ${r.adaptationVsTwin ?? '-'}`;
    console.log(`seed ${seed}\t${r.scenario}\t${r.router}\t${pct(r.costVsClairvoyant)} / ${pct(r.floorViolationShare)}${adapt}`);
  }
}
