/**
 * The Responses API's wire format (https://platform.openai.com/docs/api-reference/responses), the
 * part the gateway serves. The official SDK's types are the source of truth, imported as types only.
 */
import type {
  FunctionTool,
  Response,
  ResponseCreateParams,
  ResponseFunctionToolCall,
  ResponseOutputItem,
  ResponseOutputMessage,
  ResponseReasoningItem,
  ResponseStreamEvent,
  ResponseUsage,
} from 'openai/resources/responses/responses';

export type ResponsesRequest = ResponseCreateParams;
export type ResponsesFunctionTool = FunctionTool;
export type ResponsesObject = Response;
export type ResponsesOutputItem = ResponseOutputItem;
export type ResponsesOutputMessage = ResponseOutputMessage;
export type ResponsesFunctionCall = ResponseFunctionToolCall;
export type ResponsesReasoningItem = ResponseReasoningItem;
export type ResponsesStreamEvent = ResponseStreamEvent;
export type ResponsesUsage = ResponseUsage;
