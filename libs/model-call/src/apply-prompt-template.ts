import type { ModelSpec, PromptTemplateSpec } from '../../config/src';
import type { ChatRequest } from '../../core/src';
import { applyTransform, systemText, withSystem } from './prompt-transforms';

/**
 * A model's prompt template applied to a request bound for it: first the system prompt is replaced by
 * the rendered `system` template (`{{system}}` = the client's system prompt, `{{model}}` = the model
 * id), then the transforms run in order.
 */
export function applyPromptTemplate(request: ChatRequest, template: PromptTemplateSpec, model: Pick<ModelSpec, 'id'>): ChatRequest {
  let adapted = request;
  if (template.system !== undefined) {
    const rendered = renderSystem(template.system, systemText(request.messages), model.id);
    adapted = { ...adapted, messages: withSystem(adapted.messages, rendered) };
  }
  for (const transform of template.transforms) adapted = { ...adapted, messages: applyTransform(adapted, transform) };
  return adapted;
}

export function renderSystem(template: string, clientSystem: string, modelId: string): string {
  return template
    .replace(/\{\{\s*system\s*\}\}/g, () => clientSystem)
    .replace(/\{\{\s*model\s*\}\}/g, () => modelId)
    .trim();
}
