import { systemClock, type ChatChunk, type ChatRequest, type ChatResponse, type Clock, type EmbeddingItem, type EmbeddingsResponse } from '../../../core/src';
import { ProviderError, type ChatProvider, type EmbeddingCall, type ProviderCall } from '../provider';
import { parseSse } from '../http/sse';
import { fieldsNotOpenAIs } from '../shared/fields-not-openai';
import { errorFromResponse, MAX_UPSTREAM_EMBEDDINGS_BYTES, postJson, readText, toProviderError, type UpstreamResponse } from '../http/upstream-client';
import type { ProviderSettings } from '../provider-settings';
import { convertGeminiEmbeddings } from './convert-gemini-embeddings';
import { convertGeminiResponse, geminiResponseId } from './convert-gemini-response';
import { convertToGeminiEmbedRequests } from './convert-to-gemini-embed-request';
import { convertToGeminiRequest } from './convert-to-gemini-request';
import { geminiResponseSchema, type GeminiError, type GeminiRequestBody } from './gemini-api';
import { transformGeminiStream } from './gemini-stream';
import { jsonAnswerFunctionName } from './json-answer-function';
import { parseGeminiError, refineGeminiError } from './map-gemini-error';
import { InMemoryThoughtSignatureStore, type ThoughtSignatureStore } from './thought-signature-store';

export const GEMINI_DEFAULT_BASE_URL = 'https://generativelanguage.googleapis.com';

/**
 * The Gemini API (Google AI Studio keys) behind the OpenAI Chat Completions interface.
 * POST {base}{chatPath}/{model}:generateContent, or :streamGenerateContent?alt=sse when streaming;
 * `chatPath` defaults to `/v1beta/models`. The key goes in `x-goog-api-key`.
 * https://ai.google.dev/api/generate-content
 * `dropFields` / `renameFields` apply to OpenAI-format bodies and are not used here.
 *
 * Thought signatures: Gemini's thinking models put a `thoughtSignature` on function calls and Gemini 3
 * wants it back with the call next turn; OpenAI's format has no field for it. The provider keeps each one
 * (see ThoughtSignatureStore) under the tool call id it minted, which the client sends back.
 *
 * `response_format: json_schema` beside function tools on Gemini 2.x: the answer comes as a call of a
 * function named after the schema (json-answer-function.ts), returned as the message content.
 */
export class GeminiProvider implements ChatProvider {
  readonly id: string;
  private readonly modelsUrl: string;
  private readonly headers: Record<string, string>;

  constructor(
    settings: ProviderSettings,
    private readonly clock: Clock = systemClock,
    private readonly thoughtSignatures: ThoughtSignatureStore = new InMemoryThoughtSignatureStore(),
  ) {
    this.id = settings.id;
    this.modelsUrl = `${(settings.baseUrl || GEMINI_DEFAULT_BASE_URL).replace(/\/+$/, '')}${settings.chatPath ?? '/v1beta/models'}`;
    const authHeader = settings.authHeader ?? 'x-goog-api-key';
    this.headers = { ...settings.headers };
    if (settings.apiKey) this.headers[authHeader] = authHeader === 'authorization' ? `Bearer ${settings.apiKey}` : settings.apiKey;
  }

  /** Fields that are not OpenAI's: the converter builds the body from the ones it knows (docs/providers.md). */
  leftOut(request: ChatRequest): string[] {
    return fieldsNotOpenAIs(request);
  }

  async complete(call: ProviderCall): Promise<ChatResponse> {
    const body = this.requestBody(call);
    const res = await postJson(this.url(call.request.model, 'generateContent'), this.headers, body, call);
    if (res.status >= 400) throw await geminiErrorFromResponse(res);
    const text = await readText(res.body);
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      throw new ProviderError('malformed_response', 'Gemini returned a body that is not JSON.', res.status);
    }
    const parsed = geminiResponseSchema.safeParse(json);
    if (!parsed.success) throw new ProviderError('malformed_response', 'Gemini returned an unexpected response shape.', res.status);
    const blockReason = parsed.data.promptFeedback?.blockReason;
    if (!parsed.data.candidates?.length && blockReason) {
      throw new ProviderError('content_policy', `Gemini blocked the prompt (${blockReason}).`, res.status);
    }
    return convertGeminiResponse(parsed.data, geminiResponseId(parsed.data, text), {
      created: this.nowSeconds(),
      model: call.request.model,
      onThoughtSignature: this.signatureKeeper(call),
      answerFunction: jsonAnswerFunctionName(call.request),
    });
  }

  stream(call: ProviderCall): AsyncIterable<ChatChunk> {
    const provider = this;
    return {
      async *[Symbol.asyncIterator]() {
        // A request we cannot translate rejects the first next() with a GatewayError, before any HTTP call.
        const body = provider.requestBody(call);
        const res = await postJson(provider.url(call.request.model, 'streamGenerateContent', 'alt=sse'), provider.headers, body, call);
        if (res.status >= 400) throw await geminiErrorFromResponse(res);
        let sentAnything = false;
        try {
          const context = {
            created: provider.nowSeconds(),
            model: call.request.model,
            onThoughtSignature: provider.signatureKeeper(call),
            answerFunction: jsonAnswerFunctionName(call.request),
          };
          for await (const chunk of transformGeminiStream(parseSse(res.body), context)) {
            sentAnything = true;
            yield chunk;
          }
        } catch (err) {
          throw toProviderError(err, sentAnything);
        } finally {
          // Also when the consumer stops early: an unread body would hold its pooled connection.
          if (!res.body.destroyed) res.body.destroy();
        }
      },
    };
  }

  /**
   * OpenAI's embeddings through batchEmbedContents (convertToGeminiEmbedRequests), one call per batch of
   * texts, in order; vectors shortened by `dimensions` are scaled back to unit length, as OpenAI's are. `usage` only when Gemini counted tokens for every batch (the Gemini API does not:
   * the gateway then bills its own estimate and says so).
   */
  async embed(call: EmbeddingCall): Promise<EmbeddingsResponse> {
    const model = upstreamName(call.request.model);
    const batches = convertToGeminiEmbedRequests(call.request, model);
    const data: EmbeddingItem[] = [];
    let promptTokens: number | undefined = 0;
    for (const batch of batches) {
      const res = await postJson(this.url(model, 'batchEmbedContents'), this.headers, batch, call);
      if (res.status >= 400) throw await geminiErrorFromResponse(res);
      const part = convertGeminiEmbeddings(await readText(res.body, MAX_UPSTREAM_EMBEDDINGS_BYTES), res.status, data.length, batch.requests.length, call.request.dimensions !== undefined);
      data.push(...part.data);
      promptTokens = promptTokens === undefined || part.promptTokens === undefined ? undefined : promptTokens + part.promptTokens;
    }
    return {
      object: 'list',
      data,
      model,
      ...(promptTokens === undefined ? {} : { usage: { prompt_tokens: promptTokens, total_tokens: promptTokens } }),
    };
  }

  private requestBody(call: ProviderCall): GeminiRequestBody {
    const model = upstreamName(call.request.model);
    return convertToGeminiRequest(call.request, { thoughtSignatureFor: (toolCallId) => this.thoughtSignatures.recall(toolCallId, model) });
  }

  private signatureKeeper(call: ProviderCall): (toolCallId: string, signature: string) => void {
    const model = upstreamName(call.request.model);
    return (toolCallId, signature) => this.thoughtSignatures.remember(toolCallId, model, signature);
  }

  private url(model: string, method: string, query?: string): string {
    return `${this.modelsUrl}/${encodeURIComponent(upstreamName(model))}:${method}${query ? `?${query}` : ''}`;
  }

  private nowSeconds(): number {
    return Math.floor(this.clock.now() / 1000);
  }
}

function upstreamName(model: string): string {
  return model.replace(/^models\//, '');
}

async function geminiErrorFromResponse(res: UpstreamResponse): Promise<ProviderError> {
  let error: GeminiError | undefined;
  const base = await errorFromResponse(res, (text) => {
    error = parseGeminiError(text);
    return error?.message ?? (text ? text.slice(0, 500) : undefined);
  });
  return refineGeminiError(base, error);
}
