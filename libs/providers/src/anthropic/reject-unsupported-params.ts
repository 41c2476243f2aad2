import { GatewayError, type ChatRequest } from '../../../core/src';

/**
 * Parameters the Messages API cannot honour are refused with a 400 naming the parameter, never dropped
 * (on a route, the next model then serves the request).
 * Accepted but not sent: `seed` (OpenAI documents it as best-effort, so ignoring it keeps the contract),
 * `stream_options` (the adapter always reports usage), and gateway-side fields (`store`, `metadata`,
 * `service_tier`, `prompt_cache_key`, `safety_identifier`). `reasoning_effort` is mapped to Claude's
 * thinking, or refused by a model that cannot think (convert-to-anthropic-thinking.ts).
 */
export function rejectUnsupportedAnthropicParams(request: ChatRequest): void {
  const unsupported = (param: string, what: string) => GatewayError.invalidRequest(`${what} is not supported by Anthropic models.`, param, 'unsupported_parameter');
  if (request.n != null && request.n > 1) throw unsupported('n', 'n > 1 (several choices)');
  if (request.temperature != null && request.temperature > 1) {
    throw GatewayError.invalidRequest('Anthropic models accept a temperature between 0 and 1.', 'temperature', 'unsupported_value');
  }
  const stops = typeof request.stop === 'string' ? [request.stop] : (request.stop ?? []);
  if (stops.some((stop) => stop.trim() === '')) {
    // https://docs.anthropic.com/en/api/messages: the API answers "each stop sequence must contain non-whitespace".
    throw GatewayError.invalidRequest('Anthropic models accept only stop sequences with a non-whitespace character (not "\\n" alone).', 'stop', 'unsupported_value');
  }
  if (request.logprobs) throw unsupported('logprobs', 'logprobs');
  if (request.top_logprobs != null) throw unsupported('top_logprobs', 'top_logprobs');
  if (request.presence_penalty) throw unsupported('presence_penalty', 'A non-zero presence_penalty');
  if (request.frequency_penalty) throw unsupported('frequency_penalty', 'A non-zero frequency_penalty');
  if (request.logit_bias && Object.keys(request.logit_bias).length > 0) throw unsupported('logit_bias', 'logit_bias');
  if (request.audio || request.modalities?.includes('audio')) throw unsupported('modalities', 'Audio output');
  if (request.prediction) throw unsupported('prediction', 'Predicted outputs');
  if (request.web_search_options) throw unsupported('web_search_options', 'web_search_options');
  if (request.functions || request.function_call) throw unsupported(request.functions ? 'functions' : 'function_call', 'The deprecated functions API');
}
