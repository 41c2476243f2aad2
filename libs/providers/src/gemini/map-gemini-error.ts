import { ProviderError, type ProviderErrorKind } from '../provider';
import { geminiErrorSchema, type GeminiError } from './gemini-api';

/** Google's canonical codes: https://ai.google.dev/gemini-api/docs/troubleshooting#error-codes */
export function mapGeminiErrorStatus(status: string | undefined): ProviderErrorKind | undefined {
  switch (status) {
    case 'RESOURCE_EXHAUSTED':
      return 'rate_limited';
    case 'UNAVAILABLE':
      return 'overloaded';
    case 'INTERNAL':
      return 'server_error';
    case 'DEADLINE_EXCEEDED':
      return 'timeout';
    case 'UNAUTHENTICATED':
    case 'PERMISSION_DENIED':
      return 'auth';
    case 'NOT_FOUND':
      return 'not_found';
    case 'INVALID_ARGUMENT':
    case 'FAILED_PRECONDITION':
      return 'bad_request';
    default:
      return undefined;
  }
}

export function parseGeminiError(text: string): GeminiError | undefined {
  try {
    let json: unknown = JSON.parse(text);
    if (Array.isArray(json)) json = json[0]; // the JSON-array (non-SSE) stream form wraps errors in an array
    const parsed = geminiErrorSchema.safeParse(json);
    return parsed.success ? parsed.data.error : undefined;
  } catch {
    return undefined;
  }
}

/** `google.rpc.RetryInfo.retryDelay` is a Duration in JSON form, e.g. "37s" or "0.5s". */
export function retryDelayMs(error: GeminiError | undefined): number | undefined {
  const info = error?.details?.find((d) => d['@type']?.endsWith('google.rpc.RetryInfo'));
  const match = info?.retryDelay ? /^(\d+(?:\.\d+)?)s$/.exec(info.retryDelay) : null;
  return match ? Math.round(Number(match[1]) * 1000) : undefined;
}

/**
 * Refines the status-based error from {@link errorFromResponse} with Gemini's own `status` and `RetryInfo`
 * (the `retry-after` header wins when both are present).
 */
export function refineGeminiError(base: ProviderError, error: GeminiError | undefined): ProviderError {
  const kind = mapGeminiErrorStatus(error?.status);
  const refinedKind = kind && !(kind === 'bad_request' && base.kind !== 'bad_request') ? kind : base.kind;
  const retryAfterMs = base.retryAfterMs ?? retryDelayMs(error);
  if (refinedKind === base.kind && retryAfterMs === base.retryAfterMs) return base;
  return new ProviderError(refinedKind, base.message, base.upstreamStatus, retryAfterMs, base.midStream);
}

/** An error object sent as a stream event after HTTP 200. */
export function geminiStreamError(error: GeminiError, midStream: boolean): ProviderError {
  const kind = mapGeminiErrorStatus(error.status) ?? 'server_error';
  return new ProviderError(kind, error.message ?? 'Gemini reported an error mid-stream.', 200, retryDelayMs(error), midStream);
}
