import { resolve } from 'node:path';
import { runScaleSuite, scalePolicyOf, type ScaleCell } from './decision-scale';
import { settleYoungGeneration } from './young-generation';

/**
 * Decision time of this build against another's, in one process: `runScaleSuite` (the word learner by
 * default, one context) of each build alternated `rounds` times per size (the order flipped every round), then
 * the median over the rounds of each cell's p50 and p99. On a shared machine single runs differ by a
 * factor of two; alternating within a process compares the two builds under the same load.
 *
 *   node dist/bench/routing/decision-scale-ab.js <other build's dist> [rounds=8] [decisions=5000] [sizes=8,24,48] [learner=hashed_words|prompt_contexts] [contexts=1]
 *
 * `contexts`: how many contexts' arms the decisions spread over (the target's cell is 48 models x 1,000
 * contexts, the default learner; round 30). `ROUTING_SCALE_POLICY`: the route's options (`ScalePolicy`,
 * round 32; the other build's runScaleSuite must take it, i.e. be round 32's or later).
 */
type Suite = typeof runScaleSuite;

function median(values: number[]): number {
  const sorted = values.slice().sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

function main(): void {
  const [otherDist, roundsArg, decisionsArg, sizesArg, learnerArg, contextsArg] = process.argv.slice(2);
  if (!otherDist) {
    console.error('usage: decision-scale-ab.js <other dist> [rounds] [decisions] [sizes]');
    process.exitCode = 2;
    return;
  }
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const other = require(resolve(otherDist, 'bench/routing/decision-scale')).runScaleSuite as Suite;
  const builds: Record<'other' | 'this', Suite> = { other, this: runScaleSuite };
  const rounds = Number(roundsArg ?? 8);
  const decisions = Number(decisionsArg ?? 5000);
  const sizes = (sizesArg ?? '8,24,48').split(',').map(Number);
  const learner: ScaleCell['learner'] = learnerArg === 'prompt_contexts' ? 'prompt_contexts' : 'hashed_words';
  const contexts = Number(contextsArg ?? 1);
  const policy = scalePolicyOf(process.env.ROUTING_SCALE_POLICY);
  const cells = new Map<string, ScaleCell[]>();
  settleYoungGeneration(); // its last growth would otherwise land in some round's timed decisions (round 27)
  for (let round = 0; round < rounds; round++) {
    for (const models of sizes) {
      for (const name of round % 2 ? (['this', 'other'] as const) : (['other', 'this'] as const)) {
        const [cell] = builds[name](decisions, 1, { models: [models], contexts: [contexts] }, learner, policy);
        const key = `${models}/${name}`;
        cells.set(key, [...(cells.get(key) ?? []), cell]);
      }
    }
  }
  const of = (list: ScaleCell[], key: 'p50us' | 'p99us' | 'planP50us' | 'planP99us') => median(list.map((c) => c[key])).toFixed(1);
  console.log(`${learner === 'hashed_words' ? 'word learner' : 'contexts learner'}, ${rounds} alternations of ${decisions} decisions per size, ${contexts} context(s), policy ${policy}, medians; other build -> this build (us)\n`);
  console.log('| models | decision p50 | decision p99 | planRoute p50 | planRoute p99 |');
  console.log('|---|---|---|---|---|');
  for (const models of sizes) {
    const o = cells.get(`${models}/other`)!;
    const t = cells.get(`${models}/this`)!;
    console.log(`| ${models} | ${of(o, 'p50us')} -> ${of(t, 'p50us')} | ${of(o, 'p99us')} -> ${of(t, 'p99us')} | ${of(o, 'planP50us')} -> ${of(t, 'planP50us')} | ${of(o, 'planP99us')} -> ${of(t, 'planP99us')} |`);
  }
}

main();
