import type { ChatReasoningFields, ChatThinkingBlock } from '../../../core/src';
import type { AnthropicContentBlock } from './anthropic-api';

/**
 * An Anthropic `thinking` or `redacted_thinking` block as the assistant message carries it to the
 * client, every field the client must send back kept as it came; undefined for any other block.
 * https://platform.claude.com/docs/build-with-claude/thinking#preserving-thinking-blocks
 */
export function toClientThinkingBlock(block: AnthropicContentBlock): ChatThinkingBlock | undefined {
  if (block.type === 'thinking' && 'thinking' in block && typeof block.thinking === 'string') {
    return { type: 'thinking', thinking: block.thinking, signature: 'signature' in block && typeof block.signature === 'string' ? block.signature : '' };
  }
  if (block.type === 'redacted_thinking' && 'data' in block && typeof block.data === 'string') return { type: 'redacted_thinking', data: block.data };
  return undefined;
}

/**
 * The fields an answer with thinking adds to its assistant message: `thinking_blocks` to echo, and
 * `reasoning_content`, the readable thinking joined, to show (redacted thinking has none). Empty
 * when the model did not think.
 */
export function reasoningFields(blocks: ChatThinkingBlock[]): ChatReasoningFields {
  if (blocks.length === 0) return {};
  const text = blocks.map((b) => (b.type === 'thinking' ? b.thinking : '')).join('');
  return { ...(text ? { reasoning_content: text } : {}), thinking_blocks: blocks };
}
