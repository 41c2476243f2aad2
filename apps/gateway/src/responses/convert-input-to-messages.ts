import type { ChatMessage, ChatReasoningFields, ChatThinkingBlock } from '../../../../libs/core/src';
import type { AssistantMessage, FunctionCallOutputItem, InputItem, InstructionMessage, UserMessage } from './parse-responses-request';
import { decodeThinkingBlocks } from './reasoning-encrypted-content';

type ChatAssistantMessage = Extract<ChatMessage, { role: 'assistant' }> & ChatReasoningFields;
type ChatUserPart = Exclude<Extract<ChatMessage, { role: 'user' }>['content'], string>[number];

/**
 * Where one chat message came from in the Responses request, so that an error about the chat request
 * can name what the client sent (responses-error.ts). `param` is the message as a whole: `instructions`,
 * `input` (a string input), or `input[j]`, the first item that made it (an assistant turn's message
 * item, else its first `function_call`).
 */
export interface MessageOrigin {
  param: string;
  /** What made the message: `instructions` or a string `input`, a `message` item, a `function_call_output` item, or `function_call` items alone. */
  kind: 'whole' | 'message' | 'function_call_output' | 'function_call';
  /** The `function_call` item (its index in `input`) of each of the message's tool calls, in order. */
  toolCalls?: number[];
  /** The `reasoning` item (its index in `input`) of each of the message's thinking blocks, in order. */
  thinking?: number[];
}

/** The chat messages and, at the same index, where each came from. */
export interface ConvertedInput {
  messages: ChatMessage[];
  origins: MessageOrigin[];
}

/**
 * The Responses API's `instructions` and `input` as Chat Completions messages
 * (https://platform.openai.com/docs/guides/migrate-to-responses):
 * - `instructions` becomes a system message, first;
 * - a string input is one user message;
 * - `input_text` / `output_text` parts become text parts, `input_image` an image_url part, `input_file`
 *   (inline `file_data`) a file part;
 * - `function_call` items join the assistant message just before them (an answer's text and its
 *   calls are one chat turn; parallel calls are one message), else open one;
 * - `function_call_output` items become tool messages;
 * - a `reasoning` item with the gateway's `encrypted_content` gives its thinking blocks to the
 *   assistant message it precedes (that message's text and calls are the turn it thought for); one
 *   after the turn's items, with nothing of the assistant's after it, to that turn. A reasoning item
 *   without the gateway's `encrypted_content` (another server's, or none) carries nothing a model here
 *   can use and is left out.
 */
export function convertInputToMessages(input: string | InputItem[], instructions: string | null | undefined): ConvertedInput {
  const messages: ChatMessage[] = [];
  const origins: MessageOrigin[] = [];
  const push = (message: ChatMessage, origin: MessageOrigin) => {
    messages.push(message);
    origins.push(origin);
  };
  if (instructions) push({ role: 'system', content: instructions }, { param: 'instructions', kind: 'whole' });
  if (typeof input === 'string') {
    push({ role: 'user', content: input }, { param: 'input', kind: 'whole' });
    return { messages, origins };
  }
  /** Thinking read from reasoning items, waiting for the assistant message it belongs to; `from`: each block's item. */
  let thinking: ChatThinkingBlock[] = [];
  let from: number[] = [];
  /** The waiting thinking, given to the assistant message at the end (and where each block came from). */
  const giveThinking = () => {
    const last = messages.length - 1;
    withThinking(messages[last] as ChatAssistantMessage, origins[last], thinking, from);
    thinking = [];
    from = [];
  };
  /** Waiting thinking goes to the assistant message just before, if any (else it belongs to no turn). */
  const closeTurn = () => {
    if (thinking.length > 0 && messages[messages.length - 1]?.role === 'assistant') giveThinking();
    thinking = [];
    from = [];
  };
  input.forEach((item, index) => {
    const param = `input[${index}]`;
    switch (item.type) {
      case 'reasoning': {
        const blocks = decodeThinkingBlocks(item.encrypted_content, `${param}.encrypted_content`) ?? [];
        thinking.push(...blocks);
        from.push(...blocks.map(() => index));
        break;
      }
      case 'message':
        if (item.role === 'assistant') {
          push(assistantMessage(item as AssistantMessage), { param, kind: 'message' });
          giveThinking();
        } else {
          closeTurn();
          push(item.role === 'user' ? userMessage(item as UserMessage) : instructionMessage(item as InstructionMessage), { param, kind: 'message' });
        }
        break;
      case 'function_call': {
        const call = { id: item.call_id, type: 'function' as const, function: { name: item.name, arguments: item.arguments } };
        const previous = messages[messages.length - 1];
        if (previous?.role === 'assistant') previous.tool_calls = [...(previous.tool_calls ?? []), call];
        else push({ role: 'assistant', content: null, tool_calls: [call] }, { param, kind: 'function_call' });
        const origin = origins[origins.length - 1];
        origin.toolCalls = [...(origin.toolCalls ?? []), index];
        giveThinking();
        break;
      }
      case 'function_call_output':
        closeTurn();
        push({ role: 'tool', tool_call_id: item.call_id, content: toolOutput(item.output) }, { param, kind: 'function_call_output' });
        break;
    }
  });
  closeTurn();
  return { messages, origins };
}

/** The message with the blocks added after any it has (a turn's thinking keeps its order), and their items on its origin. */
function withThinking(message: ChatAssistantMessage, origin: MessageOrigin, blocks: ChatThinkingBlock[], from: number[]): void {
  if (blocks.length === 0) return;
  message.thinking_blocks = [...(message.thinking_blocks ?? []), ...blocks];
  origin.thinking = [...(origin.thinking ?? []), ...from];
}

function userMessage(item: UserMessage): ChatMessage {
  return { role: 'user', content: typeof item.content === 'string' ? item.content : item.content.map(userPart) };
}

function instructionMessage(item: InstructionMessage): ChatMessage {
  return { role: item.role, content: typeof item.content === 'string' ? item.content : item.content.map((part) => ({ type: 'text', text: part.text })) };
}

function userPart(part: Exclude<UserMessage['content'], string>[number]): ChatUserPart {
  switch (part.type) {
    case 'input_text':
      return { type: 'text', text: part.text };
    case 'input_image':
      return { type: 'image_url', image_url: { url: part.image_url, ...(part.detail ? { detail: part.detail } : {}) } };
    case 'input_file':
      // Chat Completions' `file` part; its `detail` (how PDF pages are rendered at OpenAI) has no chat counterpart.
      return { type: 'file', file: { ...(part.filename !== undefined ? { filename: part.filename } : {}), file_data: part.file_data } };
  }
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
