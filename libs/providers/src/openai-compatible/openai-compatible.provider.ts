import type { ChatChunk, ChatRequest, ChatResponse, EmbeddingsResponse } from '../../../core/src';
import { ProviderError, type ChatProvider, type EmbeddingCall, type ProviderCall } from '../provider';
import { parseSse } from '../http/sse';
import { MAX_UPSTREAM_EMBEDDINGS_BYTES, postJson, readText, toProviderError } from '../http/upstream-client';
import type { ProviderSettings } from '../provider-settings';
import { openAIErrorFromResponse } from './map-openai-error';
import { adaptToolForms } from './adapt-tool-forms';
import { dropThinkingBlocks } from './drop-thinking-blocks';
import { parseOpenAIEmbeddings } from './parse-openai-embeddings';

/**
 * Any upstream that speaks OpenAI's Chat Completions: OpenAI itself and the long tail of compatible
 * hosts. Differences between them are configuration (`ProviderSettings`), not code here.
 */
export class OpenAICompatibleProvider implements ChatProvider {
  readonly id: string;
  private readonly url: string;
  private readonly embeddingsUrl: string;
  private readonly headers: Record<string, string>;

  constructor(private readonly settings: ProviderSettings) {
    this.id = settings.id;
    this.url = `${settings.baseUrl.replace(/\/+$/, '')}${settings.chatPath ?? '/chat/completions'}`;
    this.embeddingsUrl = `${settings.baseUrl.replace(/\/+$/, '')}${settings.embeddingsPath ?? '/embeddings'}`;
    const authHeader = settings.authHeader ?? 'authorization';
    this.headers = { ...settings.headers };
    if (settings.apiKey) {
      this.headers[authHeader] = authHeader === 'authorization' ? `Bearer ${settings.apiKey}` : settings.apiKey;
    }
  }

  async complete(call: ProviderCall): Promise<ChatResponse> {
    const body = this.prepare({ ...call.request, stream: false });
    const res = await postJson(this.url, this.headers, body, call);
    if (res.status >= 400) throw await openAIErrorFromResponse(res);
    const text = await readText(res.body);
    try {
      return JSON.parse(text) as ChatResponse;
    } catch {
      throw new ProviderError('malformed_response', 'Upstream returned a body that is not JSON.', res.status);
    }
  }

  /**
   * `POST {base}/embeddings`, the client's request as it is (its `model` the upstream's name) but for
   * the fields this host rejects (`dropFields`: Mistral's `user`; `encoding_format` for a host that
   * refuses base64): the host answers in the encoding asked for, or in floats, and the gateway gives
   * the client the encoding it asked for either way.
   * https://platform.openai.com/docs/api-reference/embeddings/create
   */
  async embed(call: EmbeddingCall): Promise<EmbeddingsResponse> {
    const res = await postJson(this.embeddingsUrl, this.headers, this.withQuirks(call.request), call);
    if (res.status >= 400) throw await openAIErrorFromResponse(res);
    return parseOpenAIEmbeddings(await readText(res.body, MAX_UPSTREAM_EMBEDDINGS_BYTES), res.status, call.request.model);
  }

  stream(call: ProviderCall): AsyncIterable<ChatChunk> {
    const body = this.prepare({
      ...call.request,
      stream: true,
      stream_options: { ...(call.request.stream_options ?? {}), include_usage: true },
    });
    const url = this.url;
    const headers = this.headers;
    return {
      async *[Symbol.asyncIterator]() {
        const res = await postJson(url, headers, body, call);
        if (res.status >= 400) throw await openAIErrorFromResponse(res);
        let sawContent = false;
        try {
          for await (const event of parseSse(res.body)) {
            if (event.data === '[DONE]') return;
            let parsed: unknown;
            try {
              parsed = JSON.parse(event.data);
            } catch {
              throw new ProviderError('malformed_response', 'Upstream sent a stream event that is not JSON.', res.status, undefined, sawContent);
            }
            const asError = (parsed as { error?: { message?: string } }).error;
            if (asError) {
              throw new ProviderError('server_error', asError.message ?? 'Upstream reported an error mid-stream.', res.status, undefined, sawContent);
            }
            sawContent = true;
            yield parsed as ChatChunk;
          }
        } catch (err) {
          res.body.destroy();
          throw toProviderError(err, sawContent);
        }
      },
    };
  }

  /**
   * Applies per-provider quirks: fields the upstream rejects are dropped, renamed fields mapped. And
   * `metadata` goes out only with `store: true`: OpenAI answers 400 ("The 'metadata' parameter is only
   * allowed when 'store' is enabled") otherwise, while callers of the gateway also use it for routing
   * (`metadata.tier`, `metadata.tags`: docs/routing.md), so it is the gateway's to read there.
   * OpenAI's newer tool forms go out only to a host that takes them (adapt-tool-forms.ts), and Claude's
   * thinking blocks a client echoed back do not go out at all (drop-thinking-blocks.ts).
   */
  private prepare(fromClient: ChatRequest): Record<string, unknown> {
    const adapted = adaptToolForms(fromClient, this.settings.toolForms ?? []);
    const messages = dropThinkingBlocks(adapted.messages);
    const request = messages === adapted.messages ? adapted : { ...adapted, messages };
    const unstoredMetadata = request.metadata != null && request.store !== true;
    // Callers pass a fresh object; without quirks it goes out as is (no second copy, no `delete`).
    if (!this.settings.dropFields?.length && !this.settings.renameFields && !unstoredMetadata) return request as unknown as Record<string, unknown>;
    return this.withQuirks(request, unstoredMetadata ? 'metadata' : undefined);
  }

  /** A copy without `omit` and the fields this host rejects, and with the ones it names differently renamed. */
  private withQuirks(request: object, omit?: string): Record<string, unknown> {
    const body: Record<string, unknown> = { ...request };
    if (omit !== undefined) delete body[omit];
    for (const field of this.settings.dropFields ?? []) delete body[field];
    for (const [from, to] of Object.entries(this.settings.renameFields ?? {})) {
      if (from in body) {
        body[to] = body[from];
        delete body[from];
      }
    }
    return body;
  }
}
