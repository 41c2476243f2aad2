import { loadDecisionBuild, scaleDecisions } from './decision-build';
import { scalePolicyOf, type ScaleCell } from './decision-scale';

/**
 * A fixed amount of decision work for an instruction counter (valgrind's callgrind, whose counts do not
 * depend on what else the machine runs): the scale bench's decisions (`decision-scale.ts`, one context,
 * `extractPromptContext` + `planRoute`) of this build or another's, `warmup` calls then `calls` more.
 * Run it twice, with `calls` and with 0, and the difference of the two totals over `calls` is the
 * instructions per decision (the start-up, the set-up of the arms and the compilation cancel out):
 *
 *   valgrind --tool=callgrind --smc-check=all-non-file --callgrind-out-file=/dev/null \
 *     node dist/bench/routing/decision-instructions.js [dist, or - for this build] [calls=20000] [models=48] [learner=hashed_words] [warmup=5000] [part=decision|plan|context]
 *
 * `part` plan: planRoute only is called in the counted calls (the context is extracted in the warm-up
 * and for the counted calls' requests beforehand); context: extractPromptContext only.
 * `ROUTING_SCALE_POLICY` (bench, the default | prompt_scores | late_scores): the route's safe-exploration
 * options (`ScalePolicy`, routing round 32).
 */

function main(): void {
  const [distArg, callsArg, modelsArg, learnerArg, warmupArg, partArg] = process.argv.slice(2);
  const build = loadDecisionBuild(distArg);
  const calls = Number(callsArg ?? 20_000);
  const n = Number(modelsArg ?? 48);
  const learner: ScaleCell['learner'] = learnerArg === 'prompt_contexts' ? 'prompt_contexts' : 'hashed_words';
  const warmup = Number(warmupArg ?? 5000);
  const part = partArg ?? 'decision';
  const decisions = scaleDecisions(build, n, learner, scalePolicyOf(process.env.ROUTING_SCALE_POLICY));
  const { requests } = decisions;
  const keys = requests.map((_, i) => decisions.contextKey(i));
  const tokens = requests.map((request) => build.estimatePromptTokens(request));
  let sink = 0;
  const decision = (i: number) => (sink += decisions.plan(i, decisions.contextKey(i)).models.length);
  for (let i = 0; i < warmup; i++) decision(i);
  if (part === 'plan') for (let i = warmup; i < warmup + calls; i++) sink += decisions.plan(i, keys[i % requests.length], tokens[i % requests.length]).models.length;
  else if (part === 'context') for (let i = warmup; i < warmup + calls; i++) sink += build.extractPromptContext(requests[i % requests.length], {}).contextKey.length;
  else for (let i = warmup; i < warmup + calls; i++) decision(i);
  if (sink < 0) console.log(sink);
}

main();
