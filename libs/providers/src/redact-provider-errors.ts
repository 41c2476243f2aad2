import type { ChatChunk } from '../../core/src';
import { ProviderError, type ChatProvider, type EmbeddingCall, type ProviderCall } from './provider';

const REDACTED = '[redacted]';

/** Shorter keys are placeholders (a local server's `EMPTY`, `none`): taking them out would cut words out of messages. */
const MIN_SECRET_CHARS = 8;

/** `text` without any occurrence of `secret`. */
export function redactSecret(text: string, secret: string): string {
  return text.includes(secret) ? text.split(secret).join(REDACTED) : text;
}

/** The same error with the secret taken out of its message; other errors pass as they are. */
function redacted(err: unknown, secret: string): unknown {
  if (!(err instanceof ProviderError) || !err.message.includes(secret)) return err;
  return new ProviderError(err.kind, redactSecret(err.message, secret), err.upstreamStatus, err.retryAfterMs, err.midStream, err.openaiError);
}

/**
 * A provider whose errors never carry its own key. An upstream's error text is passed on (to the
 * client for a 400, to the request record and the dashboard always), and some hosts echo the key they
 * were sent ("Received API Key = sk-..."). Only failures pay for it: a call's promise, and each
 * chunk's `next()`, get one rejection handler.
 */
export function withRedactedErrors(provider: ChatProvider, secret: string): ChatProvider {
  if (secret.length < MIN_SECRET_CHARS) return provider;
  const rethrow = (err: unknown): never => {
    throw redacted(err, secret);
  };
  const embed = provider.embed?.bind(provider);
  const leftOut = provider.leftOut?.bind(provider);
  return {
    id: provider.id,
    ...(leftOut ? { leftOut } : {}),
    complete: (call: ProviderCall) => provider.complete(call).catch(rethrow),
    ...(embed ? { embed: (call: EmbeddingCall) => embed(call).catch(rethrow) } : {}),
    stream: (call: ProviderCall) => {
      const source = provider.stream(call);
      return {
        [Symbol.asyncIterator](): AsyncIterator<ChatChunk> {
          const chunks = source[Symbol.asyncIterator]();
          const close = chunks.return?.bind(chunks);
          return { next: () => chunks.next().catch(rethrow), ...(close ? { return: (value?: unknown) => close(value).catch(rethrow) } : {}) };
        },
      };
    },
  };
}
