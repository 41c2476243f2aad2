import type { ChatThinkingBlock } from '../../../../libs/core/src';
import { encodeThinkingBlocks } from './reasoning-encrypted-content';
import type { ResponsesReasoningWireItem } from './responses-wire';

/**
 * An answer's reasoning as the Responses API's `reasoning` item: its readable text as the summary,
 * and Claude's thinking blocks, when there are any, as `encrypted_content` for the client to send
 * back with the turn. Always written, whatever `include` says: without it, a stateless client could
 * not continue a tool cycle on a model that always thinks (OpenAI writes it only when
 * `include: ['reasoning.encrypted_content']` asks, and stores it otherwise; the gateway keeps nothing).
 */
export function toReasoningItem(id: string, text: string, blocks: ChatThinkingBlock[] | undefined): ResponsesReasoningWireItem {
  return {
    type: 'reasoning',
    id,
    summary: text ? [{ type: 'summary_text', text }] : [],
    ...(blocks && blocks.length > 0 ? { encrypted_content: encodeThinkingBlocks(blocks) } : {}),
  };
}
