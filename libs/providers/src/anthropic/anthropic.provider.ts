import { systemClock, type ChatChunk, type ChatRequest, type ChatResponse, type Clock } from '../../../core/src';
import { ProviderError, type ChatProvider, type ProviderCall } from '../provider';
import { parseSse } from '../http/sse';
import { fieldsNotOpenAIs } from '../shared/fields-not-openai';
import { errorFromResponse, postJson, readText, toProviderError } from '../http/upstream-client';
import type { ProviderSettings } from '../provider-settings';
import { ANTHROPIC_VERSION, anthropicMessageSchema } from './anthropic-api';
import { transformAnthropicStream } from './anthropic-stream';
import { convertAnthropicResponse } from './convert-anthropic-response';
import { convertToAnthropicRequest } from './convert-to-anthropic-request';
import { describeAnthropicError, refineAnthropicError } from './map-anthropic-error';

export const ANTHROPIC_DEFAULT_BASE_URL = 'https://api.anthropic.com';

/**
 * Anthropic's Messages API behind the OpenAI Chat Completions interface.
 * https://docs.anthropic.com/en/api/messages
 * `dropFields` / `renameFields` apply to OpenAI-format bodies and are not used here.
 */
export class AnthropicProvider implements ChatProvider {
  readonly id: string;
  private readonly url: string;
  private readonly headers: Record<string, string>;

  constructor(
    settings: ProviderSettings,
    private readonly clock: Clock = systemClock,
  ) {
    this.id = settings.id;
    this.url = `${(settings.baseUrl || ANTHROPIC_DEFAULT_BASE_URL).replace(/\/+$/, '')}${settings.chatPath ?? '/v1/messages'}`;
    const authHeader = settings.authHeader ?? 'x-api-key';
    this.headers = { 'anthropic-version': ANTHROPIC_VERSION, ...settings.headers };
    if (settings.apiKey) this.headers[authHeader] = authHeader === 'authorization' ? `Bearer ${settings.apiKey}` : settings.apiKey;
  }

  /** Fields that are not OpenAI's: the converter builds the body from the ones it knows (docs/providers.md). */
  leftOut(request: ChatRequest): string[] {
    return fieldsNotOpenAIs(request);
  }

  async complete(call: ProviderCall): Promise<ChatResponse> {
    const { body, jsonTool } = convertToAnthropicRequest(call.request, call);
    const res = await postJson(this.url, this.headers, body, call);
    if (res.status >= 400) throw refineAnthropicError(await errorFromResponse(res, describeAnthropicError));
    const text = await readText(res.body);
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      throw new ProviderError('malformed_response', 'Anthropic returned a body that is not JSON.', res.status);
    }
    const parsed = anthropicMessageSchema.safeParse(json);
    if (!parsed.success) throw new ProviderError('malformed_response', 'Anthropic returned an unexpected message shape.', res.status);
    return convertAnthropicResponse(parsed.data, { created: this.nowSeconds(), ...(jsonTool ? { jsonTool } : {}) });
  }

  stream(call: ProviderCall): AsyncIterable<ChatChunk> {
    const { url, headers } = this;
    const created = () => this.nowSeconds();
    return {
      async *[Symbol.asyncIterator]() {
        // A request we cannot translate rejects the first next() with a GatewayError, before any HTTP call.
        const { body, jsonTool } = convertToAnthropicRequest(call.request, call);
        const res = await postJson(url, headers, { ...body, stream: true }, call);
        if (res.status >= 400) throw refineAnthropicError(await errorFromResponse(res, describeAnthropicError));
        let sentAnything = false;
        try {
          for await (const chunk of transformAnthropicStream(parseSse(res.body), { created: created(), ...(jsonTool ? { jsonTool } : {}) })) {
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

  private nowSeconds(): number {
    return Math.floor(this.clock.now() / 1000);
  }
}
