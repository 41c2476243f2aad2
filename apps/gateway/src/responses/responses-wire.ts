import type { ResponsesFunctionCall, ResponsesObject, ResponsesOutputMessage, ResponsesReasoningItem } from '../../../../libs/core/src';

/**
 * The Responses object as the gateway sends it: the SDK's `Response` without `output_text` (the
 * SDK computes it from `output`), with the usage OpenAI's own answers carry and an error whose code
 * is the gateway's (`upstream_error`, ...) rather than only OpenAI's list.
 */
export type ResponsesWireObject = Omit<ResponsesObject, 'output_text' | 'usage' | 'error' | 'output'> & {
  output: ResponsesWireItem[];
  usage?: ResponsesWireUsage;
  error: { code: string; message: string } | null;
  store: boolean;
};

export type ResponsesItemStatus = 'in_progress' | 'completed' | 'incomplete';
export type ResponsesTextPart = { type: 'output_text'; text: string; annotations: [] };
export type ResponsesRefusalPart = { type: 'refusal'; refusal: string };
/** A message item as the gateway writes it: its parts text and refusal only. */
export type ResponsesMessageItem = Omit<ResponsesOutputMessage, 'content'> & { content: Array<ResponsesTextPart | ResponsesRefusalPart> };
/** A function call item, with the id and status the gateway always gives it. */
export type ResponsesCallItem = ResponsesFunctionCall & { id: string; status: ResponsesItemStatus };

/**
 * A reasoning item as the gateway writes it: the readable thinking as one `summary_text` part (none
 * when the thinking was redacted), and Claude's blocks in `encrypted_content` (reasoning-encrypted-content.ts)
 * when the answer carried them; no `status`, no `content`.
 */
export type ResponsesReasoningWireItem = Omit<ResponsesReasoningItem, 'status' | 'content'> & { summary: ResponsesSummaryPart[] };
export type ResponsesSummaryPart = { type: 'summary_text'; text: string };

export type ResponsesWireItem = ResponsesReasoningWireItem | ResponsesOutputMessage | ResponsesCallItem;

export interface ResponsesWireUsage {
  input_tokens: number;
  input_tokens_details: { cached_tokens: number };
  output_tokens: number;
  output_tokens_details: { reasoning_tokens: number };
  total_tokens: number;
}

/** One server-sent event of a Responses stream, before its `sequence_number` is given. */
export type ResponsesWireEvent = { type: string } & Record<string, unknown>;
