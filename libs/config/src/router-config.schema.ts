import { z } from 'zod';
import { MAX_COUNTER_USD } from '../../budget/src/money';
import { paramRulesSchema } from '../../providers/src/catalog/param-rules';
import { thinkingDisplaySchema, thinkingSchema } from '../../providers/src/catalog/thinking-mode';
import { providerKindServesEmbeddings } from '../../providers/src/provider.registry';
import { capabilitiesSchema, promptTemplateConfigSchema, tokenizerSchema } from './prompt-template.schema';
import { resolveRouterConfig } from './resolve-router-config';
import { DEFAULT_MAX_UNTRIED_SHARE } from '../../router/src/untried-cap';

/** The YAML file named by ROUTER_CONFIG: providers, models and routes. See config/router.example.yaml. */
const id = z.string().min(1).regex(/^[A-Za-z0-9._:\/-]+$/, 'use letters, digits and . _ : / -');

/** `inline: true`: checked before a non-streamed answer is returned; a failure moves on to the next model. */
const inline = { inline: z.boolean().optional() };

export const validatorConfigSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('regex'), pattern: z.string().min(1), flags: z.string().regex(/^[gimsuy]*$/).optional(), expect: z.enum(['match', 'no_match']).default('match'), ...inline }),
  z.object({ type: z.literal('contains'), text: z.string().min(1), case_sensitive: z.boolean().default(false), expect: z.enum(['present', 'absent']).default('present'), ...inline }),
  z.object({ type: z.literal('max_length'), chars: z.number().int().positive(), ...inline }),
  z.object({ type: z.literal('refusal'), ...inline }),
]);

export const providerConfigSchema = z
  .object({
    id,
    /** A key of PROVIDER_PRESETS (libs/providers): fills kind, base_url, auth, quirks and key variable. */
    preset: z.string().min(1).optional(),
    kind: z.string().min(1).optional(),
    base_url: z.string().url().optional(),
    /** Values for the preset's URL placeholders (Azure: resource, deployment, apiVersion). */
    variables: z.record(z.string()).optional(),
    api_key_env: z.string().regex(/^[A-Z_][A-Z0-9_]*$/, 'an environment variable name').optional(),
    auth_header: z.string().optional(),
    chat_path: z.string().startsWith('/').optional(),
    /** OpenAI-compatible hosts: the embeddings path after base_url (`/embeddings` by default). */
    embeddings_path: z.string().startsWith('/').optional(),
    headers: z.record(z.string()).optional(),
    drop_fields: z.array(z.string()).optional(),
    rename_fields: z.record(z.string()).optional(),
    /** OpenAI's newer tool forms this host takes as they are (docs/providers.md); the preset's otherwise. */
    tool_forms: z.array(z.enum(['allowed_tools', 'custom_tools'])).optional(),
  })
  .strict();

/** Connect and time to first token (first content chunk), besides first byte / idle / total; see docs/fallbacks.md. */
const failoverTimeouts = { connect_ms: z.number().int().positive().optional(), ttft_ms: z.number().int().positive().optional() };

/** A route's fallback chain, retries and timeouts; see docs/fallbacks.md. */
export const failoverConfigSchema = z
  .object({
    /** Tried in this order after the bandit's choice; by default the bandit's ranking of the candidates. */
    fallbacks: z.array(id).optional(),
    /** `price`: the chain after the first model goes cheapest first (a cheap-first cascade). */
    order: z.enum(['ranked', 'listed', 'price']).default('ranked'),
    max_models: z.number().int().min(1).max(10).default(3),
    /** Retries on the same model (429, 5xx, connection, timeout) before moving on. */
    retries: z.number().int().min(0).max(5).default(1),
    backoff_base_ms: z.number().int().nonnegative().default(100),
    backoff_max_ms: z.number().int().nonnegative().default(2000),
    /** A 429 asking to wait longer than this moves on to the next model at once. */
    max_retry_after_ms: z.number().int().nonnegative().default(2000),
    timeouts: z
      .object({ first_byte_ms: z.number().int().positive().optional(), idle_ms: z.number().int().positive().optional(), total_ms: z.number().int().positive().optional(), ...failoverTimeouts })
      .strict()
      .optional(),
  })
  .strict();

export const modelConfigSchema = z
  .object({
    id,
    /** An id of the model catalog (libs/providers): fills provider, upstream, prices, context window, capabilities. */
    catalog: z.string().min(1).optional(),
    /**
     * `embedding`: a model of POST /v1/embeddings (a catalog embedding model is one already). Priced per
     * input token (`input_per_1m`); never a route candidate. See docs/providers.md (Embeddings).
     */
    type: z.enum(['chat', 'embedding']).optional(),
    /** Embedding models: the model's own vector size (from the catalog unless given). */
    dimensions: z.number().int().positive().optional(),
    /** Embedding models that take the `dimensions` parameter: the smallest size they give (from the catalog unless given). */
    min_dimensions: z.number().int().positive().optional(),
    provider: id.optional(),
    upstream: z.string().min(1).optional(),
    input_per_1m: z.number().nonnegative().optional(),
    output_per_1m: z.number().nonnegative().optional(),
    cached_input_per_1m: z.number().nonnegative().optional(),
    /** A zero price on a provider that is not on this machine is refused unless the model says it is free. */
    free: z.boolean().optional(),
    context_window: z.number().int().positive().optional(),
    /**
     * The most tokens the model writes in one answer (from the catalog, or given here). Sent as the
     * limit to providers that need one on every request (Anthropic) when the client sets none.
     */
    max_output_tokens: z.number().int().positive().optional(),
    capabilities: capabilitiesSchema.partial().optional(),
    /**
     * Prices for the whole request when its prompt has more than `above_prompt_tokens` tokens (some
     * providers bill long prompts at a dearer tier). From the catalog while the model takes the
     * catalog's upstream and prices; given here, it wins. See docs/providers.md.
     */
    long_context: z
      .object({
        above_prompt_tokens: z.number().int().positive(),
        input_per_1m: z.number().nonnegative(),
        output_per_1m: z.number().nonnegative(),
        cached_input_per_1m: z.number().nonnegative().optional(),
      })
      .strict()
      .optional(),
    /**
     * Request parameters the model refuses (left out of its calls) or takes under another name; from
     * the catalog unless given here (an empty list clears the catalog's). See docs/providers.md.
     */
    ...paramRulesSchema,
    tokenizer: tokenizerSchema.optional(),
    /**
     * With `tokenizer: estimate`, the model's tokens per token of the chars/4 estimate (Claude 4.7 and
     * later count about 1.3); from the catalog unless given here. Scales the estimate used for the
     * context-window check, the price cap and the bandit's expected cost; billing uses reported usage.
     */
    token_scale: z.number().min(0.5).max(3).optional(),
    /** For prompt templates; by default the provider's preset (or kind). */
    family: z.string().min(1).optional(),
    /** Whether the model thinks on the gateway's calls (`always` / `off`); from the catalog unless given here. See docs/providers.md. */
    thinking: thinkingSchema.optional(),
    /** Claude models: what their thinking blocks carry back, `summarized` or `omitted`; unset: the model's default. See docs/providers.md. */
    thinking_display: thinkingDisplaySchema.optional(),
    /**
     * Time to first token assumed before the gateway has observed the model on streamed requests
     * (routes' `max_ttft_ms`); observations soon outweigh it. See docs/routing.md.
     */
    expected_ttft_ms: z.number().int().positive().optional(),
    timeouts: z
      .object({ first_byte_ms: z.number().int().positive().optional(), idle_ms: z.number().int().positive().optional(), total_ms: z.number().int().positive().optional(), ...failoverTimeouts })
      .strict()
      .optional(),
  })
  .strict();

/**
 * What the operator states a route's answers must respect; a route's `tiers` override any of them for
 * the requests whose `metadata.tier` names the tier. See docs/routing.md.
 */
const routeConstraints = {
  budget_usd_per_day: z.number().positive().max(MAX_COUNTER_USD, `at most ${MAX_COUNTER_USD} (what the budget counters hold)`).optional(),
  max_price_per_request_usd: z.number().positive().optional(),
  /** Models whose expected time to first token is above this get traffic only when no faster one can serve. */
  max_ttft_ms: z.number().int().positive().optional(),
  /** Provider ids whose models may serve (e.g. only providers approved for a jurisdiction); all when unset. */
  allowed_providers: z.array(id).min(1).optional(),
  /**
   * Quality the route gives up to save one USD. Unset: the cheapest model that clears the floor wins.
   * Set: among those, the one with the best quality net of cost x this weight (see docs/benchmarks.md).
   */
  cost_weight: z.number().nonnegative().optional(),
};

/** A route's judge model: which configured chat model grades its answers, how often and how much it counts. */
export const judgeConfigSchema = z
  .object({
    model: id,
    /** Share of the route's served requests whose answer is judged (decided in the gateway). */
    sample_rate: z.number().min(0).max(1).default(0.1),
    /** The judge's share of the validator reward when every validator passed: (1 - weight) + weight x grade. */
    weight: z.number().min(0).max(1).default(0.5),
    /** What a good answer is on this route, given to the judge with its instructions. */
    rubric: z.string().min(1).max(4000).optional(),
    /** The judge's output limit (its verdict is one short JSON object). */
    max_tokens: z.number().int().min(16).max(4096).default(256),
  })
  .strict();

/** A request tier's stricter (or looser) constraints; unset fields are the route's. */
export const tierConfigSchema = z
  .object({ quality_floor: z.number().min(0).max(1).optional(), ...routeConstraints })
  .strict();

export const routeConfigSchema = z
  .object({
    name: id,
    candidates: z.array(id).min(1),
    quality_floor: z.number().min(0).max(1).default(0.8),
    ...routeConstraints,
    /**
     * Cold start: an untried model (less than one observation's worth of evidence) that wins the draw is
     * taken only with this probability while a tried one can serve, so its traffic share stays below it
     * until its first score; off once every candidate has been scored (UNTRIED_WARMUP_EVIDENCE, docs/routing.md).
     */
    max_untried_share: z.number().min(0).max(1).default(DEFAULT_MAX_UNTRIED_SHARE),
    /** Cold start: each model's prior quality from its price relative to the route's other candidates. */
    price_prior: z.boolean().default(true),
    /**
     * Safe exploration (docs/routing.md): a model not yet *proven* to clear the floor (its posterior's
     * lower 1 - floor_confidence quantile below it) is served only as far as a proven model's margin
     * over the floor pays for it. For routes whose scores are noisy, late or partial. Unset: off.
     * `auto`: gated by how late the route's scores arrive (0.8 with `explore_cheaper_share` 0.3 while
     * they arrive promptly, else 0.9; routing round 31; `learner: prompt_contexts` only).
     */
    floor_confidence: z.union([z.number().gt(0.5).lt(1), z.literal('auto')]).optional(),
    /**
     * With `floor_confidence`: an unproven model is never served outright, even while its posterior mean
     * clears the floor; it is explored only as far as a proven model's surplus over the floor pays for it
     * (RoutePolicy.outrightMargin at the confidence's z). Fewer windows below the floor for some cost
     * (docs/routing.md). Needs `floor_confidence`.
     */
    strict_floor: z.boolean().default(false),
    /**
     * With `floor_confidence`: each unproven model costing at most half the context's cheapest proven
     * model, and not refuted by its scores, is served on up to this share of requests whatever its draw,
     * as far as the proven model's surplus over the floor pays (RoutePolicy.exploreCheaperShare; also
     * an outright margin of 0.5). Against a cheap model starved by noisy, late or partial scores
     * (docs/routing.md). 0..0.5; unset or 0: off. Needs `floor_confidence`.
     */
    explore_cheaper_share: z.number().min(0).max(0.5).optional(),
    /**
     * A model clears the floor only if it also reaches this fraction of the best model's quality
     * (e.g. 0.95: a cheaper model serves a context while it is within 5% of the best). Unset: absolute
     * floor only. The RouteLLM replay traces its quality/cost curve with this (docs/benchmarks.md).
     */
    relative_floor: z.number().gt(0).max(1).optional(),
    /**
     * How many observations' worth of the route-level belief a new prompt context starts from: higher
     * shares more across contexts, lower lets a context's own evidence take over sooner. Unset: 32 with
     * safe exploration (`floor_confidence`), else 8.
     */
    context_prior_strength: z.number().min(0).optional(),
    /**
     * What the route learns quality from: `prompt_contexts` (per prompt context, with sharing across
     * contexts) or `hashed_words` (one online logistic regression per model over the prompt's hashed
     * words: tells apart prompts of the same context by their words; docs/routing.md).
     */
    learner: z.enum(['prompt_contexts', 'hashed_words']).default('prompt_contexts'),
    /** Keyed by the request's `metadata.tier` (e.g. `free`, `pro`). */
    tiers: z.record(z.string().min(1).max(64), tierConfigSchema).optional(),
    /**
     * How fast old evidence fades: each scored response multiplies its context's evidence by this.
     * Unset: `DEFAULT_DISCOUNT` (0.9999, for either learner).
     */
    discount: z.number().gt(0).max(1).optional(),
    /**
     * Explicit feedback's share of a request's reward against the validators' (POST /v1/feedback):
     * 0.5 averages the two (a thumbs-down on an answer that passed its checks scores 0.5), 1 makes the
     * user's verdict the reward, 0 ignores feedback for learning (it is still stored and reported).
     */
    feedback_weight: z.number().min(0).max(1).default(0.5),
    validators: z.array(validatorConfigSchema).default([]),
    /**
     * LLM-as-a-judge (docs/routing.md, Judge model): a configured chat model grades a sample of the
     * route's answers 1-10 in the worker; its normalised grade is `weight` of the validators' reward.
     */
    judge: judgeConfigSchema.optional(),
    failover: failoverConfigSchema.optional(),
  })
  .strict();

/**
 * A name for `POST /v1/embeddings` that pins one embedding model: vectors of different models live in
 * different spaces, so nothing is learned and nothing falls back to another model. `fallbacks`: the
 * same catalog model at other providers (each names the same `catalog` id), tried after the model's
 * retries. See docs/routing.md (Embeddings).
 */
export const embeddingRouteConfigSchema = z
  .object({
    name: id,
    model: id,
    fallbacks: z.array(id).optional(),
    /** Retries on the same model (429, 5xx, connection, timeout) before a fallback or the error. */
    retries: z.number().int().min(0).max(5).default(2),
    /** A hard daily budget on this route, as a chat route's (docs/cost-control.md). */
    budget_usd_per_day: routeConstraints.budget_usd_per_day,
  })
  .strict();

export const routerConfigSchema = z
  .object({
    providers: z.array(providerConfigSchema).default([]),
    models: z.array(modelConfigSchema).default([]),
    routes: z.array(routeConfigSchema).default([]),
    embedding_routes: z.array(embeddingRouteConfigSchema).default([]),
    prompt_templates: z.array(promptTemplateConfigSchema).default([]),
  })
  .strict()
  .transform(resolveRouterConfig)
  .superRefine((cfg, ctx) => {
    const duplicates = (values: string[], path: string) => {
      const seen = new Set<string>();
      values.forEach((v, i) => {
        if (seen.has(v)) ctx.addIssue({ code: 'custom', path: [path, i], message: `duplicate id "${v}"` });
        seen.add(v);
      });
    };
    duplicates(cfg.providers.map((p) => p.id), 'providers');
    duplicates(cfg.models.map((m) => m.id), 'models');
    duplicates(cfg.routes.map((r) => r.name), 'routes');
    duplicates(cfg.embedding_routes.map((r) => r.name), 'embedding_routes');
    const providers = new Set(cfg.providers.map((p) => p.id));
    const embeddingModels = new Set(cfg.models.filter((m) => m.type === 'embedding').map((m) => m.id));
    // Route candidates and fallbacks are chat models: an embedding model there is named as such.
    const models = new Set(cfg.models.filter((m) => m.type !== 'embedding').map((m) => m.id));
    const unknownChatModel = (c: string) => (embeddingModels.has(c) ? `"${c}" is an embedding model (served by POST /v1/embeddings, named there or in embedding_routes), not a chat model` : `unknown model "${c}"`);
    cfg.models.forEach((m, i) => {
      const provider = cfg.providers.find((p) => p.id === m.provider);
      if (!providers.has(m.provider)) ctx.addIssue({ code: 'custom', path: ['models', i, 'provider'], message: `unknown provider "${m.provider}"` });
      else if (m.type === 'embedding' && provider && !providerKindServesEmbeddings(provider.kind)) {
        ctx.addIssue({ code: 'custom', path: ['models', i, 'provider'], message: `embedding model "${m.id}": provider "${m.provider}" (kind ${provider.kind}) has no embeddings API` });
      }
      if (m.thinking_display !== undefined && provider && provider.kind !== 'anthropic') {
        ctx.addIssue({ code: 'custom', path: ['models', i, 'thinking_display'], message: `model "${m.id}": thinking_display is Claude's (provider kind anthropic); provider "${m.provider}" is kind ${provider.kind}` });
      }
      // An embedding model has no output tokens: only its input price is checked.
      for (const problem of pricingProblems(m, provider?.base_url, m.type === 'embedding' ? ['input_per_1m'] : undefined)) ctx.addIssue({ code: 'custom', path: ['models', i, problem.field], message: problem.message });
    });
    const routeNames = new Set(cfg.routes.map((r) => r.name));
    const catalogOf = new Map(cfg.models.map((m) => [m.id, m.catalog]));
    cfg.embedding_routes.forEach((r, i) => {
      if (models.has(r.name) || embeddingModels.has(r.name)) ctx.addIssue({ code: 'custom', path: ['embedding_routes', i, 'name'], message: `embedding route name "${r.name}" is also a model id` });
      if (routeNames.has(r.name)) ctx.addIssue({ code: 'custom', path: ['embedding_routes', i, 'name'], message: `embedding route name "${r.name}" is also a route name` });
      const isEmbedding = (id: string, path: Array<string | number>) => {
        if (embeddingModels.has(id)) return true;
        ctx.addIssue({ code: 'custom', path, message: models.has(id) ? `"${id}" is a chat model; an embedding route pins an embedding model` : `unknown embedding model "${id}"` });
        return false;
      };
      if (!isEmbedding(r.model, ['embedding_routes', i, 'model'])) return;
      const catalog = catalogOf.get(r.model);
      r.fallbacks?.forEach((f, j) => {
        const path = ['embedding_routes', i, 'fallbacks', j];
        if (!isEmbedding(f, path)) return;
        // Vectors of different models are not comparable: only the catalog can say two are the same model.
        if (catalog === undefined || catalogOf.get(f) !== catalog) {
          ctx.addIssue({ code: 'custom', path, message: `fallback "${f}" must name the same catalog model as "${r.model}"${catalog ? ` (catalog: ${catalog})` : ' (which names none)'}: embeddings of different models live in different vector spaces` });
        }
      });
    });
    cfg.routes.forEach((r, i) => {
      if (models.has(r.name) || embeddingModels.has(r.name)) ctx.addIssue({ code: 'custom', path: ['routes', i, 'name'], message: `route name "${r.name}" is also a model id` });
      r.failover?.fallbacks?.forEach((c, j) => {
        if (!models.has(c)) ctx.addIssue({ code: 'custom', path: ['routes', i, 'failover', 'fallbacks', j], message: unknownChatModel(c) });
      });
      r.candidates.forEach((c, j) => {
        if (!models.has(c)) ctx.addIssue({ code: 'custom', path: ['routes', i, 'candidates', j], message: unknownChatModel(c) });
      });
      const providerOf = new Map(cfg.models.map((m) => [m.id, m.provider]));
      const checkAllowed = (allowed: string[] | undefined, path: Array<string | number>, what: string) => {
        if (!allowed) return;
        allowed.forEach((p, j) => {
          if (!providers.has(p)) ctx.addIssue({ code: 'custom', path: [...path, j], message: `unknown provider "${p}"` });
        });
        const served = r.candidates.filter((c) => allowed.includes(providerOf.get(c) ?? ''));
        if (served.length === 0) {
          const offered = [...new Set(r.candidates.map((c) => providerOf.get(c)).filter(Boolean))].join(', ');
          ctx.addIssue({ code: 'custom', path, message: `${what} allows providers [${allowed.join(', ')}] but none of its candidates is served by them (they use: ${offered})` });
        }
      };
      if (r.judge && !models.has(r.judge.model)) ctx.addIssue({ code: 'custom', path: ['routes', i, 'judge', 'model'], message: unknownChatModel(r.judge.model) });
      if (r.strict_floor && typeof r.floor_confidence !== 'number') {
        ctx.addIssue({ code: 'custom', path: ['routes', i, 'strict_floor'], message: `route "${r.name}": strict_floor needs floor_confidence (the confidence a model must be proven at), e.g. 0.9` });
      }
      if (r.floor_confidence === 'auto' && r.learner === 'hashed_words') {
        ctx.addIssue({ code: 'custom', path: ['routes', i, 'floor_confidence'], message: `route "${r.name}": floor_confidence: auto is for learner: prompt_contexts (not benchmarked with the word learner); give a number, e.g. 0.9` });
      }
      if (r.explore_cheaper_share && typeof r.floor_confidence !== 'number') {
        ctx.addIssue({ code: 'custom', path: ['routes', i, 'explore_cheaper_share'], message: `route "${r.name}": explore_cheaper_share needs floor_confidence (the confidence a model must be proven at), e.g. 0.8` });
      }
      checkAllowed(r.allowed_providers, ['routes', i, 'allowed_providers'], `route "${r.name}"`);
      for (const [tier, t] of Object.entries(r.tiers ?? {})) {
        checkAllowed(t.allowed_providers, ['routes', i, 'tiers', tier, 'allowed_providers'], `tier "${tier}" of route "${r.name}"`);
      }
      // Listed fallbacks are tried whatever the bandit ranked: they must respect every provider list.
      const scopes: Array<[string[] | undefined, string]> = [[r.allowed_providers, 'the route']];
      for (const [tier, t] of Object.entries(r.tiers ?? {})) scopes.push([t.allowed_providers ?? r.allowed_providers, `tier "${tier}"`]);
      r.failover?.fallbacks?.forEach((c, j) => {
        const provider = providerOf.get(c);
        const refused = provider === undefined ? undefined : scopes.find(([allowed]) => allowed !== undefined && !allowed.includes(provider));
        if (refused) ctx.addIssue({ code: 'custom', path: ['routes', i, 'failover', 'fallbacks', j], message: `fallback "${c}" is served by provider "${provider}", which ${refused[1]} does not allow` });
      });
    });
  });

export type RouterConfigFile = z.infer<typeof routerConfigSchema>;
export type EmbeddingRouteConfig = z.infer<typeof embeddingRouteConfigSchema>;
export type ValidatorConfig = z.infer<typeof validatorConfigSchema>;
export type FailoverConfig = z.infer<typeof failoverConfigSchema>;
export type TierConfig = z.infer<typeof tierConfigSchema>;
export type JudgeConfig = z.infer<typeof judgeConfigSchema>;

/** USD per 1M tokens above which a price is taken for a typo (the dearest listed models are a few hundred). */
export const MAX_PRICE_PER_1M = 1000;
/** A non-zero price below this per 1M tokens is almost surely a per-token price. */
export const MIN_NONZERO_PRICE_PER_1M = 0.001;

/**
 * A mispriced model breaks every budget: refused at config load, not at request time. Prices must be
 * finite USD per 1M tokens between MIN_NONZERO_PRICE_PER_1M and MAX_PRICE_PER_1M, or zero; zero on a
 * provider that is not on loopback needs `free: true`. See docs/cost-control.md.
 */
export function pricingProblems(
  m: { input_per_1m: number; output_per_1m: number; free?: boolean },
  providerBaseUrl: string | undefined,
  fields: ReadonlyArray<'input_per_1m' | 'output_per_1m'> = ['input_per_1m', 'output_per_1m'],
): Array<{ field: string; message: string }> {
  const problems: Array<{ field: string; message: string }> = [];
  let local = false;
  try {
    local = ['127.0.0.1', 'localhost', '[::1]', '::1'].includes(new URL(providerBaseUrl ?? '').hostname);
  } catch {
    local = false;
  }
  for (const field of fields) {
    const price = m[field];
    if (!Number.isFinite(price) || price < 0) problems.push({ field, message: `price must be a finite, non-negative USD amount per 1M tokens (got ${price})` });
    else if (price > MAX_PRICE_PER_1M) problems.push({ field, message: `price ${price} USD per 1M tokens looks mispriced (above ${MAX_PRICE_PER_1M})` });
    else if (price > 0 && price < MIN_NONZERO_PRICE_PER_1M) problems.push({ field, message: `price ${price} looks like a per-token price; prices are USD per 1M tokens` });
    else if (price === 0 && !local && m.free !== true) problems.push({ field, message: 'a zero price on a remote provider needs `free: true` on the model (otherwise its spend escapes every budget)' });
  }
  return problems;
}
