import { ProviderError, type ProviderErrorKind } from '../provider';
import { errorFromResponse, type UpstreamResponse } from '../http/upstream-client';

/** OpenAI's error body, loosely: hosts that speak its format differ in what they fill. */
export interface OpenAIErrorDetail {
  message?: string;
  code: string | null;
  param: string | null;
}

/**
 * `{ "error": { "message", "type", "param", "code" } }` (https://platform.openai.com/docs/guides/error-codes);
 * some hosts send `{ "error": "text" }` or `{ "message": "text" }` instead. Undefined when the body is
 * not JSON; JSON without those fields gives no message.
 */
export function parseOpenAIError(text: string): OpenAIErrorDetail | undefined {
  let parsed: { error?: unknown; message?: unknown };
  try {
    parsed = JSON.parse(text) as typeof parsed;
  } catch {
    return undefined;
  }
  const none: OpenAIErrorDetail = { code: null, param: null };
  if (parsed === null || typeof parsed !== 'object') return none;
  const { error } = parsed;
  if (typeof error === 'string') return { message: error, code: null, param: null };
  if (error !== null && typeof error === 'object') {
    const e = error as Record<string, unknown>;
    return {
      ...(typeof e.message === 'string' ? { message: e.message } : {}),
      code: typeof e.code === 'string' ? e.code : null,
      param: typeof e.param === 'string' ? e.param : null,
    };
  }
  return typeof parsed.message === 'string' ? { message: parsed.message, code: null, param: null } : none;
}

/** The upstream's own code says what a 400 is better than its message's wording does. */
function kindForCode(code: string): ProviderErrorKind {
  if (code === 'context_length_exceeded') return 'context_length';
  if (code === 'content_policy_violation' || code === 'content_filter') return 'content_policy';
  return 'bad_request';
}

/** A non-2xx answer of an OpenAI-compatible host, keeping its message, and for a 400 its `code` and `param`. */
export async function openAIErrorFromResponse(res: UpstreamResponse): Promise<ProviderError> {
  let detail: OpenAIErrorDetail | undefined;
  const base = await errorFromResponse(res, (text) => {
    detail = parseOpenAIError(text);
    if (detail) return detail.message;
    return text ? text.slice(0, 500) : undefined;
  });
  // OpenAI's 429 `insufficient_quota`: the gateway's account has no credit left, not a rate limit that
  // passes (https://platform.openai.com/docs/guides/error-codes); another provider may serve.
  if (detail?.code === 'insufficient_quota') return new ProviderError('billing', base.message, base.upstreamStatus, undefined, base.midStream);
  if (res.status !== 400 || !detail || (detail.code === null && detail.param === null)) return base;
  const kind = detail.code === null ? base.kind : kindForCode(detail.code);
  return new ProviderError(kind, base.message, base.upstreamStatus, base.retryAfterMs, base.midStream, { code: detail.code, param: detail.param });
}
