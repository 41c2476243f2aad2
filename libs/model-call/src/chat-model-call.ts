import type { ModelSpec, TimeoutSpec } from '../../config/src';
import type { ChatRequest } from '../../core/src';
import type { ProviderCall } from '../../providers/src';
import { adaptRequestForModel } from './adapt-request';
import { providerTimeouts } from './provider-timeouts';

/**
 * One call of a configured chat model (the gateway's attempts, the worker's judge): the request adapted
 * to the model (its upstream name, parameter rules and prompt template), the timeouts its adapter
 * enforces, and what its adapter needs to know of it: its output limit, thinking mode and display, and
 * whether it can think when asked.
 */
export function chatModelCall(request: ChatRequest, model: ModelSpec, abort: AbortController, timeouts: TimeoutSpec): ProviderCall {
  return {
    request: adaptRequestForModel(request, model),
    signal: abort.signal,
    abort,
    timeouts: providerTimeouts(timeouts),
    maxOutputTokens: model.maxOutputTokens,
    ...(model.thinking ? { thinking: model.thinking } : {}),
    ...(model.thinkingDisplay ? { thinkingDisplay: model.thinkingDisplay } : {}),
    ...(model.capabilities ? { canThink: model.capabilities.reasoning } : {}),
  };
}
