/**
 * Bench-only: the means of `zoo-per-seed.js` lines, per scenario and router, with what a mean over
 * seeds hides: the median, the 90th percentile, the share of seeds within the target, and a bootstrap
 * 95% interval of the mean (docs/benchmarks.md, round 19: the adaptation means are a few seeds' late
 * windows, and 24 seeds moved them by hundreds).
 *
 *   ROUTING_ZOO_ONLY="outage,safe exploration + drift" node dist/bench/routing/zoo-per-seed.js $(seq 1 72) > outage.txt
 *   node dist/bench/routing/seed-summary.js outage.txt [more files...]
 */
import { readFileSync } from 'node:fs';
import { seededRandom, type Random } from '../../libs/core/src';
import { quantile } from './metrics';

/** One `zoo-per-seed.js` line: seed, scenario, router, then cost / windows [strict / vs before / vs twin]. */
export interface SeedLine {
  seed: number;
  scenario: string;
  router: string;
  costVsClairvoyant: number;
  windowsBelowFloor: number;
  adaptationVsTwin?: number;
}

/** Undefined for a line that is not a per-seed line (progress output, blank lines). */
export function parseSeedLine(line: string): SeedLine | undefined {
  const [seedField, scenario, router, figures] = line.split('\t');
  const seed = /^seed (\d+)$/.exec(seedField ?? '');
  if (!seed || !scenario || !router || !figures) return undefined;
  // "-3.2% / 0.8% 6700 / 0 / 6700" or "+1.0% / 0.0%" (a scenario without a change)
  const m = /^(-?[\d.]+)% \/ ([\d.]+)%(?: (\d+) \/ (\d+) \/ (\d+|-))?$/.exec(figures.trim());
  if (!m) return undefined;
  const twin = m[5] === undefined || m[5] === '-' ? undefined : Number(m[5]);
  return { seed: Number(seed[1]), scenario, router, costVsClairvoyant: Number(m[1]) / 100, windowsBelowFloor: Number(m[2]) / 100, ...(twin === undefined ? {} : { adaptationVsTwin: twin }) };
}

export interface SeedSummary {
  scenario: string;
  router: string;
  seeds: number;
  meanCost: number;
  meanWindows: number;
  /** Adaptation vs the no-change twin, over the seeds that have one. */
  adaptation?: { mean: number; low95: number; high95: number; median: number; p90: number; withinTarget: number };
}

/** Percentile bootstrap of the mean: `resamples` resamples of the values with replacement. */
export function bootstrapMeanInterval(values: readonly number[], random: Random, resamples = 5_000): { low95: number; high95: number } {
  const means = new Float64Array(resamples);
  for (let r = 0; r < resamples; r++) {
    let sum = 0;
    for (let k = 0; k < values.length; k++) sum += values[Math.floor(random() * values.length)];
    means[r] = sum / values.length;
  }
  means.sort();
  return { low95: quantile(means, 0.025), high95: quantile(means, 0.975) };
}

/** One summary per scenario and router, in the order they first appear; `target` is the adaptation target (requests). */
export function summarizeSeeds(lines: readonly SeedLine[], random: Random, target = 1_000): SeedSummary[] {
  const groups = new Map<string, SeedLine[]>();
  for (const l of lines) {
    const key = `${l.scenario}\t${l.router}`;
    const group = groups.get(key);
    if (group) group.push(l);
    else groups.set(key, [l]);
  }
  return [...groups.values()].map((g) => {
    const mean = (xs: number[]) => xs.reduce((s, x) => s + x, 0) / xs.length;
    const adapt = g.flatMap((l) => (l.adaptationVsTwin === undefined ? [] : [l.adaptationVsTwin]));
    const sorted = Float64Array.from(adapt).sort();
    return {
      scenario: g[0].scenario,
      router: g[0].router,
      seeds: g.length,
      meanCost: mean(g.map((l) => l.costVsClairvoyant)),
      meanWindows: mean(g.map((l) => l.windowsBelowFloor)),
      ...(adapt.length === 0
        ? {}
        : {
            adaptation: {
              mean: mean(adapt),
              ...bootstrapMeanInterval(adapt, random),
              median: quantile(sorted, 0.5),
              p90: quantile(sorted, 0.9),
              withinTarget: adapt.filter((x) => x <= target).length,
            },
          }),
    };
  });
}

function main(): void {
  const lines = process.argv.slice(2).flatMap((file) => readFileSync(file, 'utf8').split('\n').flatMap((l) => parseSeedLine(l) ?? []));
  const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
  const n = (x: number) => Math.round(x).toLocaleString('en-US');
  for (const s of summarizeSeeds(lines, seededRandom(1))) {
    const a = s.adaptation;
    const adapt = a ? ` | adaptation vs twin mean ${n(a.mean)} [95% ${n(a.low95)}-${n(a.high95)}], median ${n(a.median)}, p90 ${n(a.p90)}, within 1,000 ${a.withinTarget} of ${s.seeds}` : '';
    console.log(`${s.scenario} | ${s.router} | ${s.seeds} seeds | cost ${pct(s.meanCost)} | windows ${pct(s.meanWindows)}${adapt}`);
  }
}

if (require.main === module) main();
