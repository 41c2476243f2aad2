import type { NewRequestRow, RequestKind } from './database';

/**
 * A request's record as it starts: an error until the handler says otherwise (so a request that dies
 * half-way is still recorded as failed), no route, model or spend yet.
 */
export function emptyRequestRow(kind: RequestKind, requestId: string, keyId: string | null, startedAt: number): NewRequestRow {
  return {
    id: requestId,
    created_at: new Date(startedAt),
    kind,
    route: null,
    model_id: null,
    provider_id: null,
    key_id: keyId,
    status: 'error',
    http_status: 500,
    error_type: null,
    error_message: null,
    streamed: false,
    prompt_tokens: 0,
    completion_tokens: 0,
    cached_tokens: 0,
    cost_usd: 0,
    latency_ms: 0,
    ttft_ms: null,
    finish_reason: null,
    decision_reason: null,
    attempts: '[]',
  };
}
