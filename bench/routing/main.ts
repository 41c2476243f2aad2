import { resolve } from 'node:path';
import { runScaleSuite, SCALE_GRID, scalePolicyOf } from './decision-scale';
import { runReplaySuite } from './replay-suite';
import { formatTable } from './table';
import { runZooSuite } from './zoo-suite';
import { settleYoungGeneration } from './young-generation';
import { SIM } from './zoo-sim';

/** The shared datasets sit beside the repository (`../shared/datasets`); ROUTING_DATASETS overrides. */
const DATASETS = process.env.ROUTING_DATASETS ?? resolve(__dirname, '../../../../shared/datasets');
const pct = (x: number | undefined) => (x === undefined || !Number.isFinite(x) ? '-' : `${(x * 100).toFixed(1)}%`);
const num = (x: number | undefined, digits = 3) => (x === undefined || !Number.isFinite(x) ? '-' : x.toFixed(digits));

function main(): void {
  const started = process.hrtime.bigint();
  const suites = (process.argv[2] ?? 'replay,zoo,scale').split(',');
  if (suites.includes('replay')) {
    const seeds = (process.env.ROUTING_REPLAY_SEEDS ?? '1,2,3').split(',').map(Number);
    const replay = runReplaySuite(`${DATASETS}/routellm-evals`, seeds);
    console.log(`## RouteLLM replay (online from cold start, mean of seeds ${replay.seeds.join(', ')}; MT-Bench replayed ${replay.epochs['MT-Bench']}x)\n`);
    const rows = replay.summaries.map((s) => {
      const single = s.points.length === 1;
      return [
        s.dataset,
        s.router,
        single ? '-' : num(s.apgr),
        single ? '-' : pct(s.cpt50),
        single ? '-' : pct(s.cpt80),
        single ? pct(s.points[0].costRatio) : pct(s.costAt95),
        single ? pct(s.points[0].strongShare) : pct(s.shareAt95),
        single ? num(s.points[0].quality) : '-',
      ];
    });
    console.log(formatTable(['dataset', 'router', 'APGR', 'CPT(50%)', 'CPT(80%)', 'cost at 95% of strong quality', 'strong calls at 95%', 'quality'], rows));
    console.log('\nSweep points (knob, quality, strong share, cost vs always-strong):');
    for (const s of replay.summaries.filter((x) => x.points.length > 1)) {
      console.log(`${s.dataset} / ${s.router}: weak ${s.weakQuality.toFixed(3)}, strong ${s.strongQuality.toFixed(3)}`);
      console.log(s.points.map((p) => `  ${String(p.knob).padEnd(5)} q=${p.quality.toFixed(4)} share=${p.strongShare.toFixed(3)} cost=${p.costRatio.toFixed(3)}`).join('\n'));
    }
  }
  if (suites.includes('zoo')) {
    const seeds = (process.env.ROUTING_ZOO_SEEDS ?? '1,2,3,4').split(',').map(Number);
    const rows = runZooSuite(`${DATASETS}/zoo.json`, seeds);
    console.log(`\n## Parametric zoo (${SIM.requests} requests per scenario, change at ${SIM.changeAt}, floor ${SIM.qualityFloor}, mean of seeds ${seeds.join(', ')})\n`);
    console.log(
      formatTable(
        ['scenario', 'router', 'true quality', 'cost vs clairvoyant (after 5k)', 'windows below floor', 'requests to adapt', 'to adapt vs before change', 'to adapt vs no-change twin', 'budget error', 'decide p50 us', 'decide p99 us'],
        rows.map((r) => [
          r.scenario,
          r.router,
          num(r.meanQuality),
          pct(r.costVsClairvoyant),
          pct(r.floorViolationShare),
          r.adaptation === undefined ? '-' : r.adaptation.toFixed(0),
          r.adaptationVsBefore === undefined ? '-' : r.adaptationVsBefore.toFixed(0),
          r.adaptationVsTwin === undefined ? '-' : r.adaptationVsTwin.toFixed(0),
          pct(r.budgetError),
          num(r.p50us, 1),
          num(r.p99us, 1),
        ]),
      ),
    );
  }
  if (suites.includes('scale')) {
    // ROUTING_SCALE_LEARNERS=hashed_words (or prompt_contexts) runs only that learner's cells.
    const learners = (process.env.ROUTING_SCALE_LEARNERS ?? 'prompt_contexts,hashed_words').split(',');
    // ROUTING_SCALE_POLICY=prompt_scores (or late_scores): the gated safe exploration's settings instead of
    // the bench's floor_confidence 0.9 with context_prior_strength 8 (ScalePolicy, routing round 32).
    const policy = scalePolicyOf(process.env.ROUTING_SCALE_POLICY);
    settleYoungGeneration(); // its last growth would otherwise land in some cell's timed decisions (round 27)
    const cells = [
      ...(learners.includes('prompt_contexts') ? runScaleSuite(20_000, 1, SCALE_GRID, 'prompt_contexts', policy) : []),
      ...(learners.includes('hashed_words') ? runScaleSuite(20_000, 1, { models: SCALE_GRID.models, contexts: [1] }, 'hashed_words', policy) : []),
    ];
    console.log(`\n## Decision time at scale (the gateway's extractPromptContext + planRoute per request, ${cells[0]?.decisions ?? 0} decisions per cell after 1,000 warm-up; route policy ${policy})\n`);
    console.log(
      formatTable(
        ['learner', 'models', 'contexts', 'decision p50 us', 'decision p99 us', 'planRoute p50 us', 'planRoute p99 us'],
        cells.map((c) => [c.learner, c.models, c.learner === 'hashed_words' ? '-' : c.contexts, num(c.p50us, 1), num(c.p99us, 1), num(c.planP50us, 1), num(c.planP99us, 1)]),
      ),
    );
  }
  console.error(`done in ${(Number(process.hrtime.bigint() - started) / 1e9).toFixed(1)}s`);
}

main();
