import type { ChatRequest } from '../../../../libs/core/src';

/**
 * A quick prompt-size estimate for price caps and context checks before the call: about four
 * characters per token for text, plus a few tokens of framing per message, plus tool definitions.
 * The provider's reported usage is what gets billed.
 */
export function estimatePromptTokens(request: ChatRequest): number {
  let chars = 0;
  let images = 0;
  for (const message of request.messages) {
    chars += 16;
    const content = (message as { content?: unknown }).content;
    if (typeof content === 'string') chars += content.length;
    else if (Array.isArray(content)) {
      for (const part of content as Array<{ type: string; text?: string }>) {
        if (part.type === 'text' && part.text) chars += part.text.length;
        else if (part.type === 'image_url') images++;
      }
    }
    const toolCalls = (message as { tool_calls?: unknown[] }).tool_calls;
    if (toolCalls) chars += JSON.stringify(toolCalls).length;
  }
  if (request.tools) chars += JSON.stringify(request.tools).length;
  if (request.response_format) chars += JSON.stringify(request.response_format).length;
  return Math.ceil(chars / 4) + images * 765;
}
