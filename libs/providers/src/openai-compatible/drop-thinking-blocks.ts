import type { ChatMessage, ChatReasoningFields } from '../../../core/src';

/**
 * Assistant messages without the Anthropic thinking a client echoed back (`thinking_blocks`, and the
 * `reasoning_content` shown beside them): signed for Claude only, meaningless to an OpenAI-compatible
 * host, and a field some of them refuse (HTTP 400 on an unknown message field). A message without
 * `thinking_blocks` keeps everything, so a host's own `reasoning_content` (DeepSeek's) still goes back
 * to it. The same array when no message carries any.
 */
export function dropThinkingBlocks(messages: ChatMessage[]): ChatMessage[] {
  if (!messages.some(carriesThinkingBlocks)) return messages;
  return messages.map((message) => {
    if (!carriesThinkingBlocks(message)) return message;
    const { thinking_blocks: _blocks, reasoning_content: _text, ...rest } = message as ChatMessage & ChatReasoningFields;
    return rest as ChatMessage;
  });
}

function carriesThinkingBlocks(message: ChatMessage): boolean {
  return message.role === 'assistant' && (message as ChatReasoningFields).thinking_blocks !== undefined;
}
