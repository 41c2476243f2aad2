import type { ChatMessage } from '../../../core/src';
import type { ScoredToolCall } from '../scoring-input';

/** One turn of the conversation as the judge reads it: its role and its text (other parts as placeholders). */
export interface JudgeTurn {
  role: string;
  text: string;
}

/** What a judged score job carries for the judge: the conversation, the answer, and whether either was cut. */
export interface JudgeTranscript {
  conversation: JudgeTurn[];
  answer: string;
  truncated: boolean;
}

/** Bounds on what a score job carries to the judge (and what the judge's prompt costs). */
export const JUDGE_LIMITS = { turns: 20, turnChars: 4000, answerChars: 8000 } as const;

/**
 * The request's conversation and the answer, bounded for the score job: the last JUDGE_LIMITS.turns
 * messages, each cut to JUDGE_LIMITS.turnChars, the answer to JUDGE_LIMITS.answerChars. Text parts
 * only: images, audio and files become placeholders; tool calls and results are shown as such.
 * `truncated` says anything was left out (the judge's prompt then says so).
 */
export function judgeTranscript(messages: readonly ChatMessage[], answer: { content: string | null; toolCalls: readonly ScoredToolCall[] }): JudgeTranscript {
  let truncated = false;
  const cut = (text: string, max: number) => {
    const kept = truncateText(text, max);
    if (kept !== text) truncated = true;
    return kept;
  };
  const left = Math.max(0, messages.length - JUDGE_LIMITS.turns);
  const conversation: JudgeTurn[] = [];
  if (left > 0) {
    truncated = true;
    conversation.push({ role: 'note', text: `[${left} earlier message${left === 1 ? '' : 's'} left out]` });
  }
  for (const message of messages.slice(left)) conversation.push({ role: message.role, text: cut(messageText(message), JUDGE_LIMITS.turnChars) });
  const answerText = [answer.content ?? '', ...answer.toolCalls.map(toolCallText)].filter((t) => t !== '').join('\n');
  return { conversation, answer: cut(answerText, JUDGE_LIMITS.answerChars), truncated };
}

/** The text of a message: its text parts, other parts as placeholders, tool calls named with their arguments. */
export function messageText(message: ChatMessage): string {
  const parts: string[] = [];
  const content = (message as { content?: unknown }).content;
  if (typeof content === 'string') parts.push(content);
  else if (Array.isArray(content)) for (const part of content) parts.push(partText(part as { type?: string }));
  const calls = (message as { tool_calls?: Array<{ type?: string; function?: { name: string; arguments: string }; custom?: { name: string; input: string } }> }).tool_calls;
  for (const call of calls ?? []) {
    parts.push(call.type === 'custom' && call.custom ? toolCallText({ type: 'custom', name: call.custom.name, input: call.custom.input }) : toolCallText({ name: call.function?.name ?? '?', arguments: call.function?.arguments ?? '' }));
  }
  const text = parts.filter((p) => p !== '').join('\n');
  return message.role === 'tool' ? `[tool result] ${text}` : text;
}

function partText(part: { type?: string; text?: string; refusal?: string; file?: { filename?: string } }): string {
  switch (part.type) {
    case 'text':
      return part.text ?? '';
    case 'refusal':
      return `[refusal] ${part.refusal ?? ''}`;
    case 'image_url':
      return '[image]';
    case 'input_audio':
      return '[audio]';
    case 'file':
      return part.file?.filename ? `[file: ${part.file.filename}]` : '[file]';
    default:
      return `[${part.type ?? 'unknown'} part]`;
  }
}

function toolCallText(call: ScoredToolCall): string {
  return call.type === 'custom' ? `[tool call ${call.name}: ${call.input}]` : `[tool call ${call.name}(${call.arguments})]`;
}

/** `text` cut to at most `max` characters (the cut marked); unchanged when it fits. */
export function truncateText(text: string, max: number): string {
  if (text.length <= max) return text;
  const marker = ` [... ${text.length - max} characters left out]`;
  return text.slice(0, Math.max(0, max - marker.length)) + marker;
}
