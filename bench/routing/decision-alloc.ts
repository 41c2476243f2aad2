import { Session } from 'node:inspector';
import { PerformanceObserver, performance, type PerformanceEntry } from 'node:perf_hooks';
import { loadDecisionBuild, scaleDecisions, type DecisionBuild } from './decision-build';
import { scalePolicyOf, type ScaleCell } from './decision-scale';
import { quantile } from './metrics';

/**
 * Allocation and garbage collection of the decision path (`extractPromptContext` + `planRoute`), the
 * scale bench's requests and arms (`decision-scale.ts`, one context), for this build or another's:
 *
 *   node dist/bench/routing/decision-alloc.js [dist, or - for this build] [calls=20000] [sizes=8,24,48] [learners=hashed_words,prompt_contexts]
 *
 * Per cell: bytes allocated per call (the sampling heap profiler, objects collected by either GC
 * included, over `calls` calls after 2,000 of warm-up), then `calls` timed calls with the GCs that
 * ran during them (a PerformanceObserver): scavenges and mark-compacts per 1,000 calls, the median scavenge,
 * and how many of the slowest 1% of calls had a GC start inside them. Last, the same `calls` decisions
 * replayed 3 times from a fresh start (the same requests, arms and draws) and each call's fastest of the
 * three: the p99 of that is what the code costs per call without the interruptions (GC, the scheduler,
 * other processes) that seldom land on the same call twice. `ROUTING_SCALE_POLICY`: the route's options
 * (`ScalePolicy`; default bench).
 */

/** One decision of the scale bench's kind per call, as `runScaleSuite` makes them (one context). */
function decider(build: DecisionBuild, n: number, learner: ScaleCell['learner']): (i: number) => number {
  const decisions = scaleDecisions(build, n, learner, scalePolicyOf(process.env.ROUTING_SCALE_POLICY));
  return (i) => decisions.plan(i, decisions.contextKey(i)).models.length;
}

interface SamplingNode {
  selfSize: number;
  children: SamplingNode[];
}

function post<T>(session: Session, method: string, params?: object): Promise<T> {
  return new Promise((done, fail) => session.post(method, params ?? {}, (error, result) => (error ? fail(error) : done(result as T))));
}

function totalSelfSize(node: SamplingNode): number {
  let total = node.selfSize;
  for (const child of node.children) total += totalSelfSize(child);
  return total;
}

/** Bytes allocated per call, by the sampling heap profiler (every 256 bytes on average), collected objects included. */
async function bytesPerCall(decide: (i: number) => number, calls: number): Promise<number> {
  const session = new Session();
  session.connect();
  await post(session, 'HeapProfiler.enable');
  await post(session, 'HeapProfiler.startSampling', { samplingInterval: 256, includeObjectsCollectedByMajorGC: true, includeObjectsCollectedByMinorGC: true });
  for (let i = 0; i < calls; i++) decide(i);
  const { profile } = await post<{ profile: { head: SamplingNode } }>(session, 'HeapProfiler.stopSampling');
  session.disconnect();
  return totalSelfSize(profile.head) / calls;
}

interface GcReading {
  scavengesPer1k: number;
  markCompactsPer1k: number;
  /** Median scavenge, milliseconds (a sum is dominated by the few the scheduler interrupted). */
  medianScavengeMs: number;
  p50us: number;
  p99us: number;
  /** Of the slowest 1% of calls, how many had a GC start during them. */
  slowWithGc: number;
  slow: number;
}

async function gcDuringCalls(decide: (i: number) => number, calls: number): Promise<GcReading> {
  const entries: PerformanceEntry[] = [];
  const observer = new PerformanceObserver((list) => entries.push(...list.getEntries()));
  observer.observe({ entryTypes: ['gc'] });
  const starts = new Float64Array(calls);
  const ends = new Float64Array(calls);
  for (let i = 0; i < calls; i++) {
    starts[i] = performance.now();
    decide(i);
    ends[i] = performance.now();
  }
  await new Promise((done) => setTimeout(done, 50));
  observer.disconnect();
  const durations = Array.from(starts, (s, i) => ({ i, us: (ends[i] - s) * 1000 }));
  const sorted = durations.map((d) => d.us).sort((a, b) => a - b);
  const slowest = durations.sort((a, b) => b.us - a.us).slice(0, Math.ceil(calls / 100));
  const inside = (e: PerformanceEntry, i: number) => e.startTime >= starts[i] && e.startTime <= ends[i];
  const gcs = entries.filter((e) => e.startTime >= starts[0] && e.startTime <= ends[calls - 1]);
  // kind: 1 = minor (scavenge), 2 = major (mark-compact), 4 = incremental, 8 = weak callbacks.
  const kindOf = (e: PerformanceEntry) => (e as PerformanceEntry & { detail?: { kind?: number } }).detail?.kind ?? 0;
  return {
    scavengesPer1k: (1000 * gcs.filter((e) => kindOf(e) === 1).length) / calls,
    markCompactsPer1k: (1000 * gcs.filter((e) => kindOf(e) === 2).length) / calls,
    medianScavengeMs: quantile(
      gcs
        .filter((e) => kindOf(e) === 1)
        .map((e) => e.duration)
        .sort((a, b) => a - b),
      0.5,
    ),
    p50us: quantile(sorted, 0.5),
    p99us: quantile(sorted, 0.99),
    slowWithGc: slowest.filter((d) => gcs.some((e) => inside(e, d.i))).length,
    slow: slowest.length,
  };
}

/** p50 and p99 over calls of each call's fastest time in `replays` identical runs of `calls` decisions (after 2,000 of warm-up). */
function fastestOfReplays(build: DecisionBuild, n: number, learner: ScaleCell['learner'], calls: number, replays: number): { p50us: number; p99us: number } {
  const fastest = new Float64Array(calls).fill(Infinity);
  for (let r = 0; r < replays; r++) {
    const decide = decider(build, n, learner);
    for (let i = 0; i < 2000; i++) decide(i);
    for (let i = 0; i < calls; i++) {
      const t0 = performance.now();
      decide(2000 + i);
      const us = (performance.now() - t0) * 1000;
      if (us < fastest[i]) fastest[i] = us;
    }
  }
  const sorted = Array.from(fastest).sort((a, b) => a - b);
  return { p50us: quantile(sorted, 0.5), p99us: quantile(sorted, 0.99) };
}

async function main(): Promise<void> {
  const [distArg, callsArg, sizesArg, learnersArg] = process.argv.slice(2);
  const build = loadDecisionBuild(distArg);
  const calls = Number(callsArg ?? 20_000);
  const sizes = (sizesArg ?? '8,24,48').split(',').map(Number);
  const learners = (learnersArg ?? 'hashed_words,prompt_contexts').split(',') as ScaleCell['learner'][];
  console.log('| learner | models | KB per call | scavenges per 1k calls | mark-compacts per 1k | median scavenge (ms) | p50 (us) | p99 (us) | slowest 1% with a GC | fastest of 3 replays: p50 / p99 (us) |');
  console.log('|---|---|---|---|---|---|---|---|---|---|');
  for (const learner of learners) {
    for (const n of sizes) {
      const decide = decider(build, n, learner);
      for (let i = 0; i < 2000; i++) decide(i);
      const bytes = await bytesPerCall(decide, calls);
      const gc = await gcDuringCalls(decide, calls);
      const replayed = fastestOfReplays(build, n, learner, calls, 3);
      console.log(
        `| ${learner} | ${n} | ${(bytes / 1024).toFixed(1)} | ${gc.scavengesPer1k.toFixed(2)} | ${gc.markCompactsPer1k.toFixed(2)} | ${gc.medianScavengeMs.toFixed(2)} | ${gc.p50us.toFixed(1)} | ${gc.p99us.toFixed(1)} | ${gc.slowWithGc} of ${gc.slow} | ${replayed.p50us.toFixed(1)} / ${replayed.p99us.toFixed(1)} |`,
      );
    }
  }
}

void main();
