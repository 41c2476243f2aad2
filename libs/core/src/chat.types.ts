/**
 * The wire format the gateway speaks to its clients: OpenAI Chat Completions. The official SDK's
 * types are the source of truth; they are imported as types only, so nothing of the SDK runs here.
 */
import type {
  ChatCompletion,
  ChatCompletionChunk,
  ChatCompletionCreateParams,
  ChatCompletionMessageParam,
  ChatCompletionTool,
  ChatCompletionMessageToolCall,
} from 'openai/resources/chat/completions';
import type { CompletionUsage } from 'openai/resources/completions';

export type ChatRequest = ChatCompletionCreateParams;
export type ChatMessage = ChatCompletionMessageParam;
export type ChatTool = ChatCompletionTool;
export type ChatToolCall = ChatCompletionMessageToolCall;
export type ChatResponse = ChatCompletion;
export type ChatChunk = ChatCompletionChunk;
export type Usage = CompletionUsage;
export type FinishReason = ChatCompletion.Choice['finish_reason'];

/**
 * A model's reasoning as Anthropic returns it, carried on the assistant message in LiteLLM's shape
 * (`thinking_blocks`). A client sends the assistant message back as it received it, and the blocks
 * go back to Anthropic unmodified: a tool call's thinking must come back with its tool result.
 * https://platform.claude.com/docs/build-with-claude/thinking-tool-workflows
 */
export type ChatThinkingBlock = { type: 'thinking'; thinking: string; signature: string } | { type: 'redacted_thinking'; data: string };

/**
 * On a stream delta, the first of the answer (text or a tool call): the thinking blocks the model
 * completed before it, whole, signed. The chat stream still sends them to its clients once, in
 * `thinking_blocks` just before the finish chunk (a stream that fails before its end has sent no blocks
 * to echo); this mark carries them as soon as they are complete, for the gateway's own writers (the
 * Responses stream closes its `reasoning` item, with its `encrypted_content`, before the message item
 * opens, as OpenAI orders them). A symbol key, so `JSON.stringify` leaves it out and no Chat Completions
 * client ever sees it. Blocks completed after the answer began (thinking between tool calls) come only
 * in `thinking_blocks`.
 */
export const THOUGHT_BEFORE: unique symbol = Symbol('thought before');

/** The fields an assistant message (or a stream delta) may carry beside OpenAI's: the reasoning text to show, and the blocks to echo. */
export interface ChatReasoningFields {
  reasoning_content?: string;
  thinking_blocks?: ChatThinkingBlock[];
  [THOUGHT_BEFORE]?: ChatThinkingBlock[];
}

/**
 * On a chat request translated from the Responses API: the client asked for the reasoning's summary
 * (`reasoning.summary`), which Chat Completions has no field for. An adapter whose provider returns
 * its thinking only when asked (Gemini's `thinkingConfig.includeThoughts`) reads it; Claude's thinking
 * comes whenever the model thinks. A symbol key, so `JSON.stringify` leaves it out of every upstream body.
 */
export const REASONING_SUMMARY: unique symbol = Symbol('reasoning summary');

/** The gateway's own marks on a chat request, beside OpenAI's fields. */
export interface ChatRequestMarks {
  [REASONING_SUMMARY]?: true;
}
