import type { ChatReasoningFields, ChatResponse } from '../../../../libs/core/src';
import { buildResponse, itemId } from './build-response';
import { mapFinishReason } from './map-finish-reason';
import type { ResponsesBody } from './parse-responses-request';
import type { ResponsesMessageItem, ResponsesWireItem, ResponsesWireObject } from './responses-wire';
import { summaryRequested, toReasoningItem } from './to-reasoning-item';
import { toResponsesUsage } from './to-responses-usage';

/**
 * A chat completion as the Responses object (`createdAt`: when the request came, in seconds): its
 * reasoning (`reasoning_content`, Claude's `thinking_blocks`) a `reasoning` item first (its summary the
 * readable thinking when the request asked for one, else empty), its text (and
 * refusal) one `message` item, each of its function calls a `function_call` item after it, as the
 * Responses API orders them.
 */
export function chatResponseToResponse(body: ResponsesBody, response: ChatResponse, createdAt: number): ResponsesWireObject {
  const choice = response.choices?.[0];
  const ending = mapFinishReason(choice?.finish_reason);
  // An item's status is the response's: completed, or incomplete when the answer was cut short.
  const itemStatus = ending.status;
  const output: ResponsesWireItem[] = [];
  const message = choice?.message as (NonNullable<typeof choice>['message'] & ChatReasoningFields) | undefined;
  const blocks = message?.thinking_blocks;
  // reasoning_content is the readable thinking already joined (none when it was all redacted); the summary only when asked.
  const summary = summaryRequested(body) ? (message?.reasoning_content ?? '') : '';
  if (message?.reasoning_content || (blocks && blocks.length > 0)) output.push(toReasoningItem(itemId(response.id, 'rs', 0), summary, blocks));
  const content: ResponsesMessageItem['content'] = [];
  if (message?.content) content.push({ type: 'output_text', text: message.content, annotations: [] });
  if (message?.refusal) content.push({ type: 'refusal', refusal: message.refusal });
  if (content.length > 0) output.push({ type: 'message', id: itemId(response.id, 'msg', output.length), status: itemStatus, role: 'assistant', content });
  for (const call of message?.tool_calls ?? []) {
    // Custom tools cannot be declared through /v1/responses, so no custom call can come back.
    if (call.type !== 'function') continue;
    output.push({ type: 'function_call', id: itemId(response.id, 'fc', output.length), call_id: call.id, name: call.function.name, arguments: call.function.arguments, status: itemStatus });
  }
  return buildResponse(body, {
    id: response.id,
    createdAt,
    model: response.model,
    status: ending.status,
    incompleteDetails: ending.incomplete_details,
    output,
    usage: toResponsesUsage(response.usage),
  });
}
