import { REASONING_SUMMARY, type ChatRequest, type ChatRequestMarks, type GatewayError } from '../../../../libs/core/src';
import type { ClientFormat } from '../chat/client-format';
import { parseChatRequest } from '../chat/parse-chat-request';
import { chatResponseToResponse } from './chat-response-to-response';
import type { MessageOrigin } from './convert-input-to-messages';
import { parseResponsesRequest, type ResponsesBody } from './parse-responses-request';
import { toResponsesError, toResponsesParam } from './responses-error';
import { ResponsesStreamWriter } from './responses-stream-writer';
import { toChatRequest } from './to-chat-request';
import { summaryRequested } from './to-reasoning-item';

/**
 * The Responses API as a client format of the chat pipeline, one per request: `read` validates the
 * body and translates it (the chat request is then checked as any other, so the pipeline's
 * invariants hold), and the answer is translated back from what was read. An error about the chat
 * request names the Responses parameters it came from (responses-error.ts).
 */
export function responsesFormat(): ClientFormat {
  let body: ResponsesBody | undefined;
  /** Set once the body is translated: an error before that is about the Responses body itself, named as sent. */
  let origins: MessageOrigin[] | undefined;
  const clientError = (error: GatewayError) => (origins ? toResponsesError(error, origins) : error);
  return {
    read(raw) {
      body = parseResponsesRequest(raw);
      const translated = toChatRequest(body);
      origins = translated.origins;
      const request: ChatRequest & ChatRequestMarks = parseChatRequest(translated.request);
      // Set after parsing, which copies the body's own fields only.
      if (summaryRequested(body)) request[REASONING_SUMMARY] = true;
      return request;
    },
    answer() {
      const read = body;
      if (!read) throw new Error('responsesFormat: answer() before read()');
      return {
        body: (response, createdAt) => chatResponseToResponse(read, response, createdAt),
        stream: (opening) => new ResponsesStreamWriter(read, opening, clientError),
        paramName: responsesParamName,
      };
    },
    error: clientError,
  };
}

/** A chat request parameter by its Responses API name, for `x-router-ignored-params`: the name the client sent. */
export function responsesParamName(chatName: string): string {
  return toResponsesParam(chatName, []);
}
