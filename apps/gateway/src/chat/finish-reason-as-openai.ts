import type { ChatChunk, ChatRequest, ChatResponse } from '../../../../libs/core/src';

/**
 * OpenAI's Chat Completions ends an answer whose tool call the request forced by naming the function
 * (`tool_choice: { type: 'function', function: { name } }`) with `finish_reason: 'stop'`, and one whose
 * call the model chose (`auto`, `required`) with `'tool_calls'` (vLLM aligned with it the same way:
 * https://github.com/vllm-project/vllm/pull/25054). The Messages API says `tool_use` and Gemini nothing
 * of the kind, so their adapters answer `'tool_calls'`: for such a request, that is written `'stop'`.
 */
export function namesFunction(request: Pick<ChatRequest, 'tool_choice'>): boolean {
  const choice = request.tool_choice;
  return typeof choice === 'object' && choice !== null && choice.type === 'function';
}

/** A non-streamed answer with `'tool_calls'` finishes written `'stop'`. */
export function stopInsteadOfToolCalls(response: ChatResponse): ChatResponse {
  if (!response.choices.some((c) => c.finish_reason === 'tool_calls')) return response;
  return { ...response, choices: response.choices.map((c) => (c.finish_reason === 'tool_calls' ? { ...c, finish_reason: 'stop' } : c)) };
}

/** A stream chunk with `'tool_calls'` finishes written `'stop'`. */
export function stopInsteadOfToolCallsInChunk(chunk: ChatChunk): ChatChunk {
  if (!chunk.choices?.some((c) => c.finish_reason === 'tool_calls')) return chunk;
  return { ...chunk, choices: chunk.choices.map((c) => (c.finish_reason === 'tool_calls' ? { ...c, finish_reason: 'stop' } : c)) };
}
