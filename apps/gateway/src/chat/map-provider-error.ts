import { GatewayError } from '../../../../libs/core/src';
import type { ModelSpec } from '../../../../libs/config/src';
import type { ProviderError } from '../../../../libs/providers/src';
import { inClientTerms } from './client-model-name';

/**
 * How an upstream failure reaches the client: an OpenAI-format error whose status says whose fault it
 * is, naming the model the client knows (`model.id`), also where the upstream's own text names the
 * deployment (`model.upstream`). `promptParam`: the request field that holds the prompt, named by a
 * context-length error (`input` for embeddings).
 */
export function mapProviderError(err: ProviderError, model: Pick<ModelSpec, 'id' | 'upstream'>, promptParam = 'messages'): GatewayError {
  const retryAfter = err.retryAfterMs === undefined ? undefined : Math.ceil(err.retryAfterMs / 1000);
  const from = `Model "${model.id}"`;
  const message = inClientTerms(err.message, model.upstream, model.id);
  switch (err.kind) {
    case 'rate_limited':
      return new GatewayError(429, `${from} is rate limited upstream: ${message}`, 'rate_limit_error', 'rate_limit_exceeded', null, retryAfter);
    case 'overloaded':
      return new GatewayError(503, `${from} is overloaded upstream: ${message}`, 'api_error', 'upstream_overloaded', null, retryAfter);
    case 'timeout':
      return new GatewayError(504, `${from} did not answer in time.`, 'timeout_error', 'upstream_timeout');
    case 'connection':
      return new GatewayError(502, `${from} could not be reached: ${message}`, 'api_error', 'upstream_unreachable');
    // An OpenAI-compatible upstream's own code and param win: they are what OpenAI would have said.
    case 'bad_request':
      return new GatewayError(400, message, 'invalid_request_error', err.openaiError?.code ?? 'upstream_rejected_request', err.openaiError?.param ?? null);
    case 'context_length':
      return new GatewayError(400, message, 'invalid_request_error', 'context_length_exceeded', err.openaiError?.param ?? promptParam);
    case 'content_policy':
      return new GatewayError(400, message, 'invalid_request_error', err.openaiError?.code ?? 'content_policy_violation', err.openaiError?.param ?? null);
    case 'auth':
      return new GatewayError(502, `${from}: the gateway's credentials for its provider were rejected.`, 'api_error', 'upstream_auth_failed');
    case 'billing':
      return new GatewayError(502, `${from}: the gateway's account at its provider cannot pay for requests (no credit or quota left).`, 'api_error', 'upstream_billing');
    case 'not_found':
      return new GatewayError(502, `${from} is not available at its provider.`, 'api_error', 'upstream_model_not_found');
    case 'malformed_response':
    case 'server_error':
      return new GatewayError(502, `${from} failed upstream: ${message}`, 'api_error', 'upstream_error');
  }
}
