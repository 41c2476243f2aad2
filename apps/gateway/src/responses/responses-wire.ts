import type { ResponsesFunctionCall, ResponsesObject, ResponsesOutputMessage } from '../../../../libs/core/src';

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

export type ResponsesWireItem = ResponsesOutputMessage | (ResponsesFunctionCall & { id: string; status: 'in_progress' | 'completed' | 'incomplete' });

export interface ResponsesWireUsage {
  input_tokens: number;
  input_tokens_details: { cached_tokens: number };
  output_tokens: number;
  output_tokens_details: { reasoning_tokens: number };
  total_tokens: number;
}

/** One server-sent event of a Responses stream, before its `sequence_number` is given. */
export type ResponsesWireEvent = { type: string } & Record<string, unknown>;
