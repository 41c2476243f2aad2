import type { ChatRequest } from '../../core/src';

/**
 * The request with its output limit (`max_tokens`, `max_completion_tokens`) lowered to the most the
 * model writes in one answer (`maxOutputTokens`, from the catalog or the config), when it asks for more.
 *
 * An upstream refuses a larger limit (OpenAI: "max_tokens is too large: 32768. This model supports at
 * most 16384 completion tokens"; Anthropic: "max_tokens: 100000 > 64000, which is the maximum allowed
 * number of output tokens"), and an app routed to a model it did not choose would get that 400 or an
 * answer depending on the draw. The limit is an upper bound and the model cannot write past its own,
 * so the answer is the one the larger limit would have given. Unknown `maxOutputTokens`: unchanged.
 */
export function capOutputTokens(request: ChatRequest, maxOutputTokens: number | undefined): ChatRequest {
  if (maxOutputTokens === undefined) return request;
  const over = (value: number | null | undefined) => value != null && value > maxOutputTokens;
  if (!over(request.max_tokens) && !over(request.max_completion_tokens)) return request;
  return {
    ...request,
    ...(over(request.max_tokens) ? { max_tokens: maxOutputTokens } : {}),
    ...(over(request.max_completion_tokens) ? { max_completion_tokens: maxOutputTokens } : {}),
  };
}
