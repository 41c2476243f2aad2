import type { RedactedThinkingBlockParam, ThinkingBlockParam } from '@anthropic-ai/sdk/resources/messages';
import { GatewayError, type ChatMessage } from '../../../core/src';

type EchoedThinking = ThinkingBlockParam | RedactedThinkingBlockParam;

/**
 * The thinking blocks an assistant message carries back, as Anthropic blocks, in their order and
 * unmodified (Anthropic checks each signature, and its model must find its thinking before the tool
 * calls it made: https://platform.claude.com/docs/build-with-claude/thinking#preserving-thinking-blocks).
 *
 * - `thinking_blocks` (what the gateway returns, LiteLLM's shape): `{ type: 'thinking', thinking,
 *   signature }` or `{ type: 'redacted_thinking', data }`; a block of another shape is a 400 naming it.
 * - else OpenRouter's `reasoning_details`: a `reasoning.text` with a signature is a thinking block, a
 *   `reasoning.encrypted` a redacted one; details Anthropic cannot check (no signature, summaries) are
 *   left out, as they may come from another provider's model.
 */
export function convertEchoedThinking(message: ChatMessage, param: string): EchoedThinking[] {
  const fields = message as { thinking_blocks?: unknown; reasoning_details?: unknown };
  if (fields.thinking_blocks != null) return fromThinkingBlocks(fields.thinking_blocks, `${param}.thinking_blocks`);
  if (Array.isArray(fields.reasoning_details)) return fromReasoningDetails(fields.reasoning_details);
  return [];
}

function fromThinkingBlocks(value: unknown, param: string): EchoedThinking[] {
  if (!Array.isArray(value)) throw GatewayError.invalidRequest(`Invalid value for '${param}': expected an array of thinking blocks, as the assistant message carried them.`, param);
  return value.map((block: unknown, i) => {
    const b = (block ?? {}) as Record<string, unknown>;
    if (b.type === 'thinking' && typeof b.thinking === 'string' && typeof b.signature === 'string') return { type: 'thinking', thinking: b.thinking, signature: b.signature };
    if (b.type === 'redacted_thinking' && typeof b.data === 'string') return { type: 'redacted_thinking', data: b.data };
    throw GatewayError.invalidRequest(
      `Invalid value for '${param}[${i}]': expected { type: 'thinking', thinking, signature } or { type: 'redacted_thinking', data }, sent back as received.`,
      `${param}[${i}]`,
    );
  });
}

/**
 * Whether the message carries thinking to send back (what `convertEchoedThinking` returns blocks for, or
 * names in a 400 when malformed), without building the blocks: for the router, on every request that
 * answers tool calls (apps/gateway/src/routing/tool-turn-without-thinking.ts).
 */
export function carriesEchoedThinking(message: ChatMessage): boolean {
  const { thinking_blocks: blocks, reasoning_details: details } = message as { thinking_blocks?: unknown; reasoning_details?: unknown };
  if (blocks != null) return !Array.isArray(blocks) || blocks.length > 0;
  return Array.isArray(details) && details.some((d: unknown) => fromReasoningDetail(d) !== undefined);
}

function fromReasoningDetails(details: unknown[]): EchoedThinking[] {
  const out: EchoedThinking[] = [];
  for (const detail of details) {
    const block = fromReasoningDetail(detail);
    if (block) out.push(block);
  }
  return out;
}

/** One of OpenRouter's `reasoning_details` as a block Anthropic can check; undefined for any other. */
function fromReasoningDetail(detail: unknown): EchoedThinking | undefined {
  const d = (detail ?? {}) as Record<string, unknown>;
  if (d.type === 'reasoning.text' && typeof d.text === 'string' && typeof d.signature === 'string' && d.signature) return { type: 'thinking', thinking: d.text, signature: d.signature };
  if (d.type === 'reasoning.encrypted' && typeof d.data === 'string') return { type: 'redacted_thinking', data: d.data };
  return undefined;
}
