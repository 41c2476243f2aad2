import { loadDecisionBuild, scaleDecisions } from './decision-build';
import { scalePolicyOf } from './decision-scale';
import type { ScaleCell } from './decision-scale';
import { correlation, quantile } from './metrics';
import { settleYoungGeneration } from './young-generation';

/**
 * Whether the decision's slow mode is the machine's or the code's (round 27). One scale cell (one
 * context, `decision-build.ts`) in a fresh process: 1,000 decisions of warm-up, then blocks of 2,000
 * timed decisions, each block followed by three probes that do not touch the router:
 * - sort: sorting 8,192 doubles in a Float64Array (a V8 builtin: machine code no JIT feedback changes);
 * - ilp: four independent xorshift chains (arithmetic that can issue several instructions a cycle, no memory);
 * - serial: one xorshift chain (each step waits for the last: latency only).
 * Prints each block's median decision time with the probes' medians (us), then the correlation of
 * the blocks' medians with each probe. On the 2-vCPU machine of session 21 a block 35-40% slower
 * came with sort about 25% and ilp about 40% slower and serial unchanged: the core issuing fewer
 * instructions per cycle for everything in the process (as with a busy sibling hardware thread),
 * not our code. Run it 10-20 times in fresh processes; the load moves the share of slow blocks.
 *
 *   node dist/bench/routing/decision-modes.js [dist, or - for this build] [blocks=30] [models=48] [learner=hashed_words]
 */
const BLOCK = 2000;

function median(values: number[]): number {
  return quantile(values.slice().sort((a, b) => a - b), 0.5);
}

function timed(run: () => number): number {
  const t0 = process.hrtime.bigint();
  if (run() === 0.5) console.log(''); // keeps the result alive
  return Number(process.hrtime.bigint() - t0) / 1000;
}

const unsorted = Float64Array.from({ length: 8192 }, (_, i) => (i * 2654435761) % 4294967296);
const sortProbe = () => {
  const values = unsorted.slice();
  const t0 = process.hrtime.bigint();
  values.sort();
  return Number(process.hrtime.bigint() - t0) / 1000;
};
function ilp(seed: number): number {
  let a = seed | 1;
  let b = a + 7;
  let c = a + 13;
  let d = a + 29;
  for (let i = 0; i < 20_000; i++) {
    a ^= a << 13;
    b ^= b << 13;
    c ^= c << 13;
    d ^= d << 13;
    a ^= a >>> 17;
    b ^= b >>> 17;
    c ^= c >>> 17;
    d ^= d >>> 17;
    a ^= a << 5;
    b ^= b << 5;
    c ^= c << 5;
    d ^= d << 5;
  }
  return a ^ b ^ c ^ d;
}
function serial(seed: number): number {
  let a = seed | 1;
  for (let i = 0; i < 50_000; i++) {
    a ^= a << 13;
    a ^= a >>> 17;
    a ^= a << 5;
  }
  return a;
}
const probes = {
  sort: () => median(Array.from({ length: 20 }, sortProbe)),
  ilp: () => median(Array.from({ length: 40 }, (_, r) => timed(() => ilp(r)))),
  serial: () => median(Array.from({ length: 40 }, (_, r) => timed(() => serial(r)))),
};

function main(): void {
  const [distArg, blocksArg, modelsArg, learnerArg] = process.argv.slice(2);
  const build = loadDecisionBuild(distArg);
  const blocks = Number(blocksArg ?? 30);
  const n = Number(modelsArg ?? 48);
  const learner: ScaleCell['learner'] = learnerArg === 'prompt_contexts' ? 'prompt_contexts' : 'hashed_words';
  settleYoungGeneration();
  for (let w = 0; w < 10; w++) Object.values(probes).forEach((probe) => probe());
  const decisions = scaleDecisions(build, n, learner, scalePolicyOf(process.env.ROUTING_SCALE_POLICY));
  let sink = 0;
  const decide = (i: number) => {
    const t0 = process.hrtime.bigint();
    sink += decisions.plan(i, decisions.contextKey(i)).models.length;
    return Number(process.hrtime.bigint() - t0) / 1000;
  };
  for (let i = 0; i < 1000; i++) decide(i);
  const rows: { decision: number; sort: number; ilp: number; serial: number }[] = [];
  for (let b = 0; b < blocks; b++) {
    const times = Array.from({ length: BLOCK }, (_, j) => decide(1000 + b * BLOCK + j));
    rows.push({ decision: median(times), sort: probes.sort(), ilp: probes.ilp(), serial: probes.serial() });
  }
  if (sink < 0) console.log(sink);
  console.log(`${learner}, ${n} models: per block of ${BLOCK} decisions, the decision's median and the probes' (us)`);
  console.log(rows.map((r) => `${r.decision.toFixed(1)} [sort ${r.sort.toFixed(0)} ilp ${r.ilp.toFixed(1)} serial ${r.serial.toFixed(1)}]`).join('\n'));
  const decisionsByBlock = rows.map((r) => r.decision);
  const r = (key: 'sort' | 'ilp' | 'serial') => correlation(decisionsByBlock, rows.map((row) => row[key])).toFixed(2);
  console.log(`correlation with the decision's block medians: sort ${r('sort')}, ilp ${r('ilp')}, serial ${r('serial')}`);
}

main();
