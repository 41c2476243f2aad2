import { GatewayError } from '../../../../libs/core/src';
import { MISSING_THINKING_ADVICE, MISSING_THINKING_WHAT, MissingThinkingError } from '../routing/tool-turn-without-thinking';
import type { MessageOrigin } from './convert-input-to-messages';

/**
 * An error about the chat request a Responses request was translated to, as the Responses client
 * knows its request: every chat parameter it names, in `param` and in the message, becomes the
 * Responses parameter it came from (`messages[3].content` -> `input[2].content`, `max_tokens` ->
 * `max_output_tokens`, `response_format.json_schema.schema` -> `text.format.schema`). `origins[i]`
 * is where `messages[i]` came from (convert-input-to-messages.ts). The missing-thinking 400, whose chat
 * `param` is the whole `messages`, names the turn's first item (`input[3]`), as the other errors about
 * one input item do. An error that names no chat parameter is returned as it is.
 */
export function toResponsesError(error: GatewayError, origins: readonly MessageOrigin[]): GatewayError {
  const chatParam = error instanceof MissingThinkingError ? `messages[${error.turn}]` : error.param;
  const param = chatParam === null ? null : toResponsesParam(chatParam, origins);
  let message = error.message.replace(CHAT_PARAM, (name) => toResponsesParam(name, origins)).replace(QUOTED_MESSAGES, "'input'");
  for (const [chat, responses] of CHAT_PHRASES) message = message.replace(chat, responses);
  if (param === error.param && message === error.message) return error;
  return new GatewayError(error.status, message, error.type, error.code, param, error.retryAfterSeconds);
}

/**
 * Chat parameters as they appear in a message: a path into `messages`, `tools`, `response_format` or
 * `tool_choice`, or a parameter the Responses API names otherwise. A bare `messages` or `verbosity`
 * is a parameter only when quoted (otherwise it may be a word).
 */
const CHAT_PARAM = /\b(?:(?:messages|tools)\[\d+\](?:\.\w+|\[\d+\])*|(?:response_format|tool_choice)(?:\.\w+|\[\d+\])+|(?:response_format|max_completion_tokens|max_tokens|reasoning_effort)\b)/g;
const QUOTED_MESSAGES = /'messages'/g;

/** Words of the chat route's own messages that a Responses client would not recognize. */
const CHAT_PHRASES: ReadonlyArray<readonly [string, string]> = [
  [MISSING_THINKING_WHAT, 'begins a turn with function calls but comes without the reasoning item they were made with (its encrypted_content)'],
  [MISSING_THINKING_ADVICE, "Send the response's output items back as you received them, reasoning items included"],
];

/** Chat parameters the Responses API names otherwise, whole (`toChatRequest` maps them the other way). */
const RENAMED: Readonly<Record<string, string>> = {
  messages: 'input',
  max_completion_tokens: 'max_output_tokens',
  max_tokens: 'max_output_tokens',
  reasoning_effort: 'reasoning.effort',
  verbosity: 'text.verbosity',
  response_format: 'text.format',
  'response_format.json_schema': 'text.format',
  'tool_choice.function': 'tool_choice',
  'tool_choice.allowed_tools': 'tool_choice',
};

/**
 * A chat request parameter (`messages[1].tool_calls[0].function.arguments`) by the Responses
 * parameter it came from (`input[2].arguments`). Inside a message:
 * - the message as a whole is its origin's `param` (for an assistant turn made of several items,
 *   the first: its message item, else its first `function_call`);
 * - `content` is the message item's `content` (a user image's `image_url.url` its `image_url`),
 *   a tool message's `content` its item's `output` and `tool_call_id` its `call_id`;
 * - `tool_calls[k]` is the k-th `function_call` item of the turn (`id` -> `call_id`,
 *   `function.name` -> `name`, `function.arguments` -> `arguments`);
 * - `thinking_blocks[k]` is the `encrypted_content` of the `reasoning` item the block came from;
 * - anything else is the message's `param`. `instructions` and a string `input` are one parameter.
 * Outside `messages`: `tools[i].function.x` -> `tools[i].x`, `response_format.json_schema.x` ->
 * `text.format.x`, `tool_choice.function.name` -> `tool_choice.name`, and the renamed parameters.
 */
export function toResponsesParam(chatParam: string, origins: readonly MessageOrigin[]): string {
  const renamed = RENAMED[chatParam];
  if (renamed) return renamed;
  const message = /^messages\[(\d+)\](.*)$/.exec(chatParam);
  if (message) return messageParam(origins[Number(message[1])], message[2]);
  const tool = /^tools\[(\d+)\]\.function(.*)$/.exec(chatParam);
  if (tool) return `tools[${tool[1]}]${tool[2]}`;
  const prefix = ['response_format.json_schema', 'response_format', 'tool_choice.function', 'tool_choice.allowed_tools'].find((p) => chatParam.startsWith(`${p}.`));
  if (prefix) return `${RENAMED[prefix]}${chatParam.slice(prefix.length)}`.replace(/^tool_choice\.tools\[(\d+)\]\.function\./, 'tool_choice.tools[$1].');
  return chatParam;
}

function messageParam(origin: MessageOrigin | undefined, rest: string): string {
  if (!origin) return 'input';
  if (origin.kind === 'whole') return origin.param;
  const call = /^\.tool_calls(?:\[(\d+)\](.*))?$/.exec(rest);
  if (call) {
    const item = origin.toolCalls?.[call[1] === undefined ? 0 : Number(call[1])];
    if (item === undefined) return origin.param;
    const field = /^\.(id|function\.name|function\.arguments)/.exec(call[2] ?? '')?.[1];
    return `input[${item}]${field === 'id' ? '.call_id' : field ? `.${field.slice('function.'.length)}` : ''}`;
  }
  const thinking = /^\.thinking_blocks(?:\[(\d+)\])?/.exec(rest);
  if (thinking) {
    const item = origin.thinking?.[thinking[1] === undefined ? 0 : Number(thinking[1])];
    return item === undefined ? origin.param : `input[${item}].encrypted_content`;
  }
  if (origin.kind === 'function_call_output') {
    if (rest.startsWith('.content')) return `${origin.param}.output${rest.slice('.content'.length)}`;
    if (rest.startsWith('.tool_call_id')) return `${origin.param}.call_id`;
    return origin.param;
  }
  if (origin.kind === 'message') {
    if (rest.startsWith('.refusal')) return `${origin.param}.content`;
    const part = /^\.content(\[\d+\])?(.*)$/.exec(rest);
    if (part) return `${origin.param}.content${part[1] ?? ''}${part[1] ? partField(part[2]) : ''}`;
    if (rest.startsWith('.role')) return `${origin.param}.role`;
  }
  return origin.param;
}

/** A chat content part's field by its Responses name: `image_url.url` -> `image_url`, `image_url.detail` -> `detail`. */
function partField(field: string): string {
  if (field.startsWith('.image_url.detail')) return '.detail';
  if (field.startsWith('.image_url')) return '.image_url';
  return field;
}
