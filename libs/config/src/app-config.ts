import type { ParamRules } from '../../providers/src/catalog/param-rules';
import type { ThinkingDisplay, ThinkingMode } from '../../providers/src/catalog/thinking-mode';
import type { ProviderSettings } from '../../providers/src/provider-settings';
import type { PromptTransformConfig } from './prompt-template.schema';
import type { ValidatorConfig } from './router-config.schema';

export interface ModelSpec {
  id: string;
  providerId: string;
  upstream: string;
  inputPer1M: number;
  outputPer1M: number;
  contextWindow: number;
  /** The most tokens the model writes in one answer, when known (`max_output_tokens`). */
  maxOutputTokens?: number;
  timeouts: TimeoutSpec;
  /** Price of a prompt-cache hit per 1M tokens, when it differs from inputPer1M. */
  cachedInputPer1M?: number;
  /** What the model supports; absent means everything (a request is never excluded for it). */
  capabilities?: ModelCapabilities;
  /** Request parameters the model refuses or names differently (`drop_params`, `rename_params`); absent: none. */
  paramRules?: ParamRules;
  /** How prompt tokens are counted before the call: exactly (`o200k_base`) or estimated. */
  tokenizer?: 'o200k_base' | 'estimate';
  /** With the estimate: the model's tokens per estimated token (`token_scale`); absent: 1. */
  tokenScale?: number;
  /** For prompt templates that apply to a family; by default the provider's preset or kind. */
  family?: string;
  /** The prompt template applied when a request goes to this model (model-level wins over family). */
  promptTemplate?: PromptTemplateSpec;
  /** Time to first token assumed until the gateway has observed the model (`expected_ttft_ms`). */
  expectedTtftMs?: number;
  /** Prices for the whole request when its prompt has more than `abovePromptTokens` tokens (`long_context`). */
  longContext?: LongContextPrices;
  /** The date its provider turns the model off (YYYY-MM-DD), from the model catalog's `shutdown`. */
  shutdownDate?: string;
  /** Whether the model thinks on the gateway's calls (`thinking`, from the catalog or the config); unset: not known. */
  thinking?: ThinkingMode;
  /** Claude models: what their thinking blocks carry back (`thinking_display`); unset: the model's default. */
  thinkingDisplay?: ThinkingDisplay;
}

export interface LongContextPrices { abovePromptTokens: number; inputPer1M: number; outputPer1M: number; cachedInputPer1M?: number }

export interface ModelCapabilities { tools: boolean; vision: boolean; json_schema: boolean; reasoning: boolean; forced_tool_choice: boolean; assistant_prefill: boolean }

export interface PromptTemplateSpec {
  name: string;
  /** Replaces the system prompt; `{{system}}` is the client's system prompt, `{{model}}` the model id. */
  system?: string;
  transforms: PromptTransformConfig[];
}

/** Per model, and per route (the route's wins); see docs/fallbacks.md. */
export interface TimeoutSpec { connectMs?: number; firstByteMs?: number; ttftMs?: number; idleMs?: number; totalMs?: number }

/** A route's fallback chain and retry policy (defaults apply when a route has none). */
export interface FailoverSpec {
  fallbacks?: string[];
  order: 'ranked' | 'listed' | 'price';
  maxModels: number;
  retries: number;
  backoffBaseMs: number;
  backoffMaxMs: number;
  maxRetryAfterMs: number;
  timeouts: TimeoutSpec;
}

/** The constraints a route states, and each of its tiers overrides; see docs/routing.md. */
export interface RouteConstraints {
  qualityFloor: number;
  budgetUsdPerDay?: number;
  maxPriceUsdPerRequest?: number;
  /** Expected time to first token above which a model serves only when nothing faster can. */
  maxTtftMs?: number;
  /** Provider ids whose models may serve; every provider when unset. */
  allowedProviders?: readonly string[];
  costWeight?: number;
}

/** A tier's constraints with the route's filled in where the tier says nothing. */
export interface TierSpec extends RouteConstraints {
  name: string;
}

export interface RouteSpec extends RouteConstraints {
  name: string;
  candidates: string[];
  discount: number;
  /** Explicit feedback's share of the reward (0..1); 0.5 when the file leaves it out. */
  feedbackWeight?: number;
  validators: ValidatorConfig[];
  /** LLM-as-a-judge on a sample of the route's answers; absent: none. */
  judge?: JudgeSpec;
  failover?: FailoverSpec;
  /** A route made for a request that names a model directly. */
  implicit: boolean;
  /** Keyed by the request's `metadata.tier`. */
  tiers?: ReadonlyMap<string, TierSpec>;
  /** Cold-start prior mean quality per candidate, from its price among the route's candidates. */
  priorQuality?: Readonly<Record<string, number>>;
  /** Bound on an untried model's share of traffic while a tried model can serve (0..1). */
  maxUntriedShare?: number;
  /** Safe exploration set by the operator: confidence a model must be proven at before it serves freely (RoutePolicy.floorConfidence). */
  floorConfidence?: number;
  /**
   * Safe exploration gated by how late the route's scores arrive (`floor_confidence: auto`;
   * GATED_SAFE_EXPLORATION in libs/router). Never with `floorConfidence`.
   */
  gatedSafeExploration?: boolean;
  /** With `floorConfidence`: an unproven model is only explored as funded, never served outright (RoutePolicy.outrightMargin). */
  strictFloor?: boolean;
  /** With `floorConfidence`: a guaranteed share for cheaper unproven models (RoutePolicy.exploreCheaperShare), 0..0.5. */
  exploreCheaperShare?: number;
  /** A model clears the floor only if it also reaches this fraction of the best model's quality. */
  relativeFloor?: number;
  /** Observations' worth of the route-level belief a prompt context starts from (when unset: 32 with safe exploration, else 8). */
  contextPriorStrength?: number;
  /** What quality is learned from: prompt contexts (when unset) or the prompt's hashed words. */
  learner?: RouteLearner;
}

/** A route's judge model (route option `judge`, docs/routing.md). */
export interface JudgeSpec {
  /** A configured chat model id. */
  modelId: string;
  /** Share of served requests judged, 0..1. */
  sampleRate: number;
  /** The judge's share of the validator reward, 0..1. */
  weight: number;
  rubric?: string;
  maxTokens: number;
}

export type RouteLearner = 'prompt_contexts' | 'hashed_words';

/**
 * A route's `discount` when its file sets none: each score of a context multiplies the context's
 * evidence by it, so a context remembers about 1 / (1 - discount) scores.
 * - `prompt_contexts`: 0.9999, the memory every zoo and replay reading in docs/benchmarks.md is taken
 *   at. At 0.99 (the default until session 25) both gateway routers missed every zoo target (round 33:
 *   80-99% of windows below the floor without safe exploration); at 0.999 and 0.9995 the default router
 *   still misses the floor (round 35). The drift detector, not the discount, follows a regression.
 * - `hashed_words`: 0.9999 too since session 26 (round 40): at 0.99 the word learner had 78-98% of
 *   windows below the floor in the zoo and at the gateway's regime, at 0.9999 4-9% in the feasible
 *   scenarios (3.6-4.6% with the worker's drift detector and planRoute's untried cap, round 41). The price: a word model that starts on the wrong path keeps it longer (round 16's path
 *   bench: seeds under 0.5 on the cheap model's topic 7% -> 15%), which costs money, not quality.
 */
export const DEFAULT_DISCOUNT = 0.9999;

/** The one-model route of a request that names a configured model directly (`model: "gpt-4o-mini"`). */
export function implicitRoute(modelId: string): RouteSpec {
  return { name: modelId, candidates: [modelId], qualityFloor: 0, discount: DEFAULT_DISCOUNT, validators: [], implicit: true };
}

/**
 * Whether a request's `model` may name `name` here: a route, a chat model (its implicit route), an
 * embedding route or an embedding model. These are the names route budgets and keys' `allowed_routes` match.
 */
export function servesName(config: Pick<AppConfig, 'routes' | 'models' | 'embeddingRoutes' | 'embeddingModels'>, name: string): boolean {
  return config.routes.has(name) || config.models.has(name) || config.embeddingRoutes.has(name) || config.embeddingModels.has(name);
}

/** A model of `POST /v1/embeddings` (`type: embedding`, or a catalog embedding model). */
export interface EmbeddingModelSpec {
  id: string;
  providerId: string;
  upstream: string;
  /** USD per 1M input tokens: an embedding call costs its input tokens at this price. */
  inputPer1M: number;
  /** The most tokens one input may have (the catalog's `max_input_tokens`, or `context_window`). */
  maxInputTokens: number;
  /** The model's own vector size, when known. */
  dimensions?: number;
  /** Set when the model takes the `dimensions` parameter: the smallest size it gives. */
  minDimensions?: number;
  /** The catalog id the model was configured from: two models with the same one are the same model. */
  catalogId?: string;
  timeouts: TimeoutSpec;
  shutdownDate?: string;
}

/** An `embedding_routes` entry: a name that pins one embedding model (and the same model elsewhere). */
export interface EmbeddingRouteSpec {
  name: string;
  model: string;
  /** The same catalog model at other providers, tried after the model's retries. */
  fallbacks: string[];
  retries: number;
  /** A hard daily budget on the route (`budget_usd_per_day`), as a chat route's. */
  budgetUsdPerDay?: number;
}

/** The whole validated configuration, built once at start-up. */
export interface AppConfig {
  host: string;
  port: number;
  databaseUrl?: string;
  /** DATABASE_TIMEOUT_MS: on a Postgres server, the bound on one statement and on the wait for a connection. */
  databaseTimeoutMs: number;
  redisUrl?: string;
  dataDir: string;
  /** SHA-256 hex digests of the accepted gateway keys; empty means no key is required. */
  gatewayKeyHashes: string[];
  /** SHA-256 hex digest of ADMIN_API_KEY; the admin API is off without it. */
  adminKeyHash?: string;
  logLevel: 'debug' | 'info' | 'warn' | 'error' | 'silent';
  statsRefreshMs: number;
  bodyLimitBytes: number;
  recordFlushMs: number;
  inlineWorker: boolean;
  workerConcurrency: number;
  queuePrefix: string;
  providers: ProviderSettings[];
  /** Chat models (route candidates, or named directly); embedding models are in `embeddingModels`. */
  models: ReadonlyMap<string, ModelSpec>;
  routes: ReadonlyMap<string, RouteSpec>;
  embeddingModels: ReadonlyMap<string, EmbeddingModelSpec>;
  embeddingRoutes: ReadonlyMap<string, EmbeddingRouteSpec>;
  /** Where the routing config came from, for the start-up log. */
  source: string;
}

export type { ValidatorConfig };
