import { ProviderError, type ProviderErrorKind } from '../provider';
import { anthropicErrorSchema } from './anthropic-api';

/** https://docs.anthropic.com/en/api/errors */
export function mapAnthropicErrorType(type: string): ProviderErrorKind {
  switch (type) {
    case 'rate_limit_error':
      return 'rate_limited';
    case 'overloaded_error':
      return 'overloaded';
    case 'authentication_error':
    case 'permission_error':
      return 'auth';
    case 'billing_error':
      return 'billing';
    case 'not_found_error':
      return 'not_found';
    case 'timeout_error':
      return 'timeout';
    case 'invalid_request_error':
    case 'request_too_large':
      return 'bad_request';
    case 'api_error':
    default:
      return 'server_error';
  }
}

/** The upstream's message from an error body, for {@link errorFromResponse}. */
export function describeAnthropicError(text: string): string | undefined {
  try {
    const parsed = anthropicErrorSchema.safeParse(JSON.parse(text));
    if (parsed.success) return parsed.data.error.message;
  } catch {
    /* not JSON */
  }
  return text ? text.slice(0, 500) : undefined;
}

/**
 * The account's own limits, which Anthropic answers as a 400 `invalid_request_error` rather than a 402
 * `billing_error`: no credit left ("Your credit balance is too low to access the Anthropic API") or a
 * spend limit reached ("You have reached your specified API usage limits"). A `billing` error, which
 * the client cannot fix and another provider may serve; any other error as it is.
 * https://docs.anthropic.com/en/api/errors
 */
export function refineAnthropicError(base: ProviderError): ProviderError {
  if (base.kind !== 'bad_request' || !/credit balance is too low|reached your specified (workspace )?API usage limits/i.test(base.message)) return base;
  return new ProviderError('billing', base.message, base.upstreamStatus, base.retryAfterMs, base.midStream);
}

/** An `event: error` received after HTTP 200, e.g. `overloaded_error` mid-stream. */
export function anthropicStreamError(error: { type: string; message: string }, midStream: boolean): ProviderError {
  return new ProviderError(mapAnthropicErrorType(error.type), error.message, 200, undefined, midStream);
}
