/**
 * Bench-only (round 38): two `improvement-diagnose.js` runs compared seed by seed: per router, each
 * run's median "found" (requests after the change; "never" read as `NEVER`, the run's requests after the
 * change), the seeds found within 1,000 and 5,000, the seeds never found, and the paired difference
 * (variant - base) with its standard error over the seeds both hold. With two `zoo-per-seed.js` files
 * for the same run (`twin`: the stationary runs, `changed`: silent_improvement's), also the
 * silent_improvement - twin cost of each run, in points.
 *
 *   node dist/bench/routing/found-pair.js base.found.txt variant.found.txt [base.twin.txt base.changed.txt variant.twin.txt variant.changed.txt]
 */
import { readFileSync } from 'node:fs';
import { meanWithError } from './seed-pair';
import { parseSeedLine, type SeedLine } from './seed-summary';

/** Requests after the change in the zoo's run (40,000 - 20,000): what "never" reads as. */
export const NEVER = 20_000;

export interface FoundLine {
  seed: number;
  router: string;
  /** Requests after the change; undefined = never. */
  found: number | undefined;
}

/** One line of improvement-diagnose.js ("seed 1029\t<router>\tfound 300\tshare ..."), or undefined. */
export function parseFoundLine(line: string): FoundLine | undefined {
  const [seedField, router, foundField] = line.split('\t');
  const seed = /^seed (\d+)$/.exec(seedField ?? '');
  const found = /^found (\d+|never)$/.exec(foundField ?? '');
  if (!seed || !router || !found) return undefined;
  return { seed: Number(seed[1]), router, found: found[1] === 'never' ? undefined : Number(found[1]) };
}

export function median(values: readonly number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 === 1 ? s[m] : (s[m - 1] + s[m]) / 2;
}

export interface FoundSummary {
  seeds: number;
  median: number;
  within1000: number;
  within5000: number;
  never: number;
}

export function summarizeFound(lines: readonly FoundLine[]): FoundSummary {
  const v = lines.map((l) => l.found ?? NEVER);
  return {
    seeds: lines.length,
    median: median(v),
    within1000: lines.filter((l) => l.found !== undefined && l.found <= 1_000).length,
    within5000: lines.filter((l) => l.found !== undefined && l.found <= 5_000).length,
    never: lines.filter((l) => l.found === undefined).length,
  };
}

/** variant - base over the seeds both hold (never = NEVER), mean and standard error. */
export function pairFound(base: readonly FoundLine[], variant: readonly FoundLine[]): { seeds: number; mean: number; standardError: number } {
  const v = new Map(variant.map((l) => [l.seed, l.found ?? NEVER]));
  const d = base.filter((b) => v.has(b.seed)).map((b) => v.get(b.seed)! - (b.found ?? NEVER));
  return { seeds: d.length, ...meanWithError(d) };
}

/** Per seed, silent_improvement's cost vs clairvoyant minus the stationary run's (the twin), for one router. */
export function costOverTwin(twin: readonly SeedLine[], changed: readonly SeedLine[], router: string): number[] {
  const t = new Map(twin.filter((l) => l.scenario === 'stationary' && l.router === router).map((l) => [l.seed, l.costVsClairvoyant]));
  return changed.filter((l) => l.scenario === 'silent_improvement' && l.router === router && t.has(l.seed)).map((l) => l.costVsClairvoyant - t.get(l.seed)!);
}

function main(): void {
  const [baseFile, variantFile, ...zooFiles] = process.argv.slice(2);
  if (!baseFile || !variantFile) throw new Error('usage: found-pair.js base.found.txt variant.found.txt [base.twin base.changed variant.twin variant.changed]');
  const readFound = (f: string) => readFileSync(f, 'utf8').split('\n').flatMap((l) => parseFoundLine(l) ?? []);
  const readZoo = (f: string) => readFileSync(f, 'utf8').split('\n').flatMap((l) => parseSeedLine(l) ?? []);
  const [base, variant] = [readFound(baseFile), readFound(variantFile)];
  const n = (x: number) => Math.round(x).toLocaleString('en-US');
  const pts = (d: { mean: number; standardError: number }) => `${d.mean >= 0 ? '+' : ''}${(d.mean * 100).toFixed(1)} +- ${(d.standardError * 100).toFixed(1)}`;
  for (const router of [...new Set(base.map((l) => l.router))]) {
    const b = base.filter((l) => l.router === router);
    const v = variant.filter((l) => l.router === router);
    if (v.length === 0) continue;
    const fmt = (s: FoundSummary) => `median ${n(s.median)}, within 1,000 / 5,000 ${s.within1000} / ${s.within5000}, never ${s.never} (of ${s.seeds})`;
    const p = pairFound(b, v);
    let cost = '';
    if (zooFiles.length === 4) {
      const [bt, bc, vt, vc] = zooFiles.map(readZoo);
      cost = ` | silent_improvement - twin, cost points: base ${pts(meanWithError(costOverTwin(bt, bc, router)))}, variant ${pts(meanWithError(costOverTwin(vt, vc, router)))}`;
    }
    console.log(`${router} | base ${fmt(summarizeFound(b))} | variant ${fmt(summarizeFound(v))} | paired ${p.mean >= 0 ? '+' : ''}${n(p.mean)} +- ${n(p.standardError)} (${p.seeds} seeds)${cost}`);
  }
}

if (require.main === module) main();
