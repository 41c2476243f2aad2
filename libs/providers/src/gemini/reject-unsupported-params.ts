import { GatewayError, type ChatRequest } from '../../../core/src';

/**
 * Parameters Gemini cannot honour are refused with a 400 naming the parameter, never dropped.
 * Accepted but not sent: `user` (Gemini has no end-user field), `stream_options` (usage is always
 * reported), and gateway-side fields (`store`, `metadata`, `service_tier`, `prompt_cache_key`,
 * `safety_identifier`). `parallel_tool_calls: false` is refused in the tools converter; `reasoning_effort`
 * is mapped (convert-to-gemini-thinking.ts).
 */
export function rejectUnsupportedGeminiParams(request: ChatRequest): void {
  const unsupported = (param: string, what: string) => GatewayError.invalidRequest(`${what} is not supported by Gemini models.`, param, 'unsupported_parameter');
  if (request.logprobs) throw unsupported('logprobs', 'logprobs');
  if (request.top_logprobs != null) throw unsupported('top_logprobs', 'top_logprobs');
  // The API has `presencePenalty` and `frequencyPenalty`, but Gemini 2.5 and later models answer either
  // with a 400 ("Penalty is not enabled for models/gemini-2.5-flash"); a refusal here names the parameter
  // and lets a route serve the request from another model. A model's `drop_params` can drop them instead.
  if (request.presence_penalty) throw unsupported('presence_penalty', 'A non-zero presence_penalty');
  if (request.frequency_penalty) throw unsupported('frequency_penalty', 'A non-zero frequency_penalty');
  if (request.logit_bias && Object.keys(request.logit_bias).length > 0) throw unsupported('logit_bias', 'logit_bias');
  if (request.audio || request.modalities?.includes('audio')) throw unsupported('modalities', 'Audio output');
  if (request.prediction) throw unsupported('prediction', 'Predicted outputs');
  if (request.web_search_options) throw unsupported('web_search_options', 'web_search_options');
  if (request.functions || request.function_call) throw unsupported(request.functions ? 'functions' : 'function_call', 'The deprecated functions API');
}
