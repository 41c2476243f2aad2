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

/** An `event: error` received after HTTP 200, e.g. `overloaded_error` mid-stream. */
export function anthropicStreamError(error: { type: string; message: string }, midStream: boolean): ProviderError {
  return new ProviderError(mapAnthropicErrorType(error.type), error.message, 200, undefined, midStream);
}
