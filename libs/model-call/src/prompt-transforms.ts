import type { PromptTransformConfig } from '../../config/src';
import type { ChatMessage, ChatRequest } from '../../core/src';
import { carriesEchoedThinking } from '../../providers/src';

/**
 * Message transforms of prompt templates (docs/providers.md, "Prompt adaptation"). Each is a pure
 * function from messages to messages; the client's request object is never changed.
 */

type Messages = ChatRequest['messages'];

const isSystem = (m: ChatMessage) => m.role === 'system' || m.role === 'developer';

/** The text of a message's content (text parts joined by a newline). */
export function textOf(message: ChatMessage): string {
  const content = message.content;
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  return content.map((part) => (part.type === 'text' ? part.text : '')).filter(Boolean).join('\n');
}

/** The client's system prompt: its system and developer messages, in order. */
export function systemText(messages: Messages): string {
  return messages.filter(isSystem).map(textOf).filter(Boolean).join('\n\n');
}

/** The messages with every system/developer message replaced by one system message first (none when `text` is empty). */
export function withSystem(messages: Messages, text: string): Messages {
  const rest = messages.filter((m) => !isSystem(m));
  return text ? [{ role: 'system', content: text }, ...rest] : rest;
}

export const DEFAULT_JSON_REMINDER = 'Reply with one valid JSON object and nothing else: no prose, no Markdown code fences.';

/** When the request asks for JSON, adds a reminder (with the schema, for json_schema) to the system prompt. */
export function addJsonReminder(request: ChatRequest, text = DEFAULT_JSON_REMINDER): Messages {
  const format = request.response_format;
  if (format?.type !== 'json_schema' && format?.type !== 'json_object') return request.messages;
  const schema = format.type === 'json_schema' && format.json_schema.schema ? ` It must match this JSON schema: ${JSON.stringify(format.json_schema.schema)}` : '';
  const system = systemText(request.messages);
  return withSystem(request.messages, [system, `${text}${schema}`].filter(Boolean).join('\n\n'));
}

/** Moves the system prompt to the start of the first user message. */
export function systemToUser(messages: Messages): Messages {
  const system = systemText(messages);
  const rest = messages.filter((m) => !isSystem(m));
  if (!system) return rest;
  const first = rest.findIndex((m) => m.role === 'user');
  if (first < 0) return [{ role: 'user', content: system }, ...rest];
  return rest.map((m, i) => (i === first && m.role === 'user' ? { ...m, content: prependText(m.content, system) } : m));
}

/**
 * Appends text to the last user message, and keeps it on every user message that was the last one when
 * an assistant turn carrying thinking blocks was made (the last user message before that turn): the
 * request that made those blocks had the text there, and Anthropic binds a thinking block to its prefix,
 * refusing it when an earlier message changed (preserved thinking,
 * https://platform.claude.com/docs/build-with-claude/preserved-thinking/prefix-checks). Without thinking
 * in the conversation, only the last user message has it, as before.
 */
export function appendToLastUser(messages: Messages, text: string): Messages {
  const targets = new Set<number>();
  let last = -1;
  messages.forEach((m, i) => {
    if (m.role === 'user') last = i;
    else if (m.role === 'assistant' && last >= 0 && carriesEchoedThinking(m)) targets.add(last);
  });
  if (last >= 0) targets.add(last);
  return messages.map((m, i) => (targets.has(i) && m.role === 'user' ? { ...m, content: appendText(m.content, text) } : m));
}

/** Regular-expression replacement in the text (string content and text parts) of messages of the given roles. */
export function replaceText(messages: Messages, pattern: RegExp, replacement: string, roles: ReadonlyArray<'system' | 'user' | 'assistant'>): Messages {
  const applies = (m: ChatMessage) => roles.includes(m.role === 'developer' ? 'system' : (m.role as 'system' | 'user' | 'assistant'));
  const swap = (text: string) => text.replace(pattern, replacement);
  return messages.map((m): ChatMessage => {
    if (!applies(m)) return m;
    const content = m.content;
    if (typeof content === 'string') return { ...m, content: swap(content) } as ChatMessage;
    if (!Array.isArray(content)) return m;
    return { ...m, content: content.map((part) => (part.type === 'text' ? { ...part, text: swap(part.text) } : part)) } as ChatMessage;
  });
}

export function applyTransform(request: ChatRequest, transform: PromptTransformConfig): Messages {
  switch (transform.type) {
    case 'json_reminder':
      return addJsonReminder(request, transform.text);
    case 'system_to_user':
      return systemToUser(request.messages);
    case 'append_to_last_user':
      return appendToLastUser(request.messages, transform.text);
    case 'replace':
      return replaceText(request.messages, new RegExp(transform.pattern, transform.flags), transform.with, transform.roles);
  }
}

type UserContent = Extract<ChatMessage, { role: 'user' }>['content'];

function prependText(content: UserContent, text: string): UserContent {
  return typeof content === 'string' ? `${text}\n\n${content}` : [{ type: 'text', text }, ...content];
}

function appendText(content: UserContent, text: string): UserContent {
  return typeof content === 'string' ? `${content}\n\n${text}` : [...content, { type: 'text', text }];
}
