import type { ChatMessage } from '../../../../libs/core/src';
import type { AssistantMessage, FunctionCallOutputItem, InputItem, InstructionMessage, UserMessage } from './parse-responses-request';

type ChatAssistantMessage = Extract<ChatMessage, { role: 'assistant' }>;
type ChatUserPart = Exclude<Extract<ChatMessage, { role: 'user' }>['content'], string>[number];

/**
 * The Responses API's `instructions` and `input` as Chat Completions messages
 * (https://platform.openai.com/docs/guides/migrate-to-responses):
 * - `instructions` becomes a system message, first;
 * - a string input is one user message;
 * - `input_text` / `output_text` parts become text parts, `input_image` an image_url part;
 * - `function_call` items join the assistant message just before them (an answer's text and its
 *   calls are one chat turn; parallel calls are one message), else open one;
 * - `function_call_output` items become tool messages.
 */
export function convertInputToMessages(input: string | InputItem[], instructions: string | null | undefined): ChatMessage[] {
  const messages: ChatMessage[] = [];
  if (instructions) messages.push({ role: 'system', content: instructions });
  if (typeof input === 'string') {
    messages.push({ role: 'user', content: input });
    return messages;
  }
  for (const item of input) {
    switch (item.type) {
      case 'message':
        messages.push(item.role === 'assistant' ? assistantMessage(item as AssistantMessage) : item.role === 'user' ? userMessage(item as UserMessage) : instructionMessage(item as InstructionMessage));
        break;
      case 'function_call': {
        const call = { id: item.call_id, type: 'function' as const, function: { name: item.name, arguments: item.arguments } };
        const previous = messages[messages.length - 1];
        if (previous?.role === 'assistant') (previous.tool_calls ??= []).push(call);
        else messages.push({ role: 'assistant', content: null, tool_calls: [call] });
        break;
      }
      case 'function_call_output':
        messages.push({ role: 'tool', tool_call_id: item.call_id, content: toolOutput(item.output) });
        break;
    }
  }
  return messages;
}

function userMessage(item: UserMessage): ChatMessage {
  return { role: 'user', content: typeof item.content === 'string' ? item.content : item.content.map(userPart) };
}

function instructionMessage(item: InstructionMessage): ChatMessage {
  return { role: item.role, content: typeof item.content === 'string' ? item.content : item.content.map((part) => ({ type: 'text', text: part.text })) };
}

function userPart(part: Exclude<UserMessage['content'], string>[number]): ChatUserPart {
  if (part.type === 'input_text') return { type: 'text', text: part.text };
  return { type: 'image_url', image_url: { url: part.image_url, ...(part.detail ? { detail: part.detail } : {}) } };
}

function assistantMessage(item: AssistantMessage): ChatAssistantMessage {
  if (typeof item.content === 'string') return { role: 'assistant', content: item.content };
  const text = item.content.flatMap((part) => (part.type === 'output_text' ? [part.text] : [])).join('');
  const refusal = item.content.flatMap((part) => (part.type === 'refusal' ? [part.refusal] : [])).join('');
  return { role: 'assistant', content: text || null, ...(refusal ? { refusal } : {}) };
}

function toolOutput(output: FunctionCallOutputItem['output']): string | Array<{ type: 'text'; text: string }> {
  if (typeof output === 'string') return output;
  return output.map((part) => ({ type: 'text', text: part.text }));
}
