/**
 * Bench-only (round 34): the zoo suite's rows with how soon each task class's cheap model (the cheapest
 * that truly clears the floor there, the clairvoyant's choice) first served, and its share of the
 * class's requests from 5,000 on. Meant for ZOO_REGIME=gateway (zoo-sim.ts), where safe exploration may
 * starve the cheap models; the same environment as the suite (ROUTING_ZOO_ONLY picks scenarios and
 * routers). Seeds as arguments; ROUTING_ZOO_PER_SEED=1 prints each seed's row before the means. Round 36
 * added the adaptation vs the no-change twin (a column) and REGIME_REPORT_JSON=path (each seed's rows to a file).
 *
 *   ZOO_REGIME=gateway ROUTING_ZOO_ONLY="stationary,drift detector" nice -n 19 node dist/bench/routing/regime-report.js 1 2 3 4
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { pricePriors } from '../../libs/config/src/price-prior';
import { formatTable } from './table';
import { average, runZooSuite, type ZooRow } from './zoo-suite';
import { buildScenario, GATEWAY_REGIME, SIM, type Zoo } from './zoo-sim';

const DATASETS = process.env.ROUTING_DATASETS ?? resolve(__dirname, '../../../../shared/datasets');
const zooPath = `${DATASETS}/zoo.json`;
const seeds = process.argv.slice(2).map(Number);
const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
const classes = Object.keys(SIM.taskMix);

if (GATEWAY_REGIME) {
  const zoo = JSON.parse(readFileSync(zooPath, 'utf8')) as Zoo;
  const setup = buildScenario(zoo, 'stationary');
  const priors = pricePriors(setup.arms.map((a) => ({ id: a.model, inputPer1M: a.price(0) * 1e6, outputPer1M: a.price(0) * 1e6 })));
  console.log(`gateway regime, floor ${SIM.qualityFloor}: true quality (${classes.join(' / ')}), price prior`);
  for (const a of setup.arms) console.log(`  ${a.model.padEnd(18)} ${classes.map((c) => a.quality(c, 0).toFixed(3)).join(' / ')}  ${priors?.[a.model]?.toFixed(3)}`);
}

const row = (r: ZooRow, label = '') => [
  ...(label ? [label] : []),
  r.scenario,
  r.router,
  pct(r.costVsClairvoyant),
  pct(r.floorViolationShare),
  r.cheapFirstServed.map((x) => x.toFixed(0)).join(' / '),
  String(r.cheapNever),
  r.cheapShare.map(pct).join(' / '),
  r.adaptationVsTwin === undefined ? '-' : r.adaptationVsTwin.toFixed(0),
];
const head = ['scenario', 'router', 'cost vs clairvoyant (after 5k)', 'windows below floor', `cheap model first served (${classes.join(' / ')})`, 'never', 'cheap share after 5k', 'adaptation vs twin'];
// Seed by seed, then the mean of each (scenario, router) over the seeds.
const bySeed = seeds.map((seed) => runZooSuite(zooPath, [seed]));
// REGIME_REPORT_JSON=path (round 36): also write each seed's rows there, for paired differences between runs.
if (process.env.REGIME_REPORT_JSON) writeFileSync(process.env.REGIME_REPORT_JSON, JSON.stringify(seeds.map((seed, k) => ({ seed, rows: bySeed[k] }))));
if (process.env.ROUTING_ZOO_PER_SEED === '1') console.log(formatTable(['seed', ...head], bySeed.flatMap((rows, k) => rows.map((r) => row(r, String(seeds[k]))))));
console.log(`\nmean of seeds ${seeds.join(', ')}`);
console.log(formatTable(head, bySeed[0].map((_, j) => row(average(bySeed.map((rows) => rows[j]))))));
