import type { ModelSpec } from '../../../../libs/config/src';
import type { ChatRequest } from '../../../../libs/core/src';
import type { ProviderCall } from '../../../../libs/providers/src';
import { chatModelCall } from '../../../../libs/model-call/src';
import type { AttemptKind } from './attempt-runner';

/**
 * A chat completion's tries (AttemptRunner): each model's call (chatModelCall); a refusal by one
 * model's adapter moves on to the next, which may serve the request.
 */
export const CHAT_ATTEMPTS: AttemptKind<ChatRequest, ModelSpec, ProviderCall> = {
  providerCall: chatModelCall,
  promptParam: 'messages',
  exhaustedLead: 'Every model tried failed',
  refusalEnds: false,
  // A context-length error goes on to the next model too: a larger window may take the prompt.
  endsRun: (err) => !err.fallbackable,
};
