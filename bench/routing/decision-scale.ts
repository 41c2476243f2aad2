import { seededRandom, type ChatRequest, type Random } from '../../libs/core/src';
import { applyLogisticObservation, ArmTable, emptyWordArm, extractPromptContext, hashedPromptFeatures, WORD_MODEL, type LogisticArmState } from '../../libs/router/src';
import { estimatePromptTokens } from '../../apps/gateway/src/routing/estimate-tokens';
import { planRoute } from '../../apps/gateway/src/routing/plan-route';
import { loadRoutingYaml } from './load-routing';
import { quantile } from './metrics';
import { SAMPLE_PROMPTS } from '../../libs/router/src/spec-fixtures';

/**
 * Decision time at the size the issue names: dozens of models, hundreds of prompt contexts. The
 * gateway's own code path per request: `extractPromptContext` on the request, then `planRoute` (route
 * constraints, price priors, the untried cap, safe exploration, the hierarchical `decide`) on arms
 * looked up the way the gateway's LearnedState hands them over (a Map per context).
 */
export interface ScaleCell {
  learner: 'prompt_contexts' | 'hashed_words';
  /** The route's safe-exploration options (`ScalePolicy`). */
  policy: ScalePolicy;
  models: number;
  contexts: number;
  decisions: number;
  /** extractPromptContext + planRoute, microseconds. */
  p50us: number;
  p99us: number;
  /** planRoute alone. */
  planP50us: number;
  planP99us: number;
  /** The decision's p50 in each block of SCALE_BLOCK timed decisions, in order: shows whether a cell's speed changes during the run. */
  blockP50us: number[];
}

export const SCALE_GRID = { models: [8, 24, 48], contexts: [10, 300, 1000] };
export const SCALE_BLOCK = 2000;

/** The median of each block of `block` values, in order (the last block may be shorter). */
export function blockMedians(values: number[], block: number): number[] {
  const medians: number[] = [];
  for (let start = 0; start < values.length; start += block) {
    medians.push(quantile(values.slice(start, start + block).sort((a, b) => a - b), 0.5));
  }
  return medians;
}

/**
 * The route's safe-exploration options in the scale bench (`ROUTING_SCALE_POLICY` in main.js scale):
 * - `bench` (the default, every reading to routing round 31): `floor_confidence` 0.9 and
 *   `context_prior_strength` 8 (stated: the schema's default of 8 gave it until 9c5423a made it 32);
 * - `prompt_scores`: what the gated safe exploration (`floor_confidence: auto`, `score-delay-gate.ts`)
 *   decides with while a route's scores arrive promptly: `floor_confidence` 0.8, `explore_cheaper_share`
 *   0.3, strength 32 (safe exploration's default strength);
 * - `late_scores`: what it decides with otherwise: `floor_confidence` 0.9, strength 32 (routing round 32).
 */
export type ScalePolicy = 'bench' | 'prompt_scores' | 'late_scores';
export const SCALE_POLICIES: readonly ScalePolicy[] = ['bench', 'prompt_scores', 'late_scores'];

const POLICY_YAML: Record<ScalePolicy, string> = {
  bench: 'floor_confidence: 0.9, context_prior_strength: 8',
  prompt_scores: 'floor_confidence: 0.8, explore_cheaper_share: 0.3, context_prior_strength: 32',
  late_scores: 'floor_confidence: 0.9, context_prior_strength: 32',
};

/** `value` as a ScalePolicy (undefined or empty: `bench`); throws on anything else. */
export function scalePolicyOf(value: string | undefined): ScalePolicy {
  if (value === undefined || value === '') return 'bench';
  if ((SCALE_POLICIES as readonly string[]).includes(value)) return value as ScalePolicy;
  throw new Error(`unknown scale policy "${value}" (one of ${SCALE_POLICIES.join(', ')})`);
}

/** A route with `n` candidates on one provider, prices spread over two orders of magnitude, every decision option on. */
export function scaleRouterYaml(n: number, learner: ScaleCell['learner'] = 'prompt_contexts', policy: ScalePolicy = 'bench'): string {
  const models = Array.from({ length: n }, (_, i) => {
    const price = 0.1 * Math.pow(100, i / Math.max(1, n - 1));
    return `  - { id: m${i}, provider: p, upstream: m${i}, input_per_1m: ${price.toFixed(4)}, output_per_1m: ${(3 * price).toFixed(4)}, context_window: 128000 }`;
  });
  return [
    'providers:',
    '  - { id: p, kind: openai-compatible, base_url: "http://127.0.0.1:9/v1" }',
    'models:',
    ...models,
    'routes:',
    `  - { name: scale, candidates: [${Array.from({ length: n }, (_, i) => `m${i}`).join(', ')}], quality_floor: 0.7, cost_weight: 0.5, ${POLICY_YAML[policy]}, max_untried_share: 0.1, price_prior: true, learner: ${learner}, validators: [{ type: refusal }] }`,
    '',
  ].join('\n');
}

/**
 * Learned-looking evidence: each model a quality around 0.5-0.9 and 0-400 discounted observations; in an
 * ArmTable, as the gateway's LearnedState keeps a (route, context)'s arms (routing round 30).
 */
export function randomArms(modelIds: string[], random: Random): ArmTable {
  return new ArmTable(
    modelIds.map((modelId) => {
      const n = Math.floor(random() * 400);
      const q = 0.5 + 0.4 * random();
      return [modelId, { modelId, successes: q * n, failures: (1 - q) * n, completionTokens: 200 * n, costUsd: 0.001 * n, observations: n }];
    }),
  );
}

const PROMPTS = SAMPLE_PROMPTS;

export function requestFor(i: number, random: Random): ChatRequest {
  const text = PROMPTS[i % PROMPTS.length] + ' ' + 'context '.repeat(Math.floor(random() * 40));
  const turns = 1 + Math.floor(random() * 3);
  const messages: ChatRequest['messages'] = [];
  for (let t = 0; t < turns; t++) {
    messages.push({ role: 'user', content: text });
    if (t < turns - 1) messages.push({ role: 'assistant', content: 'Sure.' });
  }
  return { model: 'scale', messages };
}

/** Word models (`learner: hashed_words`) trained on `scored` of these requests with random outcomes. */
export function trainedWordArms(modelIds: string[], requests: ChatRequest[], scored: number, random: Random): LogisticArmState[] {
  return modelIds.map((id) => {
    const arm = emptyWordArm(id, 0.5 + 0.4 * random());
    for (let i = 0; i < scored; i++) applyLogisticObservation(arm, hashedPromptFeatures(requests[i % requests.length], { bits: WORD_MODEL.bits }), random() < 0.7 ? 1 : 0, 0.999);
    return arm;
  });
}

/**
 * Times `decisions` requests for each (models, contexts) cell. With `learner: hashed_words` the route
 * decides from one word model per model (the contexts' arms are looked up all the same, as the gateway
 * does, but only feed the report), so the cost is hashing the prompt and one dot product per model. The request's own context key comes
 * from the extractor; which learned context's arms it meets is drawn from `contexts` keys, so the
 * lookups spread over that many Maps as they would with that many live contexts. `policy`: the route's
 * safe-exploration options (`ScalePolicy`).
 */
export function runScaleSuite(decisions = 20_000, seed = 1, grid = SCALE_GRID, learner: ScaleCell['learner'] = 'prompt_contexts', policy: ScalePolicy = 'bench'): ScaleCell[] {
  const cells: ScaleCell[] = [];
  for (const n of grid.models) {
    const config = loadRoutingYaml(scaleRouterYaml(n, learner, policy));
    const route = config.routes.get('scale')!;
    for (const c of grid.contexts) {
      const random = seededRandom(seed * 31 + n * 7 + c);
      const ids = route.candidates;
      const routeArms = randomArms(ids, random);
      const contextArms = Array.from({ length: c }, () => randomArms(ids, random));
      const keys = contextArms.map((_, k) => `ctx${k}`);
      const requests = Array.from({ length: 512 }, (_, i) => requestFor(i, random));
      const wordArms = learner === 'hashed_words' ? trainedWordArms(ids, requests, 300, random) : undefined;
      const total: number[] = [];
      const plan: number[] = [];
      for (let i = 0; i < decisions + 1000; i++) {
        const request = requests[i % requests.length];
        const k = Math.floor(random() * c);
        const t0 = process.hrtime.bigint();
        const context = extractPromptContext(request, {});
        const t1 = process.hrtime.bigint();
        const result = planRoute({
          route,
          models: config.models,
          request,
          promptTokens: estimatePromptTokens(request),
          arms: routeArms,
          contextKey: `${context.contextKey}|${keys[k]}`,
          contextArms: contextArms[k],
          ...(wordArms ? { wordArms } : {}),
          spentTodayUsd: 0,
          random,
          observations: { expectedTtftMs: () => undefined, spentTodayByTier: () => 0, dayElapsedFraction: () => 0.5 },
        });
        const t2 = process.hrtime.bigint();
        if (result.models.length === 0) throw new Error('no model planned');
        if (wordArms && result.features === undefined) throw new Error('the word learner did not decide');
        if (i < 1000) continue; // warm-up: JIT and caches
        total.push(Number(t2 - t0) / 1000);
        plan.push(Number(t2 - t1) / 1000);
      }
      const blockP50us = blockMedians(total, SCALE_BLOCK);
      total.sort((a, b) => a - b);
      plan.sort((a, b) => a - b);
      cells.push({
        learner,
        policy,
        models: n,
        contexts: c,
        decisions,
        p50us: quantile(total, 0.5),
        p99us: quantile(total, 0.99),
        planP50us: quantile(plan, 0.5),
        planP99us: quantile(plan, 0.99),
        blockP50us,
      });
    }
  }
  return cells;
}
