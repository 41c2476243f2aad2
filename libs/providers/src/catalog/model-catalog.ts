import { z } from 'zod';
import type { Usage } from '../../../core/src';
import catalogJson from './model-catalog.json';
import { paramRulesSchema } from './param-rules';

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
  capabilities: z.object({ tools: z.boolean(), vision: z.boolean(), json_schema: z.boolean(), reasoning: z.boolean(), forced_tool_choice: z.boolean().default(true) }).strict(),
  /** Request parameters the model refuses or names differently (`param-rules.ts`). */
  ...paramRulesSchema,
  /** The date these prices were last read on the provider's official pages (at most `prices_as_of`). */
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
});

export type CatalogModel = z.infer<typeof modelSchema>;
export type ModelCatalog = z.infer<typeof catalogSchema>;

export function parseModelCatalog(json: unknown): ModelCatalog {
  const catalog = catalogSchema.parse(json);
  const seen = new Set<string>();
  for (const model of catalog.models) {
    if (seen.has(model.id)) throw new Error(`Model catalog lists "${model.id}" twice.`);
    seen.add(model.id);
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

/**
 * List-price cost of a call in USD. Cache hits (`prompt_tokens_details.cached_tokens`) are billed at
 * `cached_input` when the model has one; reasoning tokens are already inside `completion_tokens`.
 */
export function costUsd(model: CatalogModel, usage: Pick<Usage, 'prompt_tokens' | 'completion_tokens' | 'prompt_tokens_details'>): number {
  const cached = Math.min(usage.prompt_tokens_details?.cached_tokens ?? 0, usage.prompt_tokens);
  const uncached = usage.prompt_tokens - cached;
  const cachedPrice = model.cached_input ?? model.input;
  return (uncached * model.input + cached * cachedPrice + usage.completion_tokens * model.output) / 1_000_000;
}
