import { runReplaySuite } from './replay-suite';
import { formatTable } from './table';

const DATASETS = process.env.ROUTING_DATASETS ?? '/work/shared/datasets';

function main(): void {
  const started = process.hrtime.bigint();
  const replay = runReplaySuite(`${DATASETS}/routellm-evals`, [1, 2, 3]);
  const rows = replay.summaries.map((s) => {
    const best = s.points.reduce((a, b) => (b.quality > a.quality ? b : a));
    return [s.dataset, s.router, s.apgr, s.cpt50, s.cpt80, s.costAt95 ?? NaN, best.quality, best.strongShare];
  });
  console.log(formatTable(['dataset', 'router', 'APGR', 'CPT(50%)', 'CPT(80%)', 'cost@95%', 'best quality', 'its strong share'], rows));
  for (const s of replay.summaries) {
    console.log(`\n${s.dataset} ${s.router}: weak ${s.weakQuality.toFixed(3)} strong ${s.strongQuality.toFixed(3)}`);
    console.log(s.points.map((p) => `  knob=${p.knob} q=${p.quality.toFixed(4)} share=${p.strongShare.toFixed(3)} cost=${p.costRatio.toFixed(3)}`).join('\n'));
  }
  console.error(`done in ${(Number(process.hrtime.bigint() - started) / 1e9).toFixed(1)}s`);
}

main();
