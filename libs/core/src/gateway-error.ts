/**
 * One error type for everything the gateway returns to a client, rendered in OpenAI's error format:
 * `{ "error": { "message", "type", "param", "code" } }` with a fitting HTTP status.
 * https://platform.openai.com/docs/guides/error-codes
 */
export type OpenAIErrorType =
  | 'invalid_request_error'
  | 'permission_error'
  | 'not_found_error'
  | 'rate_limit_error'
  | 'insufficient_quota'
  | 'api_error'
  | 'server_error'
  | 'timeout_error';

export interface OpenAIErrorBody {
  error: { message: string; type: OpenAIErrorType; param: string | null; code: string | null };
}

export class GatewayError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly type: OpenAIErrorType,
    readonly code: string | null = null,
    readonly param: string | null = null,
    /** Seconds, sent as `retry-after` when set. */
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
    this.name = 'GatewayError';
  }

  toBody(): OpenAIErrorBody {
    return { error: { message: this.message, type: this.type, param: this.param, code: this.code } };
  }

  static invalidRequest(message: string, param: string | null = null, code: string | null = null): GatewayError {
    return new GatewayError(400, message, 'invalid_request_error', code, param);
  }

  static notFound(message: string, code = 'model_not_found', param: string | null = null): GatewayError {
    return new GatewayError(404, message, 'invalid_request_error', code, param);
  }

  /**
   * A 401 as OpenAI sends it: type `invalid_request_error`, code `invalid_api_key` for a key it does not
   * accept (its SDKs raise `AuthenticationError` on the status); `missingKey` for no key at all.
   */
  static unauthorized(message: string, code = 'invalid_api_key'): GatewayError {
    return new GatewayError(401, message, 'invalid_request_error', code);
  }

  /** No key at all: OpenAI's 401 then has no code. */
  static missingKey(message: string): GatewayError {
    return new GatewayError(401, message, 'invalid_request_error', null);
  }

  static forbidden(message: string, code = 'forbidden'): GatewayError {
    return new GatewayError(403, message, 'permission_error', code);
  }

  static budgetExceeded(message: string, retryAfterSeconds?: number): GatewayError {
    return new GatewayError(429, message, 'insufficient_quota', 'budget_exceeded', null, retryAfterSeconds);
  }

  /**
   * The client closed its connection before the answer was complete: no one reads this error, but the
   * request record keeps it (status 499, nginx's "client closed request"), so that neither the upstream
   * nor the gateway is blamed for the disconnect.
   */
  static clientClosed(): GatewayError {
    return new GatewayError(499, 'The client closed the connection before the answer was complete.', 'invalid_request_error', 'client_closed_request');
  }

  static internal(message = 'The gateway failed to process the request.'): GatewayError {
    return new GatewayError(500, message, 'server_error', 'internal_error');
  }
}
