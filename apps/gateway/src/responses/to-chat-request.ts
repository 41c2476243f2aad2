import type { ChatRequest } from '../../../../libs/core/src';
import { convertInputToMessages, type MessageOrigin } from './convert-input-to-messages';
import { convertResponsesTools, convertToolChoice } from './convert-responses-tools';
import { convertTextFormat } from './convert-text-format';
import type { ResponsesBody } from './parse-responses-request';

/**
 * The chat request a Responses API request asks for: the same routing, providers and scoring serve
 * it. Fields the API accepts and ignores (`store`, `include`, `truncation`, `stream_options`) go
 * nowhere; `store` in particular must not reach an upstream that would keep the completion.
 * `origins[i]` says where `messages[i]` came from (for errors about it: responses-error.ts).
 */
export function toChatRequest(body: ResponsesBody): { request: ChatRequest; origins: MessageOrigin[] } {
  const { messages, origins } = convertInputToMessages(body.input, body.instructions);
  const request: ChatRequest = { model: body.model, messages, ...(body.stream ? { stream: true } : {}) } as ChatRequest;
  // An empty tool list means no tools to the Responses API; chat refuses one.
  if (body.tools && body.tools.length > 0) {
    request.tools = convertResponsesTools(body.tools);
    if (body.tool_choice !== undefined) request.tool_choice = convertToolChoice(body.tool_choice);
    if (body.parallel_tool_calls != null) request.parallel_tool_calls = body.parallel_tool_calls;
  }
  const format = body.text?.format && convertTextFormat(body.text.format);
  if (format) request.response_format = format;
  if (body.text?.verbosity != null) request.verbosity = body.text.verbosity;
  if (body.max_output_tokens != null) request.max_completion_tokens = body.max_output_tokens;
  if (body.temperature != null) request.temperature = body.temperature;
  if (body.top_p != null) request.top_p = body.top_p;
  if (body.metadata != null) request.metadata = body.metadata;
  if (body.user !== undefined) request.user = body.user;
  if (body.safety_identifier != null) request.safety_identifier = body.safety_identifier;
  if (body.prompt_cache_key != null) request.prompt_cache_key = body.prompt_cache_key;
  if (body.service_tier != null) request.service_tier = body.service_tier;
  if (body.reasoning?.effort != null) request.reasoning_effort = body.reasoning.effort;
  if (body.x_router !== undefined) (request as ChatRequest & { x_router?: unknown }).x_router = body.x_router;
  return { request, origins };
}
