import type { ChatThinkingBlock } from '../../../../libs/core/src';
import type { ResponsesBody } from './parse-responses-request';
import { encodeThinkingBlocks } from './reasoning-encrypted-content';
import type { ResponsesReasoningWireItem } from './responses-wire';

/**
 * An answer's reasoning as the Responses API's `reasoning` item: its readable text as the summary
 * (`text`: '' when the request did not ask for one, {@link summaryRequested}), and Claude's thinking
 * blocks, when there are any, as `encrypted_content` for the client to send back with the turn. Always
 * written, whatever `include` says: without it, a stateless client could not continue a tool cycle on
 * a model that always thinks (OpenAI writes it only when `include: ['reasoning.encrypted_content']`
 * asks, and stores it otherwise; the gateway keeps nothing).
 */
export function toReasoningItem(id: string, text: string, blocks: ChatThinkingBlock[] | undefined): ResponsesReasoningWireItem {
  return {
    type: 'reasoning',
    id,
    summary: text ? [{ type: 'summary_text', text }] : [],
    ...(blocks && blocks.length > 0 ? { encrypted_content: encodeThinkingBlocks(blocks) } : {}),
  };
}

/**
 * Whether the request asked for the reasoning's summary (`reasoning.summary`, or its deprecated name
 * `generate_summary`: `auto`, `concise` or `detailed`). OpenAI writes summary parts only then, and
 * `summary: []` otherwise (https://platform.openai.com/docs/guides/reasoning#reasoning-summaries). The
 * gateway has no summarizer: any of the three gives the model's readable thinking as it came.
 */
export function summaryRequested(body: Pick<ResponsesBody, 'reasoning'>): boolean {
  return (body.reasoning?.summary ?? body.reasoning?.generate_summary) != null;
}
