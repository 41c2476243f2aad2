import type { ModelSpec } from '../../config/src';
import type { ChatRequest } from '../../core/src';
import { CHARS_PER_TOKEN, estimatePromptTokens as countPromptTokens } from '../../providers/src/catalog/estimate-prompt-tokens';

/**
 * The prompt-size estimate used for price caps and context checks before the call, for a model whose
 * tokenizer is not known: messages, names, tool definitions and images as counted by
 * libs/providers' estimatePromptTokens in `estimate` mode (about four characters per token plus
 * per-message framing), plus the `response_format` schema. The provider's reported usage is billed.
 */
export function estimatePromptTokens(request: ChatRequest): number {
  return countPromptTokens(request, 'estimate') + responseFormatTokens(request);
}

const exactCounts = new WeakMap<ChatRequest, number>();

/**
 * This request's prompt tokens as `model` will count them: exactly with OpenAI's o200k encoding
 * (gpt-tokenizer) for models that use it, otherwise `fallback` (the request's estimate) times the
 * model's `tokenScale`. Exact counts are computed once per request, however many candidates share the
 * encoding.
 */
export function promptTokensFor(request: ChatRequest, model: ModelSpec, fallback: number): number {
  if (model.tokenizer !== 'o200k_base') return model.tokenScale === undefined ? fallback : Math.ceil(fallback * model.tokenScale);
  let exact = exactCounts.get(request);
  if (exact === undefined) {
    exact = countPromptTokens(request, 'o200k_base') + responseFormatTokens(request);
    exactCounts.set(request, exact);
  }
  return exact;
}

function responseFormatTokens(request: ChatRequest): number {
  return request.response_format ? Math.ceil(JSON.stringify(request.response_format).length / CHARS_PER_TOKEN) : 0;
}
