import type { ChatRequest } from '../../../core/src';

/**
 * The top-level request fields of OpenAI's Chat Completions API (the openai SDK's
 * `ChatCompletionCreateParams`), deprecated ones included.
 * https://platform.openai.com/docs/api-reference/chat/create
 */
export const OPENAI_CHAT_FIELDS: ReadonlySet<string> = new Set([
  'audio',
  'frequency_penalty',
  'function_call',
  'functions',
  'logit_bias',
  'logprobs',
  'max_completion_tokens',
  'max_tokens',
  'messages',
  'metadata',
  'modalities',
  'model',
  'moderation',
  'n',
  'parallel_tool_calls',
  'prediction',
  'presence_penalty',
  'prompt_cache_key',
  'prompt_cache_options',
  'prompt_cache_retention',
  'reasoning_effort',
  'response_format',
  'safety_identifier',
  'seed',
  'service_tier',
  'stop',
  'store',
  'stream',
  'stream_options',
  'temperature',
  'tool_choice',
  'tools',
  'top_logprobs',
  'top_p',
  'user',
  'verbosity',
  'web_search_options',
]);

/**
 * The request's fields that are not OpenAI's (`top_k`, `repetition_penalty`, ...: what the openai
 * SDK sends with `extra_body`), in the order sent. An adapter that builds its provider's body from the
 * fields it knows (Anthropic, Gemini) leaves them out, and says so (ChatProvider.leftOut).
 */
export function fieldsNotOpenAIs(request: ChatRequest): string[] {
  return Object.keys(request).filter((name) => !OPENAI_CHAT_FIELDS.has(name));
}
