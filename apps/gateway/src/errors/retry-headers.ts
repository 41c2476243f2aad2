import type { GatewayError } from '../../../../libs/core/src';

/**
 * The headers that tell a client whether and when to retry an error response.
 *
 * The openai SDKs retry every 408, 409, 429 and 5xx unless the `x-should-retry` header says otherwise
 * (openai-node `shouldRetry`, openai-python `_should_retry`), and openai-node then waits as long as
 * `retry-after` asks, however long. A spent budget (429 `insufficient_quota`) lasts until its period
 * ends, often hours away: retried, a default client would sleep until then or spend its retries on
 * refusals. It gets `x-should-retry: false`, so the SDK throws its RateLimitError at once, as clients
 * treat OpenAI's own `insufficient_quota`; `retry-after` still says when the budget resets. So does a
 * 502 `upstream_billing` (the gateway's account at a provider cannot pay, every model tried): it lasts
 * until an operator adds credit.
 */
export function retryHeaders(error: Pick<GatewayError, 'type' | 'code' | 'retryAfterSeconds'>): Record<string, string> {
  return {
    ...(error.retryAfterSeconds !== undefined ? { 'retry-after': String(error.retryAfterSeconds) } : {}),
    ...(error.type === 'insufficient_quota' || error.code === 'upstream_billing' ? { 'x-should-retry': 'false' } : {}),
  };
}
