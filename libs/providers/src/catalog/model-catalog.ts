import { z } from 'zod';
import catalogJson from './model-catalog.json';
import { paramRulesSchema } from './param-rules';
import { thinkingSchema } from './thinking-mode';

/**
 * Well-known models with list prices (USD per 1M tokens) and capabilities, as data
 * (model-catalog.json, with its `prices_as_of` date and `sources`). Validated once when loaded.
 */
const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/).refine((d) => !Number.isNaN(Date.parse(`${d}T00:00:00Z`)), 'not a calendar date');

/** When the provider turns the model off, as its own deprecation page says (docs/providers.md). */
const shutdownSchema = z.object({
  date: isoDate,
  /** The provider's page that gives the date. */
  source: z.string().url(),
  note: z.string().optional(),
}).strict();

/** A provider's dearer tier for long prompts, billed on the whole request (per 1M tokens). */
const longContextSchema = z.object({
  above_prompt_tokens: z.number().int().positive(),
  input: z.number().positive(),
  output: z.number().positive(),
  cached_input: z.number().positive().optional(),
}).strict();

const modelSchema = z.object({
  id: z.string().min(1),
  /** A key of PROVIDER_PRESETS. */
  preset: z.string().min(1),
  /** The model name the upstream expects. */
  upstream: z.string().min(1),
  input: z.number().positive(),
  output: z.number().positive(),
  /** Price of a prompt-cache hit, when it differs from `input`. */
  cached_input: z.number().positive().optional(),
  context_window: z.number().int().positive(),
  max_output_tokens: z.number().int().positive().optional(),
  /** A gpt-tokenizer encoding for exact counts, or `estimate`. */
  tokenizer: z.enum(['o200k_base', 'estimate']),
  /** With `estimate`: the model's tokens per token of the chars/4 estimate, where its tokenizer is known to count more. */
  token_scale: z.number().min(0.5).max(3).optional(),
  /** Whether the model thinks on the gateway's calls (thinking-mode.ts); unset: not known. */
  thinking: thinkingSchema.optional(),
  capabilities: z.object({ tools: z.boolean(), vision: z.boolean(), json_schema: z.boolean(), reasoning: z.boolean(), forced_tool_choice: z.boolean().default(true), assistant_prefill: z.boolean().default(true) }).strict(),
  /** Request parameters the model refuses or names differently (`param-rules.ts`). */
  ...paramRulesSchema,
  /** The date these prices were last read on the provider's official pages (at most `prices_as_of`). */
  price_checked: isoDate,
  shutdown: shutdownSchema.optional(),
  /** Prices for the whole request when its prompt has more than `above_prompt_tokens` tokens. */
  long_context: longContextSchema.optional(),
}).strict();

/**
 * A model of `POST /v1/embeddings`: priced per input token only (USD per 1M). `min_dimensions` is set
 * only for a model that takes the `dimensions` parameter (any size from it up to `dimensions`).
 */
const embeddingModelSchema = z.object({
  id: z.string().min(1),
  /** A key of PROVIDER_PRESETS. */
  preset: z.string().min(1),
  upstream: z.string().min(1),
  input: z.number().positive(),
  /** The most tokens one input may have. */
  max_input_tokens: z.number().int().positive(),
  /** The model's own vector size. */
  dimensions: z.number().int().positive(),
  min_dimensions: z.number().int().positive().optional(),
  price_checked: isoDate,
  shutdown: shutdownSchema.optional(),
}).strict();

const catalogSchema = z.object({
  /** The newest `price_checked` of the models. */
  prices_as_of: isoDate,
  currency: z.literal('USD'),
  price_unit: z.literal('per 1M tokens'),
  sources: z.array(z.string().url()).min(1),
  notes: z.array(z.string()).optional(),
  models: z.array(modelSchema).min(1),
  embedding_models: z.array(embeddingModelSchema).default([]),
});

export type CatalogModel = z.infer<typeof modelSchema>;
export type CatalogEmbeddingModel = z.infer<typeof embeddingModelSchema>;
export type ModelCatalog = z.infer<typeof catalogSchema>;

export function parseModelCatalog(json: unknown): ModelCatalog {
  const catalog = catalogSchema.parse(json);
  const seen = new Set<string>();
  for (const model of catalog.embedding_models) {
    if (seen.has(model.id)) throw new Error(`Model catalog lists "${model.id}" twice.`);
    seen.add(model.id);
    if (model.min_dimensions !== undefined && model.min_dimensions > model.dimensions) {
      throw new Error(`Model catalog: "${model.id}" has min_dimensions above its dimensions.`);
    }
    if (model.price_checked > catalog.prices_as_of) {
      throw new Error(`Model catalog: "${model.id}" has price_checked ${model.price_checked}, after prices_as_of ${catalog.prices_as_of}.`);
    }
  }
  for (const model of catalog.models) {
    if (seen.has(model.id)) throw new Error(`Model catalog lists "${model.id}" twice.`);
    seen.add(model.id);
    const tier = model.long_context;
    if (tier && (tier.input < model.input || tier.output < model.output || (tier.cached_input ?? tier.input) < (model.cached_input ?? model.input))) {
      throw new Error(`Model catalog: "${model.id}" has a long_context tier cheaper than its base prices.`);
    }
    if (model.price_checked > catalog.prices_as_of) {
      throw new Error(`Model catalog: "${model.id}" has price_checked ${model.price_checked}, after prices_as_of ${catalog.prices_as_of}.`);
    }
  }
  const newest = catalog.models.map((m) => m.price_checked).sort().at(-1);
  if (newest !== catalog.prices_as_of) {
    throw new Error(`Model catalog: prices_as_of ${catalog.prices_as_of} is not the newest price_checked (${newest}).`);
  }
  return catalog;
}

export const MODEL_CATALOG: ModelCatalog = parseModelCatalog(catalogJson);

const byId = new Map(MODEL_CATALOG.models.map((m) => [m.id, m]));

export function findCatalogModel(id: string): CatalogModel | undefined {
  return byId.get(id);
}

const embeddingById = new Map(MODEL_CATALOG.embedding_models.map((m) => [m.id, m]));

/** A catalog model of `POST /v1/embeddings` (ids are unique across chat and embedding models). */
export function findCatalogEmbeddingModel(id: string): CatalogEmbeddingModel | undefined {
  return embeddingById.get(id);
}
