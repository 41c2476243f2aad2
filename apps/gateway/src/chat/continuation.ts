import type { ChatRequest } from '../../../../libs/core/src';

export const CONTINUE_INSTRUCTION =
  'Your previous answer was cut off. Continue it exactly where it stopped, without repeating anything already written and without any preamble.';

/**
 * The request a fallback model gets after a stream broke mid-answer: the conversation, the partial
 * answer as the assistant's turn, and an instruction to continue it, so it continues rather than
 * restarts. (A trailing assistant message alone is a prefill for some providers and a finished turn
 * for others; the explicit instruction works for both.)
 */
export function continuationRequest(request: ChatRequest, partial: string): ChatRequest {
  return {
    ...request,
    messages: [...request.messages, { role: 'assistant', content: partial }, { role: 'user', content: CONTINUE_INSTRUCTION }],
  };
}
