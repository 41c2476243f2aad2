import type { ChatChunk, ChatRequest, ChatResponse, GatewayError, Usage } from '../../../../libs/core/src';
import { namesFunction, stopInsteadOfToolCalls, stopInsteadOfToolCallsInChunk } from './finish-reason-as-openai';
import { parseChatRequest } from './parse-chat-request';

/** The extension field on a stream's final chunk (and the shape of the x-router-* headers). */
export interface RouterStreamReport {
  attempts: number;
  fallbacks: number;
  failovers: number;
  models: string[];
  served_by: string[];
  /** What the whole request cost, every attempt included (USD). */
  cost_usd: number;
}

/**
 * The API a client speaks to the gateway. The chat pipeline (routing, fallbacks, budgets, records,
 * scoring) works on Chat Completions; a format reads its API's body as a chat request and writes
 * the chat answer back in its API's wire format. Chat Completions itself is `chatFormat`; the
 * Responses API (`apps/gateway/src/responses/`) is another.
 */
export interface ClientFormat {
  /** Validates the body and gives the chat request it asks for; a bad one throws a GatewayError naming the param. */
  read(body: unknown): ChatRequest;
  /** How the answer to the request `read` gave is written. */
  answer(request: ChatRequest): AnswerFormat;
  /**
   * An error raised on the chat request (its validation, routing, a provider's refusal) as the client
   * knows its request: the parameters it names are the client's. Unset: the error as it is.
   */
  error?(error: GatewayError): GatewayError;
}

export interface AnswerFormat {
  /** The JSON body of a non-streamed answer (its id and model already the request's); `createdAt`: when the request came, in seconds. */
  body(response: ChatResponse, createdAt: number): object;
  /** One stream's writer; what it needs to remember between chunks lives in it. */
  stream(opening: StreamOpening): StreamWriter;
  /** The client's name for a chat request parameter, for `x-router-ignored-params`; unset: the chat name. */
  paramName?(chatName: string): string;
}

export interface StreamOpening {
  requestId: string;
  /** The model the client is told answered (the first one, whatever failover followed). */
  model: string;
  /** When the request came, in seconds. */
  createdAt: number;
}

/** Each method returns the server-sent-event text to write ('' for nothing). */
export interface StreamWriter {
  /** Right after the headers, before any chunk. */
  start(): string;
  /** One chunk as the client gets it: its id, model and creation time the request's. */
  chunk(chunk: ChatChunk): string;
  /** The answer is complete: `last` is the finish chunk held back, `usage` every part's. */
  end(last: ChatChunk | undefined, usage: Usage, report: RouterStreamReport, created: number | undefined): string;
  /** The stream failed after the headers were sent. */
  fail(error: GatewayError, report: RouterStreamReport): string;
}

function dataEvent(payload: object): string {
  return `data: ${JSON.stringify(payload)}\n\n`;
}

/** Chat Completions as OpenAI streams it: one `data:` event per chunk, the usage chunk when asked, `[DONE]`. */
class ChatStreamWriter implements StreamWriter {
  constructor(
    private readonly opening: StreamOpening,
    private readonly includeUsage: boolean,
    /** How a chunk is written (its finish reason as OpenAI gives it for the request). */
    private readonly asWritten: (chunk: ChatChunk) => ChatChunk,
  ) {}

  start(): string {
    return '';
  }

  chunk(chunk: ChatChunk): string {
    return dataEvent(this.asWritten(chunk));
  }

  end(lastChunk: ChatChunk | undefined, usage: Usage, report: RouterStreamReport, created: number | undefined): string {
    const last = lastChunk && this.asWritten(lastChunk);
    // x_router goes on the last chunk the client reads: the usage chunk when it asked for one.
    if (this.includeUsage) {
      const usageChunk = { id: this.opening.requestId, object: 'chat.completion.chunk', created: created ?? 0, model: this.opening.model, choices: [], usage, x_router: report };
      return `${last ? dataEvent(last) : ''}${dataEvent(usageChunk)}data: [DONE]\n\n`;
    }
    return `${last ? dataEvent({ ...last, x_router: report }) : ''}data: [DONE]\n\n`;
  }

  fail(error: GatewayError, report: RouterStreamReport): string {
    return dataEvent({ ...error.toBody(), x_router: report });
  }
}

/**
 * The answer as it is, with the usage chunk when the request asked for one; when the request named
 * the function to call, a `tool_calls` finish is written `stop`, as OpenAI writes it (finish-reason-as-openai.ts).
 */
function chatAnswer(request: ChatRequest): AnswerFormat {
  const includeUsage = request.stream_options?.include_usage === true;
  const named = namesFunction(request);
  return {
    body: (response) => (named ? stopInsteadOfToolCalls(response) : response),
    stream: (opening) => new ChatStreamWriter(opening, includeUsage, named ? stopInsteadOfToolCallsInChunk : (chunk) => chunk),
  };
}

/** `POST /v1/chat/completions`: the body is the chat request; the answer goes back as it is. */
export const chatFormat: ClientFormat = {
  read: parseChatRequest,
  answer: chatAnswer,
};
