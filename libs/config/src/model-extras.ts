import { findCatalogModel } from '../../providers/src/catalog/model-catalog';
import { paramRulesOf } from '../../providers/src/catalog/param-rules';
import type { ModelSpec } from './app-config';
import type { RouterConfigFile } from './router-config.schema';

type ResolvedModelConfig = RouterConfigFile['models'][number];

/** The catalog-derived parts of a ModelSpec, and the prompt template that applies to the model. */
export function modelExtras(
  m: ResolvedModelConfig,
  templates: RouterConfigFile['prompt_templates'],
): Pick<ModelSpec, 'cachedInputPer1M' | 'maxOutputTokens' | 'capabilities' | 'paramRules' | 'tokenizer' | 'family' | 'promptTemplate' | 'shutdownDate' | 'longContext' | 'tokenScale' | 'thinking' | 'thinkingDisplay'> {
  const paramRules = paramRulesOf(m);
  // The catalog's shutdown date applies only while the model calls the catalog's upstream.
  const entry = m.catalog ? findCatalogModel(m.catalog) : undefined;
  const shutdownDate = entry?.upstream === m.upstream ? entry.shutdown?.date : undefined;
  const template = templates.find((t) => t.models.includes(m.id)) ?? templates.find((t) => t.families.includes(m.family));
  return {
    ...(m.cached_input_per_1m !== undefined ? { cachedInputPer1M: m.cached_input_per_1m } : {}),
    ...(m.max_output_tokens !== undefined ? { maxOutputTokens: m.max_output_tokens } : {}),
    capabilities: { ...m.capabilities },
    ...(paramRules ? { paramRules } : {}),
    tokenizer: m.tokenizer,
    ...(m.token_scale !== undefined && m.token_scale !== 1 ? { tokenScale: m.token_scale } : {}),
    family: m.family,
    ...(m.thinking !== undefined ? { thinking: m.thinking } : {}),
    ...(m.thinking_display !== undefined ? { thinkingDisplay: m.thinking_display } : {}),
    ...(shutdownDate ? { shutdownDate } : {}),
    ...(m.long_context
      ? {
          longContext: {
            abovePromptTokens: m.long_context.above_prompt_tokens,
            inputPer1M: m.long_context.input_per_1m,
            outputPer1M: m.long_context.output_per_1m,
            ...(m.long_context.cached_input_per_1m !== undefined ? { cachedInputPer1M: m.long_context.cached_input_per_1m } : {}),
          },
        }
      : {}),
    ...(template ? { promptTemplate: { name: template.name, ...(template.system !== undefined ? { system: template.system } : {}), transforms: template.transforms } } : {}),
  };
}
