import type { ChatMessage, ChatReasoningFields, ChatThinkingBlock } from '../../../../libs/core/src';
import type { AssistantMessage, FunctionCallOutputItem, InputItem, InstructionMessage, UserMessage } from './parse-responses-request';
import { decodeThinkingBlocks } from './reasoning-encrypted-content';

type ChatAssistantMessage = Extract<ChatMessage, { role: 'assistant' }> & ChatReasoningFields;
type ChatUserPart = Exclude<Extract<ChatMessage, { role: 'user' }>['content'], string>[number];

/**
 * The Responses API's `instructions` and `input` as Chat Completions messages
 * (https://platform.openai.com/docs/guides/migrate-to-responses):
 * - `instructions` becomes a system message, first;
 * - a string input is one user message;
 * - `input_text` / `output_text` parts become text parts, `input_image` an image_url part;
 * - `function_call` items join the assistant message just before them (an answer's text and its
 *   calls are one chat turn; parallel calls are one message), else open one;
 * - `function_call_output` items become tool messages;
 * - a `reasoning` item with the gateway's `encrypted_content` gives its thinking blocks to the
 *   assistant message it precedes (that message's text and calls are the turn it thought for); one
 *   after the turn's items, with nothing of the assistant's after it, to that turn. A reasoning item
 *   without the gateway's `encrypted_content` (another server's, or none) carries nothing a model here
 *   can use and is left out.
 */
export function convertInputToMessages(input: string | InputItem[], instructions: string | null | undefined): ChatMessage[] {
  const messages: ChatMessage[] = [];
  if (instructions) messages.push({ role: 'system', content: instructions });
  if (typeof input === 'string') {
    messages.push({ role: 'user', content: input });
    return messages;
  }
  /** Thinking read from reasoning items, waiting for the assistant message it belongs to. */
  let thinking: ChatThinkingBlock[] = [];
  /** Waiting thinking goes to the assistant message just before, if any (else it belongs to no turn). */
  const closeTurn = () => {
    const previous = messages[messages.length - 1];
    if (thinking.length > 0 && previous?.role === 'assistant') withThinking(previous, thinking);
    thinking = [];
  };
  input.forEach((item, index) => {
    switch (item.type) {
      case 'reasoning':
        thinking.push(...(decodeThinkingBlocks(item.encrypted_content, `input[${index}].encrypted_content`) ?? []));
        break;
      case 'message':
        if (item.role === 'assistant') {
          messages.push(withThinking(assistantMessage(item as AssistantMessage), thinking));
          thinking = [];
        } else {
          closeTurn();
          messages.push(item.role === 'user' ? userMessage(item as UserMessage) : instructionMessage(item as InstructionMessage));
        }
        break;
      case 'function_call': {
        const call = { id: item.call_id, type: 'function' as const, function: { name: item.name, arguments: item.arguments } };
        const previous = messages[messages.length - 1];
        if (previous?.role === 'assistant') withThinking(previous, thinking).tool_calls = [...(previous.tool_calls ?? []), call];
        else messages.push(withThinking({ role: 'assistant', content: null, tool_calls: [call] }, thinking));
        thinking = [];
        break;
      }
      case 'function_call_output':
        closeTurn();
        messages.push({ role: 'tool', tool_call_id: item.call_id, content: toolOutput(item.output) });
        break;
    }
  });
  closeTurn();
  return messages;
}

/** The message with the blocks added after any it has (a turn's thinking keeps its order). */
function withThinking(message: ChatAssistantMessage, blocks: ChatThinkingBlock[]): ChatAssistantMessage {
  if (blocks.length > 0) message.thinking_blocks = [...(message.thinking_blocks ?? []), ...blocks];
  return message;
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
