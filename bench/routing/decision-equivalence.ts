import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { ModelSpec, RouteSpec } from '../../libs/config/src';
import type { ChatRequest, Random } from '../../libs/core/src';
import type { ArmState, LogisticArmState } from '../../libs/router/src';
import type { PlanInput } from '../../apps/gateway/src/routing/plan-route';

/**
 * Decisions recorded from one build and replayed on another: the word learner's decision path was made
 * faster (docs/benchmarks.md, routing round 10b) without changing a decision or a random draw. Random
 * planRoute cases (1-64 models, trained or untrained word arms with their odds, context arms, every
 * route option the decision reads, exclusions, budget pressure, word arms in or out of candidate order,
 * a few contexts-learner routes) are built from a seed; each plan is digested number by number (every
 * double by its bits): the decision (choice, reason, ranked order, each belief), the planned models, the
 * hashed features, the context logits, and the random source's next value (the same draws, in the same
 * order). A build's digests are compared with those recorded from the build before the change
 * (`fixtures/word-decisions.json`, `decision-equivalence.spec.ts`).
 *
 * Record from another build's dist (its own planRoute and library; the cases are built the same way):
 *   node dist/bench/routing/decision-equivalence.js record <other dist> [cases] > bench/routing/fixtures/word-decisions.json
 *   node dist/bench/routing/decision-equivalence.js record <other dist> 2000 gateway_policy > bench/routing/fixtures/gateway-policy-decisions.json
 */

/** What a case needs from a build: its planRoute and the word model's training functions. */
export interface DecisionBuild {
  planRoute(input: PlanInput): { decision: unknown; models: ModelSpec[]; features?: Int32Array; wordOffsetLogits?: ArrayLike<number>; wordOffsets?: { logit: number }[] };
  seededRandom(seed: number): Random;
  emptyWordArm(modelId: string, priorQuality?: number): LogisticArmState;
  applyLogisticObservation(arm: LogisticArmState, features: ArrayLike<number>, reward: number, discount?: number): LogisticArmState;
  hashedPromptFeatures(request: ChatRequest, options?: { bits?: number }): Int32Array;
  /**
   * When set, the case's route and context arms are handed to planRoute in what this returns (the
   * build's ArmTable, as the gateway's LearnedState keeps them: routing round 30) instead of a Map;
   * the cases and their random draws are the same.
   */
  armsAs?(arms: Map<string, ArmState>): ReadonlyMap<string, ArmState>;
}

/**
 * Which cases a series builds: `mixed` (the fixture's since round 10b: every route option at random, the
 * word learner in 85% of them), or `gateway_policy` (routing round 32: the gated safe
 * exploration on every route, `floorConfidence` 0.8 with `exploreCheaperShare` 0.3 in two cases of three
 * and 0.9 without a share in the third, context prior strength 32, either learner half the time; the
 * other options as `mixed` draws them). The two series take the same random draws up to the route.
 */
export type CaseSeries = 'mixed' | 'gateway_policy';

export interface RecordedDecision {
  modelId: string;
  reason: string;
  digest: string;
}

const WORDS =
  'the a python function parse date weekday what is show your steps translate into french meeting moved thursday extract invoice number total hi how are you explain why sky blue code sql query essay poem summarize json compare prove theorem café 東京'.split(
    ' ',
  );

/** A request of up to `words` words per message (long ones for the decisions, short ones to train on). */
function randomRequest(random: Random, words = 120): ChatRequest {
  const text = (k: number) => Array.from({ length: k }, () => WORDS[Math.floor(random() * WORDS.length)]).join(' ');
  const messages: ChatRequest['messages'] = [];
  if (random() < 0.3) messages.push({ role: 'system', content: text(5 + Math.floor(random() * 20)) });
  const turns = 1 + Math.floor(random() * 3);
  for (let t = 0; t < turns; t++) {
    messages.push({ role: 'user', content: text(1 + Math.floor(random() * words)) });
    if (t < turns - 1) messages.push({ role: 'assistant', content: 'Sure.' });
  }
  return {
    model: 'r',
    messages,
    ...(random() < 0.15 ? { response_format: { type: 'json_object' as const } } : {}),
    ...(random() < 0.1 ? { max_tokens: 50 + Math.floor(random() * 500) } : {}),
  };
}

function trainedArm(build: DecisionBuild, id: string, random: Random): LogisticArmState {
  const arm = build.emptyWordArm(id, random() < 0.2 ? undefined : 0.3 + 0.69 * random());
  const scored = random() < 0.2 ? 0 : Math.floor(random() * 15);
  const skill = random();
  const discount = [1, 0.999, 0.99][Math.floor(random() * 3)];
  for (let i = 0; i < scored; i++) build.applyLogisticObservation(arm, build.hashedPromptFeatures(randomRequest(random, 12), { bits: 12 }), random() < skill ? 1 : random(), discount);
  if (random() < 0.8) arm.wordsLogOdds = random() < 0.2 ? [8, -8, 0][Math.floor(random() * 3)] : 16 * random() - 8;
  return arm;
}

const IDS = Array.from({ length: 64 }, (_, i) => `m${i}`);
const MODELS = new Map<string, ModelSpec>(
  IDS.map((id, i) => {
    const price = 0.1 * Math.pow(100, i / 63);
    return [id, { id, providerId: i % 5 === 0 ? 'q' : 'p', upstream: id, inputPer1M: price, outputPer1M: 3 * price, contextWindow: i % 17 === 3 ? 200 : 128_000, timeouts: {} }];
  }),
);

/** Case `index` of the series `seed` (of kind `series`), planned by `build`: its digest, choice and reason. */
export function recordDecision(build: DecisionBuild, seed: number, index: number, series: CaseSeries = 'mixed'): RecordedDecision {
  const gateway = series === 'gateway_policy';
  const random = build.seededRandom(seed * 1_000_003 + index);
  const pick = <T>(values: readonly T[]): T => values[Math.floor(random() * values.length)];
  const n = 1 + Math.floor(random() * IDS.length);
  const candidates = IDS.slice()
    .sort(() => random() - 0.5)
    .slice(0, n);
  const learner = random() < (gateway ? 0.5 : 0.85) ? 'hashed_words' : 'prompt_contexts';
  const route: RouteSpec = {
    name: 'r',
    candidates,
    discount: 0.99,
    validators: [],
    implicit: false,
    learner,
    qualityFloor: pick([0.5, 0.7, 0.8, 0.9, 0.95]),
    ...(random() < 0.7 ? { costWeight: pick([0.5, 5, 200]) } : {}),
    ...(random() < 0.4 ? { relativeFloor: pick([0.9, 0.95]) } : {}),
    ...(random() < 0.7 ? { floorConfidence: pick([0.8, 0.9]) } : {}),
    ...(random() < 0.6 ? { maxUntriedShare: pick([0.1, 0.3]) } : {}),
    ...(random() < 0.3 ? { maxTtftMs: 800 } : {}),
    // Unset, the strength was 8 when the fixture was recorded; since routing round 18 it is 32 with
    // floorConfidence (a deliberate change, its specs in contextual-decide and plan-route), so the cases
    // state the old default: the same draws, the same decisions, the fixture still valid.
    contextPriorStrength: random() < 0.3 ? pick([2, 8, 20]) : 8,
    ...(random() < 0.2 ? { allowedProviders: ['p'] } : {}),
    ...(random() < 0.2 ? { maxPriceUsdPerRequest: 0.0005 + 0.01 * random() } : {}),
    ...(random() < 0.6 ? { priorQuality: Object.fromEntries(candidates.filter(() => random() < 0.8).map((id) => [id, 0.3 + 0.69 * random()])) } : {}),
  };
  if (gateway) {
    // No draw taken: the mixed series' draws stay as they were.
    const prompt = index % 3 !== 2;
    route.floorConfidence = prompt ? 0.8 : 0.9;
    if (prompt) route.exploreCheaperShare = 0.3;
    route.contextPriorStrength = 32;
  }
  const randomArms = (missing: number) => {
    const arms = new Map<string, ArmState>();
    for (const id of candidates) {
      if (random() < missing) continue;
      const k = random() < 0.1 ? 0 : random() * 400;
      const q = random();
      arms.set(id, { modelId: id, successes: q * k, failures: (1 - q) * k, completionTokens: 200 * k, costUsd: 0.001 * k, observations: Math.floor(k) });
    }
    return arms;
  };
  const asBuilt = (map: Map<string, ArmState>) => (build.armsAs ? build.armsAs(map) : map);
  const arms = asBuilt(randomArms(0.15));
  const contextArms = random() < 0.8 ? asBuilt(randomArms(0.4)) : undefined;
  const wordSeed = Math.floor(random() * 1e9);
  const order = random() < 0.9 ? 'candidates' : random() < 0.5 ? 'reversed' : 'one missing';
  const ttft = new Map(candidates.map((id) => [id, random() < 0.5 ? 300 + 1000 * random() : undefined]));
  const excluded = new Map(candidates.filter(() => random() < 0.1).map((id) => [id, pick(['circuit_open', 'schema_failures'])]));
  const request = randomRequest(random);
  const budgetPressure = pick([0, 0, 0, 0.3, 0.7, 1]);
  const decisionSeed = Math.floor(random() * 1e9);

  const wordRandom = build.seededRandom(wordSeed);
  let wordArms = candidates.map((id) => trainedArm(build, id, wordRandom));
  if (order === 'reversed') wordArms = wordArms.reverse();
  else if (order === 'one missing') wordArms = wordArms.slice(1);
  const source = build.seededRandom(decisionSeed);
  let planned: unknown;
  let modelId = '';
  let reason = 'error';
  try {
    const plan = build.planRoute({
      route,
      models: MODELS,
      request,
      promptTokens: 100,
      arms,
      contextKey: 'k',
      contextArms,
      ...(learner === 'hashed_words' ? { wordArms } : {}),
      spentTodayUsd: 0,
      random: source,
      budgetPressure,
      exclude: (m) => excluded.get(m.id),
      observations: { expectedTtftMs: (id) => ttft.get(id), spentTodayByTier: () => 0, dayElapsedFraction: () => 0.5 },
    });
    const offsets = plan.wordOffsetLogits ? Array.from(plan.wordOffsetLogits) : plan.wordOffsets?.map((o) => o.logit);
    planned = { decision: plan.decision, models: plan.models.map((m) => m.id), features: Array.from(plan.features ?? []), offsets };
    const decision = plan.decision as { modelId: string; reason: string };
    modelId = decision.modelId;
    reason = decision.reason;
  } catch (error) {
    planned = { error: (error as Error).message };
  }
  const text = JSON.stringify({ planned, next: source() }, exactNumbers);
  return { modelId, reason, digest: createHash('sha256').update(text).digest('hex').slice(0, 24) };
}

const float = new Float64Array(1);
const words = new Uint32Array(float.buffer);

/** JSON replacer: every number by its bits (so -0, NaN and the last bit count). */
function exactNumbers(_key: string, value: unknown): unknown {
  if (typeof value !== 'number') return value;
  float[0] = value;
  return `${words[1].toString(16)}.${words[0].toString(16)}`;
}

export function recordDecisions(build: DecisionBuild, seed: number, count: number, series: CaseSeries = 'mixed'): RecordedDecision[] {
  return Array.from({ length: count }, (_, i) => recordDecision(build, seed, i, series));
}

/** A dist directory's build (this repository's layout). */
export function loadBuild(dist: string): DecisionBuild {
  /* eslint-disable @typescript-eslint/no-require-imports */
  const core = require(resolve(dist, 'libs/core/src'));
  const router = require(resolve(dist, 'libs/router/src'));
  const plan = require(resolve(dist, 'apps/gateway/src/routing/plan-route'));
  /* eslint-enable @typescript-eslint/no-require-imports */
  return {
    planRoute: plan.planRoute,
    seededRandom: core.seededRandom,
    emptyWordArm: router.emptyWordArm,
    applyLogisticObservation: router.applyLogisticObservation,
    hashedPromptFeatures: router.hashedPromptFeatures,
  };
}

export const FIXTURE_SEED = 10;

if (require.main === module) {
  const [command, dist, cases, seriesArg] = process.argv.slice(2);
  if (command === 'record' && dist) {
    const series: CaseSeries = seriesArg === 'gateway_policy' ? 'gateway_policy' : 'mixed';
    const recorded = recordDecisions(loadBuild(dist), FIXTURE_SEED, Number(cases ?? 2000), series);
    process.stdout.write(JSON.stringify({ seed: FIXTURE_SEED, ...(series === 'mixed' ? {} : { series }), decisions: recorded }) + '\n');
  } else if (command === 'check' && dist) {
    const fixture = JSON.parse(readFileSync(cases ?? resolve(__dirname, '../../../bench/routing/fixtures/word-decisions.json'), 'utf8')) as { seed: number; series?: CaseSeries; decisions: RecordedDecision[] };
    const got = recordDecisions(loadBuild(dist), fixture.seed, fixture.decisions.length, fixture.series ?? 'mixed');
    const differ = got.filter((d, i) => d.digest !== fixture.decisions[i].digest).length;
    console.log(`${got.length - differ} of ${got.length} decisions identical`);
    if (differ > 0) process.exitCode = 1;
  } else {
    console.error('usage: decision-equivalence.js record <dist> [cases] [mixed|gateway_policy] | check <dist> [fixture]');
    process.exitCode = 2;
  }
}
