import type { ModelSpec } from '../../../../libs/config/src';
import type { ChatRequest } from '../../../../libs/core/src';

/** The request as this model should see it: its upstream name (and, later, its prompt adaptations). */
export function adaptRequestForModel(request: ChatRequest, model: ModelSpec): ChatRequest {
  return { ...request, model: model.upstream };
}
