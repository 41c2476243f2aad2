import type { ChatChunk, ChatRequest, ChatResponse, EmbeddingsRequest, EmbeddingsResponse } from '../../core/src';
import type { ThinkingDisplay, ThinkingMode } from './catalog/thinking-mode';

/** What the gateway hands an adapter: an OpenAI-format request whose `model` is already the upstream name. */
export interface ProviderCall {
  request: ChatRequest;
  /** Aborts the upstream call (client went away, or a timeout fired). */
  signal?: AbortSignal;
  /**
   * The controller of `signal`, when the caller owns one for this call alone: the call's total
   * timeout then aborts it directly instead of a second controller chained to it (one controller and
   * one listener fewer per request).
   */
  abort?: AbortController;
  timeouts?: ProviderTimeouts;
  /**
   * The model's own output limit (`ModelSpec.maxOutputTokens`), for a provider that needs a limit on
   * every request (Anthropic) when the client sets none: OpenAI's models then write up to theirs.
   */
  maxOutputTokens?: number;
  /** Whether the model thinks on this call (`ModelSpec.thinking`); unset: not known. */
  thinking?: ThinkingMode;
  /** What the model's thinking blocks carry back (`ModelSpec.thinkingDisplay`); unset: its default. */
  thinkingDisplay?: ThinkingDisplay;
  /**
   * Whether the model can think when a request asks (`reasoning_effort`): its `capabilities.reasoning`.
   * Unset: not known, and an adapter that must turn thinking on (Anthropic's) refuses the request.
   */
  canThink?: boolean;
}

export interface ProviderTimeouts {
  /** Until the connection to the upstream is established (a pooled keep-alive connection skips it). */
  connectMs?: number;
  /** Until response headers arrive. */
  firstByteMs?: number;
  /** Longest silence between two stream events. */
  idleMs?: number;
  /** Whole call. */
  totalMs?: number;
}

/**
 * One model family's API, translated to and from OpenAI's Chat Completions format.
 *
 * `stream()` returns an iterator that performs the HTTP call on the first `next()`: errors before any
 * content (HTTP status, connection, first-byte timeout) reject that first `next()` with a
 * {@link ProviderError}, so a caller can still fall back; errors after content reject a later `next()`.
 * The chunks are OpenAI `chat.completion.chunk`s; the last one carries `usage` when the upstream reports it
 * (adapters always ask the upstream for usage, whatever the client asked).
 */
export interface ChatProvider {
  readonly id: string;
  complete(call: ProviderCall): Promise<ChatResponse>;
  stream(call: ProviderCall): AsyncIterable<ChatChunk>;
  /**
   * The request's top-level fields this adapter leaves out of its call without a word (fields that are
   * not OpenAI's, for an adapter that builds its provider's body from the fields it knows), for the
   * gateway to name in `x-router-ignored-params`. Absent: the adapter sends them all on (an
   * OpenAI-compatible host answers for itself).
   */
  leftOut?(request: ChatRequest): string[];
  /**
   * OpenAI's Embeddings API, for a family that has one (absent: the family has none, as Anthropic).
   * Answers in OpenAI's format, each vector as floats or base64 (the gateway gives the client the
   * encoding it asked for); `usage` absent when the upstream reports no token count. A request the
   * adapter cannot put to its API (token ids to Gemini) rejects with a GatewayError 400, no call made.
   */
  embed?(call: EmbeddingCall): Promise<EmbeddingsResponse>;
}

/** One embeddings call: the client's request with `model` already the upstream name. */
export interface EmbeddingCall {
  request: EmbeddingsRequest;
  signal?: AbortSignal;
  abort?: AbortController;
  timeouts?: ProviderTimeouts;
}

export type ProviderErrorKind =
  | 'rate_limited' // 429
  | 'overloaded' // 503, Anthropic 529
  | 'server_error' // other 5xx
  | 'timeout'
  | 'connection' // refused, reset, DNS
  | 'bad_request' // 400 the upstream rejected; another model would likely reject it too
  | 'context_length' // prompt too long for this model: another model may serve
  | 'content_policy'
  | 'auth' // our provider key is wrong: the client cannot fix it
  | 'billing' // our provider account cannot pay (no credit, spend limit, quota used up): the client cannot fix it
  | 'not_found'
  | 'malformed_response'; // upstream sent something we cannot parse

/** An upstream failure, normalised. The gateway maps it to an OpenAI-format error for the client. */
export class ProviderError extends Error {
  constructor(
    readonly kind: ProviderErrorKind,
    message: string,
    readonly upstreamStatus?: number,
    /** From the upstream's `retry-after` (or equivalent), in milliseconds. */
    readonly retryAfterMs?: number,
    /** True when content had already been produced before the failure (mid-stream). */
    readonly midStream = false,
    /**
     * The `code` and `param` of an OpenAI-format error body (an OpenAI-compatible upstream's): what a
     * client calling that host directly would read, kept for a client error it must fix itself.
     */
    readonly openaiError?: { code: string | null; param: string | null },
  ) {
    super(message);
    this.name = 'ProviderError';
  }

  /** Worth retrying on the same model after a pause. */
  get retryable(): boolean {
    return ['rate_limited', 'overloaded', 'server_error', 'timeout', 'connection', 'malformed_response'].includes(this.kind);
  }

  /** Another model might serve this request even though this one refused it. */
  get fallbackable(): boolean {
    return this.retryable || ['context_length', 'content_policy', 'auth', 'billing', 'not_found'].includes(this.kind);
  }
}

/** Maps an upstream HTTP status to an error kind; adapters refine it from the body when they can. */
export function providerErrorKindForStatus(status: number): ProviderErrorKind {
  if (status === 429) return 'rate_limited';
  if (status === 401 || status === 403) return 'auth';
  if (status === 402) return 'billing';
  if (status === 404) return 'not_found';
  if (status === 408) return 'timeout';
  if (status === 503 || status === 529) return 'overloaded';
  if (status >= 500) return 'server_error';
  return 'bad_request';
}

/** Parses `retry-after` (seconds or an HTTP date) and `retry-after-ms` headers into milliseconds. */
export function parseRetryAfter(headers: Record<string, string | string[] | undefined>, now = Date.now()): number | undefined {
  const first = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v);
  const ms = first(headers['retry-after-ms']);
  if (ms !== undefined && Number.isFinite(Number(ms))) return Math.max(0, Number(ms));
  const value = first(headers['retry-after']);
  if (value === undefined) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}
