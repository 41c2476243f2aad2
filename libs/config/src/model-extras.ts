import { paramRulesOf } from '../../providers/src/catalog/param-rules';
import type { ModelSpec } from './app-config';
import type { RouterConfigFile } from './router-config.schema';

type ResolvedModelConfig = RouterConfigFile['models'][number];

/** The catalog-derived parts of a ModelSpec, and the prompt template that applies to the model. */
export function modelExtras(
  m: ResolvedModelConfig,
  templates: RouterConfigFile['prompt_templates'],
): Pick<ModelSpec, 'cachedInputPer1M' | 'maxOutputTokens' | 'capabilities' | 'paramRules' | 'tokenizer' | 'family' | 'promptTemplate'> {
  const paramRules = paramRulesOf(m);
  const template = templates.find((t) => t.models.includes(m.id)) ?? templates.find((t) => t.families.includes(m.family));
  return {
    ...(m.cached_input_per_1m !== undefined ? { cachedInputPer1M: m.cached_input_per_1m } : {}),
    ...(m.max_output_tokens !== undefined ? { maxOutputTokens: m.max_output_tokens } : {}),
    capabilities: { ...m.capabilities },
    ...(paramRules ? { paramRules } : {}),
    tokenizer: m.tokenizer,
    family: m.family,
    ...(template ? { promptTemplate: { name: template.name, ...(template.system !== undefined ? { system: template.system } : {}), transforms: template.transforms } } : {}),
  };
}
