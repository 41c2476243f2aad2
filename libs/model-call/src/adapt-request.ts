import type { ModelSpec } from '../../config/src';
import type { ChatRequest } from '../../core/src';
import { applyParamRules } from './apply-param-rules';
import { applyPromptTemplate } from './apply-prompt-template';
import { capOutputTokens } from './cap-output-tokens';

export interface AdaptedRequest {
  request: ChatRequest;
  /** The prompt template applied, for the request record; null when the model has none. */
  promptTemplate: string | null;
}

/**
 * The request as this model should see it: its upstream name, the parameters it takes (`paramRules`:
 * those it refuses left out, those it names differently renamed), an output limit no larger than it
 * writes (capOutputTokens) and its prompt template, if it has one.
 */
export function adaptRequest(request: ChatRequest, model: ModelSpec): AdaptedRequest {
  const forModel: ChatRequest = { ...capOutputTokens(applyParamRules(request, model.paramRules).request, model.maxOutputTokens), model: model.upstream };
  if (!model.promptTemplate) return { request: forModel, promptTemplate: null };
  return { request: applyPromptTemplate(forModel, model.promptTemplate, model), promptTemplate: model.promptTemplate.name };
}

/** Called per attempt by the attempt runner (CHAT_ATTEMPTS). */
export function adaptRequestForModel(request: ChatRequest, model: ModelSpec): ChatRequest {
  return adaptRequest(request, model).request;
}

/** Which prompt template a request served by `model` went out with (for `requests.prompt_template`). */
export function promptTemplateFor(model: ModelSpec): string | null {
  return model.promptTemplate?.name ?? null;
}
