import { z } from 'zod';
import type { Usage } from '../../../core/src';
import catalogJson from './model-catalog.json';
import { paramRulesSchema } from './param-rules';

/**
 * Well-known models with list prices (USD per 1M tokens) and capabilities, as data
 * (model-catalog.json, with its `prices_as_of` date and `sources`). Validated once when loaded.
 */
const modelSchema = z.object({
  id: z.string().min(1),
  /** A key of PROVIDER_PRESETS. */
  preset: z.string().min(1),
  /** The model name the upstream expects. */
  upstream: z.string().min(1),
  input: z.number().nonnegative(),
  output: z.number().nonnegative(),
  /** Price of a prompt-cache hit, when it differs from `input`. */
  cached_input: z.number().nonnegative().optional(),
  context_window: z.number().int().positive(),
  max_output_tokens: z.number().int().positive().optional(),
  /** A gpt-tokenizer encoding for exact counts, or `estimate`. */
  tokenizer: z.enum(['o200k_base', 'estimate']),
  capabilities: z.object({ tools: z.boolean(), vision: z.boolean(), json_schema: z.boolean(), reasoning: z.boolean() }),
  /** Request parameters the model refuses or names differently (`param-rules.ts`). */
  ...paramRulesSchema,
}).strict();

const catalogSchema = z.object({
  prices_as_of: z.string().regex(/^\d{4}-\d{2}-\d{2}$/),
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
