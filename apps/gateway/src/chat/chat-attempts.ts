import type { ModelSpec } from '../../../../libs/config/src';
import type { ChatRequest } from '../../../../libs/core/src';
import type { ProviderCall } from '../../../../libs/providers/src';
import { adaptRequestForModel, providerTimeouts } from '../../../../libs/model-call/src';
import type { AttemptKind } from './attempt-runner';

/**
 * A chat completion's tries (AttemptRunner): the request adapted to each model (its upstream name,
 * parameter rules and prompt template), with the model's output limit and thinking mode; a refusal by
 * one model's adapter moves on to the next, which may serve the request.
 */
export const CHAT_ATTEMPTS: AttemptKind<ChatRequest, ModelSpec, ProviderCall> = {
  providerCall: (request, model, abort, timeouts) => ({
    request: adaptRequestForModel(request, model),
    signal: abort.signal,
    abort,
    timeouts: providerTimeouts(timeouts),
    maxOutputTokens: model.maxOutputTokens,
    ...(model.thinking ? { thinking: model.thinking } : {}),
    ...(model.thinkingDisplay ? { thinkingDisplay: model.thinkingDisplay } : {}),
    ...(model.capabilities ? { canThink: model.capabilities.reasoning } : {}),
  }),
  promptParam: 'messages',
  exhaustedLead: 'Every model tried failed',
  refusalEnds: false,
  // A context-length error goes on to the next model too: a larger window may take the prompt.
  endsRun: (err) => !err.fallbackable,
};
