/**
 * Bench-only: two `zoo-per-seed.js` runs compared seed by seed (docs/benchmarks.md, rounds 20d and 21):
 * per scenario and router, the mean of each run and the mean difference (variant - base) of the cost
 * and of the windows below the floor with its standard error, over the seeds both runs hold. The zoo's
 * per-seed costs spread over -5% to +200%, so two means over 72 seeds differ by several points by chance
 * alone; the paired difference of the same seeds is the sharper reading. Where both runs read adaptation
 * vs the twin, its paired difference too (round 26), and per router pooled over every scenario that reads
 * it (round 27b: the two silent regressions in one file, one bar over both).
 *
 *   node dist/bench/routing/seed-pair.js base.txt variant.txt
 */
import { readFileSync } from 'node:fs';
import { parseSeedLine, type SeedLine } from './seed-summary';

export interface PairedDifference {
  scenario: string;
  router: string;
  seeds: number;
  baseCost: number;
  variantCost: number;
  baseWindows: number;
  variantWindows: number;
  /** Mean over the shared seeds of variant - base, with its standard error. */
  costDifference: { mean: number; standardError: number };
  windowsDifference: { mean: number; standardError: number };
  /**
   * Adaptation vs the no-change twin (requests), over the shared seeds where both runs read it (round
   * 26): the two means and the paired difference (variant - base) with its standard error.
   */
  adaptation?: { seeds: number; base: number; variant: number; difference: { mean: number; standardError: number } };
}

/** Mean and standard error of the mean (sample standard deviation / sqrt(n); 0 for one value). */
export function meanWithError(values: readonly number[]): { mean: number; standardError: number } {
  const n = values.length;
  const mean = values.reduce((s, x) => s + x, 0) / n;
  if (n < 2) return { mean, standardError: 0 };
  const variance = values.reduce((s, x) => s + (x - mean) ** 2, 0) / (n - 1);
  return { mean, standardError: Math.sqrt(variance / n) };
}

/** One comparison per scenario and router present in both runs, over the seeds both hold, in the base's order. */
export function pairSeeds(base: readonly SeedLine[], variant: readonly SeedLine[]): PairedDifference[] {
  const key = (l: SeedLine) => `${l.scenario}\t${l.router}`;
  const variantBySeed = new Map<string, SeedLine>();
  for (const l of variant) variantBySeed.set(`${key(l)}\t${l.seed}`, l);
  const groups = new Map<string, Array<[SeedLine, SeedLine]>>();
  for (const b of base) {
    const v = variantBySeed.get(`${key(b)}\t${b.seed}`);
    if (!v) continue;
    const group = groups.get(key(b));
    if (group) group.push([b, v]);
    else groups.set(key(b), [[b, v]]);
  }
  const mean = (xs: number[]) => xs.reduce((s, x) => s + x, 0) / xs.length;
  return [...groups.values()].map((pairs) => {
    const adapted = pairs.filter(([b, v]) => b.adaptationVsTwin !== undefined && v.adaptationVsTwin !== undefined);
    const adaptation =
      adapted.length === 0
        ? undefined
        : {
            seeds: adapted.length,
            base: mean(adapted.map(([b]) => b.adaptationVsTwin!)),
            variant: mean(adapted.map(([, v]) => v.adaptationVsTwin!)),
            difference: meanWithError(adapted.map(([b, v]) => v.adaptationVsTwin! - b.adaptationVsTwin!)),
          };
    return {
      scenario: pairs[0][0].scenario,
      router: pairs[0][0].router,
      seeds: pairs.length,
      baseCost: mean(pairs.map(([b]) => b.costVsClairvoyant)),
      variantCost: mean(pairs.map(([, v]) => v.costVsClairvoyant)),
      baseWindows: mean(pairs.map(([b]) => b.windowsBelowFloor)),
      variantWindows: mean(pairs.map(([, v]) => v.windowsBelowFloor)),
      costDifference: meanWithError(pairs.map(([b, v]) => v.costVsClairvoyant - b.costVsClairvoyant)),
      windowsDifference: meanWithError(pairs.map(([b, v]) => v.windowsBelowFloor - b.windowsBelowFloor)),
      ...(adaptation === undefined ? {} : { adaptation }),
    };
  });
}

/**
 * Per router, the paired adaptation-vs-twin difference (variant - base) pooled over every scenario and seed
 * both runs read it for: the mean of all the per-seed differences and its standard error. Routers in the
 * base's order; a router with no such pair is left out.
 */
export function pooledAdaptation(base: readonly SeedLine[], variant: readonly SeedLine[]): Array<{ router: string; scenarios: string[]; pairs: number; difference: { mean: number; standardError: number } }> {
  const variantTwin = new Map<string, number>();
  for (const v of variant) if (v.adaptationVsTwin !== undefined) variantTwin.set(`${v.scenario}\t${v.router}\t${v.seed}`, v.adaptationVsTwin);
  const byRouter = new Map<string, { scenarios: Set<string>; differences: number[] }>();
  for (const b of base) {
    const v = b.adaptationVsTwin === undefined ? undefined : variantTwin.get(`${b.scenario}\t${b.router}\t${b.seed}`);
    if (v === undefined) continue;
    const group = byRouter.get(b.router) ?? { scenarios: new Set<string>(), differences: [] };
    group.scenarios.add(b.scenario);
    group.differences.push(v - b.adaptationVsTwin!);
    byRouter.set(b.router, group);
  }
  return [...byRouter].map(([router, g]) => ({ router, scenarios: [...g.scenarios], pairs: g.differences.length, difference: meanWithError(g.differences) }));
}

function main(): void {
  const [baseFile, variantFile] = process.argv.slice(2);
  if (!baseFile || !variantFile) throw new Error('usage: seed-pair.js base.txt variant.txt');
  const read = (file: string) => readFileSync(file, 'utf8').split('\n').flatMap((l) => parseSeedLine(l) ?? []);
  const pct = (x: number) => `${x >= 0 ? '+' : ''}${(x * 100).toFixed(1)}%`;
  const points = (d: { mean: number; standardError: number }, digits: number) => `${d.mean >= 0 ? '+' : ''}${(d.mean * 100).toFixed(digits)} +- ${(d.standardError * 100).toFixed(digits)}`;
  const n = (x: number) => Math.round(x).toLocaleString('en-US');
  const [base, variant] = [read(baseFile), read(variantFile)];
  for (const p of pairSeeds(base, variant)) {
    const a = p.adaptation;
    const adapt = a ? ` | adaptation vs twin ${n(a.base)} -> ${n(a.variant)}, paired ${a.difference.mean >= 0 ? '+' : ''}${n(a.difference.mean)} +- ${n(a.difference.standardError)}` : '';
    console.log(
      `${p.scenario} | ${p.router} | ${p.seeds} seeds | base ${pct(p.baseCost)} / ${(p.baseWindows * 100).toFixed(2)}% | variant ${pct(p.variantCost)} / ${(p.variantWindows * 100).toFixed(2)}% | cost ${points(p.costDifference, 1)} points, windows ${points(p.windowsDifference, 2)} points${adapt}`,
    );
  }
  for (const p of pooledAdaptation(base, variant)) {
    if (p.scenarios.length < 2) continue;
    const d = p.difference;
    console.log(`pooled (${p.scenarios.join(', ')}) | ${p.router} | ${p.pairs} pairs | adaptation vs twin paired ${d.mean >= 0 ? '+' : ''}${n(d.mean)} +- ${n(d.standardError)}${d.standardError > 0 ? ` (${(d.mean / d.standardError).toFixed(2)} standard errors)` : ''}`);
  }
}

if (require.main === module) main();
