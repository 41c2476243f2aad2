import type { ClientFormat } from '../chat/client-format';
import { parseChatRequest } from '../chat/parse-chat-request';
import { chatResponseToResponse } from './chat-response-to-response';
import { parseResponsesRequest, type ResponsesBody } from './parse-responses-request';
import { ResponsesStreamWriter } from './responses-stream-writer';
import { toChatRequest } from './to-chat-request';

/**
 * The Responses API as a client format of the chat pipeline, one per request: `read` validates the
 * body and translates it (the chat request is then checked as any other, so the pipeline's
 * invariants hold), and the answer is translated back from what was read.
 */
export function responsesFormat(): ClientFormat {
  let body: ResponsesBody | undefined;
  return {
    read(raw) {
      body = parseResponsesRequest(raw);
      return parseChatRequest(toChatRequest(body));
    },
    answer() {
      const read = body;
      if (!read) throw new Error('responsesFormat: answer() before read()');
      return {
        body: (response, createdAt) => chatResponseToResponse(read, response, createdAt),
        stream: (opening) => new ResponsesStreamWriter(read, opening),
      };
    },
  };
}
