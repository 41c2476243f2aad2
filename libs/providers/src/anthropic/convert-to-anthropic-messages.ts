import type {
  ContentBlockParam,
  ImageBlockParam,
  DocumentBlockParam,
  MessageParam,
  TextBlockParam,
  ToolResultBlockParam,
} from '@anthropic-ai/sdk/resources/messages';
import { GatewayError, type ChatMessage } from '../../../core/src';
import type { ChatCompletionContentPart } from 'openai/resources/chat/completions';
import type { ThinkingMode } from '../catalog/thinking-mode';
import { parseDataUrl } from '../shared/parse-data-url';
import { convertEchoedThinking } from './convert-echoed-thinking';
import { parseToolArguments } from '../shared/parse-tool-arguments';

export interface AnthropicPrompt {
  system: TextBlockParam[];
  messages: MessageParam[];
}

const IMAGE_MEDIA_TYPES = ['image/jpeg', 'image/png', 'image/gif', 'image/webp'] as const;
type ImageMediaType = (typeof IMAGE_MEDIA_TYPES)[number];

/**
 * OpenAI messages -> Anthropic `system` + `messages`.
 * https://docs.anthropic.com/en/api/messages
 *
 * - `system` and `developer` messages become `system` text blocks (Anthropic has a single top-level
 *   system prompt), except one that comes after an assistant turn whose thinking is sent back: that one
 *   becomes a text block in a user turn where it stands. Anthropic binds a thinking block to its prefix
 *   (`system` included) and refuses it when that changed (preserved thinking), so a system message an
 *   agent adds mid-conversation must not rewrite the `system` the earlier thinking was made after.
 * - `tool` messages become `tool_result` blocks in a user turn; consecutive same-role turns are merged,
 *   so parallel tool results share one user turn, before any text that follows them.
 * - An assistant message's thinking (`thinking_blocks`, as the gateway returned it) goes first in its
 *   turn, verbatim, before its text and tool calls (convert-echoed-thinking.ts); not to a model whose
 *   `thinking` is `off`, which refuses thinking in the turn a tool result answers (a conversation the
 *   router moved from a model that thinks). Older turns' thinking it would ignore anyway.
 * - User text that is empty or only white space is left out (Anthropic refuses it, OpenAI takes it); a
 *   last user message left with nothing is refused (400 on its `content`) rather than turned into a prefill.
 * - The `name` field has no Anthropic counterpart and is not sent.
 * - A conversation of system messages alone (the whole prompt in them) is sent as one user turn.
 */
export function convertToAnthropicMessages(messages: ChatMessage[], thinking?: ThinkingMode): AnthropicPrompt {
  const system: TextBlockParam[] = [];
  const out: MessageParam[] = [];
  const push = (role: 'user' | 'assistant', blocks: ContentBlockParam[]) => {
    if (blocks.length === 0) return;
    const last = out[out.length - 1];
    if (last && last.role === role && Array.isArray(last.content)) last.content.push(...blocks);
    else out.push({ role, content: blocks });
  };

  // Whether an earlier assistant turn's thinking goes to the model (and so binds the prefix before it).
  let thinkingSent = false;
  // The index of the last message when it is a user message with nothing to send.
  let emptyLastUser: number | undefined;
  messages.forEach((message, i) => {
    const param = `messages[${i}]`;
    switch (message.role) {
      case 'system':
      case 'developer': {
        const text = typeof message.content === 'string' ? message.content : message.content.map((p) => p.text).join('\n');
        if (!text) return;
        if (thinkingSent) push('user', [{ type: 'text', text }]);
        else system.push({ type: 'text', text });
        return;
      }
      case 'user': {
        // Text that is empty or only white space is left out, as Anthropic refuses it.
        const parts = typeof message.content === 'string' ? [{ type: 'text' as const, text: message.content }] : message.content;
        const blocks = parts.flatMap((part, j) => (part.type === 'text' && !hasText(part.text) ? [] : [convertUserPart(part, `${param}.content[${j}]`)]));
        if (blocks.length === 0 && i === messages.length - 1) emptyLastUser = i;
        push('user', blocks);
        return;
      }
      case 'assistant': {
        const blocks: ContentBlockParam[] = thinking === 'off' ? [] : convertEchoedThinking(message, param);
        if (blocks.length > 0) thinkingSent = true;
        // Anthropic refuses a text block that is empty or only white space ("text content blocks must
        // contain non-whitespace text"); other providers' models often answer "\n\n" before their tool
        // calls, and that history must still reach a Claude model the route draws later.
        if (typeof message.content === 'string') {
          if (hasText(message.content)) blocks.push({ type: 'text', text: message.content });
        } else if (message.content) {
          for (const part of message.content) {
            const text = part.type === 'text' ? part.text : part.refusal;
            if (hasText(text)) blocks.push({ type: 'text', text });
          }
        }
        (message.tool_calls ?? []).forEach((call, j) => {
          if (call.type !== 'function') {
            throw GatewayError.invalidRequest('Custom tool calls are not supported by Anthropic models.', `${param}.tool_calls[${j}]`, 'unsupported_parameter');
          }
          blocks.push({
            type: 'tool_use',
            id: call.id,
            name: call.function.name,
            input: parseToolArguments(call.function.arguments, `${param}.tool_calls[${j}].function.arguments`),
          });
        });
        push('assistant', blocks);
        return;
      }
      case 'tool': {
        const content =
          typeof message.content === 'string' ? message.content : message.content.map((p): TextBlockParam => ({ type: 'text', text: p.text }));
        const block: ToolResultBlockParam = { type: 'tool_result', tool_use_id: message.tool_call_id, content };
        push('user', [block]);
        return;
      }
      case 'function':
        throw GatewayError.invalidRequest('The deprecated `function` role is not supported; use `tool` messages.', `${param}.role`);
    }
  });
  if (emptyLastUser !== undefined && out[out.length - 1]?.role !== 'user' && (out.length > 0 || system.length === 0)) {
    // Left out, it would end the conversation on the assistant's turn, which Claude continues (a
    // prefill) instead of answering: refused, so a route serves it from a model that takes it.
    throw GatewayError.invalidRequest(
      'Anthropic models refuse a user message without text (empty or only white space).',
      `messages[${emptyLastUser}].content`,
      'unsupported_value',
    );
  }
  trimFinalAssistantText(out);
  if (out.length === 0 && system.length > 0) {
    // A prompt given only as system messages, which OpenAI answers: the Messages API refuses a request
    // without messages ("messages: at least one message is required"), so the text is the user's turn.
    return { system: [], messages: [{ role: 'user', content: system }] };
  }
  return { system, messages: out };
}

function hasText(text: string | null | undefined): text is string {
  return text != null && text.trim() !== '';
}

/**
 * A conversation that ends on an assistant turn asks the model to continue it (a prefill), and
 * Anthropic refuses one whose text ends in white space ("final assistant content cannot end with
 * trailing whitespace"), which OpenAI accepts: the trailing white space is cut.
 */
function trimFinalAssistantText(out: MessageParam[]): void {
  const last = out[out.length - 1];
  if (last?.role !== 'assistant' || !Array.isArray(last.content)) return;
  const block = last.content[last.content.length - 1];
  if (block?.type === 'text') block.text = block.text.trimEnd();
}

function convertUserPart(part: ChatCompletionContentPart, param: string): ContentBlockParam {
  switch (part.type) {
    case 'text':
      return { type: 'text', text: part.text };
    case 'image_url':
      return convertImage(part.image_url.url, param);
    case 'file': {
      const parsed = part.file.file_data ? parseDataUrl(part.file.file_data) : undefined;
      if (parsed?.mediaType === 'application/pdf') {
        const doc: DocumentBlockParam = { type: 'document', source: { type: 'base64', media_type: 'application/pdf', data: parsed.data } };
        return doc;
      }
      throw GatewayError.invalidRequest('Only inline PDF files (a base64 data URL in `file_data`) are supported by this provider.', param);
    }
    case 'input_audio':
      throw GatewayError.invalidRequest('Audio input is not supported by this provider.', param);
  }
}

function convertImage(url: string, param: string): ImageBlockParam {
  if (/^https?:\/\//i.test(url)) return { type: 'image', source: { type: 'url', url } };
  const parsed = parseDataUrl(url);
  if (!parsed) throw GatewayError.invalidRequest('Images must be http(s) URLs or base64 data URLs.', param);
  if (!isImageMediaType(parsed.mediaType)) {
    throw GatewayError.invalidRequest(`Image type ${parsed.mediaType} is not supported; use one of ${IMAGE_MEDIA_TYPES.join(', ')}.`, param);
  }
  return { type: 'image', source: { type: 'base64', media_type: parsed.mediaType, data: parsed.data } };
}

function isImageMediaType(value: string): value is ImageMediaType {
  return (IMAGE_MEDIA_TYPES as readonly string[]).includes(value);
}

