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
