/**
 * Bench-only (round 42): two `regime-report.js` runs written with REGIME_REPORT_JSON, compared seed by
 * seed for one router of each file (the rows' router names, given whole): per scenario, each run's mean
 * cost vs clairvoyant and windows below the floor, the paired differences (variant - base, points, mean
 * +- standard error), each task class's cheap model's first service (mean over seeds, each run) with
 * whether the variant's is no later than twice the base's + 200 requests (round 42's bar), and the task
 * classes whose cheap model never served, summed over seeds.
 *
 * Round 44 (the lead's revised bar): the first service also counted from the request at which the run's
 * first score landed (`firstScoreAt`, zoo-sim.ts; a service before it counts 0), with the same 2x + 200.
 *
 *   node dist/bench/routing/regime-pair.js base.json "<base router>" variant.json "<variant router>"
 */
import { readFileSync } from 'node:fs';
import { meanWithError } from './seed-pair';

/** The parts of a ZooRow (zoo-suite.ts) this reads. */
export interface RegimeRow {
  scenario: string;
  router: string;
  costVsClairvoyant: number;
  floorViolationShare: number;
  cheapFirstServed: number[];
  cheapNever: number;
  /** The request at which the run's first score landed (round 44); absent in older files. */
  firstScoreAt?: number;
}

/** One seed's rows as regime-report.ts writes them. */
export interface RegimeSeedRows {
  seed: number;
  rows: RegimeRow[];
}

export interface RegimePair {
  scenario: string;
  seeds: number;
  baseCost: number;
  variantCost: number;
  baseWindows: number;
  variantWindows: number;
  cost: { mean: number; standardError: number };
  windows: { mean: number; standardError: number };
  /** Per task class, the mean over the shared seeds of the first request its cheap model served. */
  baseFirstServed: number[];
  variantFirstServed: number[];
  /** Per task class: variant's mean first service <= 2 x base's + 200 (round 42's bar). */
  firstServedWithinBar: boolean[];
  baseNever: number;
  variantNever: number;
  /** Mean over the shared seeds of the request at which each run's first score landed (NaN if absent). */
  baseFirstScore: number;
  variantFirstScore: number;
  /** Per task class, the mean of servedAfterFirstScore over the shared seeds (round 44). */
  baseFromFirstScore: number[];
  variantFromFirstScore: number[];
  /** Per task class: the variant's mean from its first score <= 2 x the base's + 200 (round 44's bar). */
  fromFirstScoreWithinBar: boolean[];
}

/**
 * Round 44: requests from the run's first score landing to a class's cheap model's first service; 0
 * when it served before any score landed (nothing to wait for had arrived yet).
 */
export function servedAfterFirstScore(firstServed: number, firstScoreAt: number | undefined): number {
  if (firstScoreAt === undefined) return NaN;
  return Math.max(0, firstServed - firstScoreAt);
}

/** Round 42's bar on the cheap model's first service: no later than twice the base's + 200 requests. */
export function firstServedWithinBar(base: number, variant: number): boolean {
  return variant <= 2 * base + 200;
}

/** One comparison per scenario the base's router reads, over the seeds where both routers have that scenario's row. */
export function pairRegimeRows(base: readonly RegimeSeedRows[], baseRouter: string, variant: readonly RegimeSeedRows[], variantRouter: string): RegimePair[] {
  const index = (runs: readonly RegimeSeedRows[], router: string) => {
    const m = new Map<string, RegimeRow>();
    for (const s of runs) for (const r of s.rows) if (r.router === router) m.set(`${r.scenario}\t${s.seed}`, r);
    return m;
  };
  const b = index(base, baseRouter);
  const v = index(variant, variantRouter);
  const scenarios = [...new Set([...b.keys()].map((k) => k.split('\t')[0]))];
  const mean = (xs: number[]) => xs.reduce((s, x) => s + x, 0) / xs.length;
  return scenarios.flatMap((scenario) => {
    const pairs: Array<[RegimeRow, RegimeRow]> = [];
    for (const [k, row] of b) {
      if (k.split('\t')[0] !== scenario) continue;
      const w = v.get(k);
      if (w) pairs.push([row, w]);
    }
    if (pairs.length === 0) return [];
    const classes = pairs[0][0].cheapFirstServed.length;
    const first = (side: 0 | 1) => Array.from({ length: classes }, (_, c) => mean(pairs.map((p) => p[side].cheapFirstServed[c])));
    const baseFirstServed = first(0);
    const variantFirstServed = first(1);
    const fromScore = (side: 0 | 1) => Array.from({ length: classes }, (_, c) => mean(pairs.map((p) => servedAfterFirstScore(p[side].cheapFirstServed[c], p[side].firstScoreAt))));
    const baseFromFirstScore = fromScore(0);
    const variantFromFirstScore = fromScore(1);
    return [
      {
        scenario,
        seeds: pairs.length,
        baseCost: mean(pairs.map(([x]) => x.costVsClairvoyant)),
        variantCost: mean(pairs.map(([, y]) => y.costVsClairvoyant)),
        baseWindows: mean(pairs.map(([x]) => x.floorViolationShare)),
        variantWindows: mean(pairs.map(([, y]) => y.floorViolationShare)),
        cost: meanWithError(pairs.map(([x, y]) => y.costVsClairvoyant - x.costVsClairvoyant)),
        windows: meanWithError(pairs.map(([x, y]) => y.floorViolationShare - x.floorViolationShare)),
        baseFirstServed,
        variantFirstServed,
        firstServedWithinBar: baseFirstServed.map((x, c) => firstServedWithinBar(x, variantFirstServed[c])),
        baseNever: pairs.reduce((s, [x]) => s + x.cheapNever, 0),
        variantNever: pairs.reduce((s, [, y]) => s + y.cheapNever, 0),
        baseFirstScore: mean(pairs.map(([x]) => x.firstScoreAt ?? NaN)),
        variantFirstScore: mean(pairs.map(([, y]) => y.firstScoreAt ?? NaN)),
        baseFromFirstScore,
        variantFromFirstScore,
        fromFirstScoreWithinBar: baseFromFirstScore.map((x, c) => firstServedWithinBar(x, variantFromFirstScore[c])),
      },
    ];
  });
}

function main(): void {
  const [baseFile, baseRouter, variantFile, variantRouter] = process.argv.slice(2);
  if (!baseFile || !baseRouter || !variantFile || !variantRouter) throw new Error('usage: regime-pair.js base.json "<base router>" variant.json "<variant router>"');
  const read = (f: string) => JSON.parse(readFileSync(f, 'utf8')) as RegimeSeedRows[];
  const pct = (x: number) => `${x >= 0 ? '+' : ''}${(x * 100).toFixed(1)}%`;
  const pts = (d: { mean: number; standardError: number }, digits: number) => `${d.mean >= 0 ? '+' : ''}${(d.mean * 100).toFixed(digits)} +- ${(d.standardError * 100).toFixed(digits)}`;
  const n = (xs: number[]) => xs.map((x) => Math.round(x).toLocaleString('en-US')).join(' / ');
  for (const p of pairRegimeRows(read(baseFile), baseRouter, read(variantFile), variantRouter)) {
    console.log(
      `${p.scenario} | ${p.seeds} seeds | base ${pct(p.baseCost)} / ${(p.baseWindows * 100).toFixed(2)}% | variant ${pct(p.variantCost)} / ${(p.variantWindows * 100).toFixed(2)}% | cost ${pts(p.cost, 1)} points, windows ${pts(p.windows, 2)} points | first served ${n(p.baseFirstServed)} -> ${n(p.variantFirstServed)} (within 2x + 200: ${p.firstServedWithinBar.map((x) => (x ? 'yes' : 'NO')).join(' / ')}) | never ${p.baseNever} -> ${p.variantNever} | first score ${n([p.baseFirstScore])} -> ${n([p.variantFirstScore])}, from it ${n(p.baseFromFirstScore)} -> ${n(p.variantFromFirstScore)} (within 2x + 200: ${p.fromFirstScoreWithinBar.map((x) => (x ? 'yes' : 'NO')).join(' / ')})`,
    );
  }
}

if (require.main === module) main();
