import type { ResponsesBody } from './parse-responses-request';
import type { ResponsesWireItem, ResponsesWireObject, ResponsesWireUsage } from './responses-wire';

/** Where a response stands: what it has written and how it ended (or that it has not yet). */
export interface ResponseState {
  id: string;
  /** Seconds. */
  createdAt: number;
  model: string;
  status: 'in_progress' | 'completed' | 'incomplete' | 'failed';
  incompleteDetails: ResponsesWireObject['incomplete_details'];
  output: ResponsesWireItem[];
  usage?: ResponsesWireUsage;
  error?: { code: string; message: string } | null;
}

/**
 * The Responses object: what was answered, and the request's settings echoed as OpenAI echoes them
 * (its defaults where the request left one out). Nothing is stored: `store` is always false and
 * `previous_response_id` null.
 */
export function buildResponse(body: ResponsesBody, state: ResponseState): ResponsesWireObject {
  return {
    id: state.id,
    object: 'response',
    created_at: state.createdAt,
    status: state.status,
    background: false,
    error: state.error ?? null,
    incomplete_details: state.incompleteDetails,
    instructions: body.instructions ?? null,
    max_output_tokens: body.max_output_tokens ?? null,
    model: state.model,
    output: state.output,
    parallel_tool_calls: body.parallel_tool_calls ?? true,
    previous_response_id: null,
    reasoning: { effort: body.reasoning?.effort ?? null, summary: body.reasoning?.summary ?? body.reasoning?.generate_summary ?? null },
    store: false,
    temperature: body.temperature ?? 1,
    text: { format: body.text?.format ?? { type: 'text' }, ...(body.text?.verbosity ? { verbosity: body.text.verbosity } : {}) },
    tool_choice: body.tool_choice ?? 'auto',
    tools: (body.tools ?? []).map((tool) => ({ type: 'function', name: tool.name, description: tool.description ?? null, parameters: tool.parameters ?? null, strict: tool.strict ?? null })),
    top_p: body.top_p ?? 1,
    truncation: body.truncation ?? 'disabled',
    ...(state.usage ? { usage: state.usage } : {}),
    ...(body.user !== undefined ? { user: body.user } : {}),
    metadata: body.metadata ?? {},
  };
}

/**
 * Output item ids, from the response's: `rs_<hex>_<index>` for a reasoning item, `msg_<hex>_<index>`
 * for a message, `fc_<hex>_<index>` for a function call, unique within the response and the same however many times it is built.
 */
export function itemId(responseId: string, kind: 'rs' | 'msg' | 'fc', outputIndex: number): string {
  const hex = responseId.startsWith('resp_') ? responseId.slice(5) : responseId;
  return `${kind}_${hex}_${outputIndex}`;
}
