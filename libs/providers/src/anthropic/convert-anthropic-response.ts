import type { ChatReasoningFields, ChatResponse, ChatThinkingBlock, ChatToolCall, FinishReason } from '../../../core/src';
import type { AnthropicMessage } from './anthropic-api';
import { reasoningFields, toClientThinkingBlock } from './map-thinking-blocks';
import { mapAnthropicStopReason } from './map-anthropic-stop-reason';
import { mapAnthropicUsage } from './map-anthropic-usage';

export interface AnthropicResponseContext {
  /** Unix seconds; Anthropic responses carry no timestamp, so the caller passes its clock's. */
  created: number;
  /** The `json_schema` fallback tool, whose input is returned as the message content. */
  jsonTool?: string;
}

/**
 * An Anthropic Message -> an OpenAI `chat.completion`. Thinking blocks go on the message as
 * `thinking_blocks` (with `reasoning_content` to show), for the client to send back; server-tool
 * blocks are not returned.
 */
export function convertAnthropicResponse(message: AnthropicMessage, context: AnthropicResponseContext): ChatResponse {
  const texts: string[] = [];
  const toolCalls: ChatToolCall[] = [];
  const thinking: ChatThinkingBlock[] = [];
  let structured: string | undefined;
  for (const block of message.content) {
    const thought = toClientThinkingBlock(block);
    if (thought) thinking.push(thought);
    if (block.type === 'text' && 'text' in block && typeof block.text === 'string') texts.push(block.text);
    if (block.type === 'tool_use' && 'input' in block && typeof block.id === 'string' && typeof block.name === 'string') {
      const args = JSON.stringify(block.input ?? {});
      if (block.name === context.jsonTool) structured = args;
      else toolCalls.push({ id: block.id, type: 'function', function: { name: block.name, arguments: args } });
    }
  }
  const assistant: ChatResponse['choices'][number]['message'] & ChatReasoningFields = {
    role: 'assistant',
    content: structured ?? (texts.length > 0 ? texts.join('') : null),
    refusal: null,
    ...(toolCalls.length > 0 ? { tool_calls: toolCalls } : {}),
    ...reasoningFields(thinking),
  };
  return {
    id: message.id,
    object: 'chat.completion',
    created: context.created,
    model: message.model,
    choices: [
      {
        index: 0,
        message: assistant,
        finish_reason: finishReason(message.stop_reason, structured !== undefined && toolCalls.length === 0),
        logprobs: null,
      },
    ],
    usage: mapAnthropicUsage(message.usage),
  };
}

/** A structured answer delivered through the fallback tool ends the turn normally. */
export function finishReason(stopReason: string | null | undefined, onlyJsonTool: boolean): FinishReason {
  const mapped = mapAnthropicStopReason(stopReason);
  return mapped === 'tool_calls' && onlyJsonTool ? 'stop' : mapped;
}
