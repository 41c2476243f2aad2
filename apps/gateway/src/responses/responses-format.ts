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
        paramName: responsesParamName,
      };
    },
  };
}

/** The chat request parameters that the Responses API names otherwise (`toChatRequest` maps them the other way). */
const RESPONSES_NAMES: Readonly<Record<string, string>> = {
  max_completion_tokens: 'max_output_tokens',
  max_tokens: 'max_output_tokens',
  reasoning_effort: 'reasoning.effort',
  verbosity: 'text.verbosity',
};

/** A chat request parameter by its Responses API name, for `x-router-ignored-params`: the name the client sent. */
export function responsesParamName(chatName: string): string {
  return RESPONSES_NAMES[chatName] ?? chatName;
}
