import type { ChatChunk, ChatResponse } from '../../core/src';
import { ProviderError, type ChatProvider, type ProviderCall } from './provider';
import { redactSecret, withRedactedErrors } from './redact-provider-errors';

const KEY = 'sk-live-0123456789';
const call = {} as ProviderCall;
const chunk = { id: 'c', object: 'chat.completion.chunk', created: 1, model: 'm', choices: [] } as ChatChunk;

function failing(err: unknown, chunksBefore = 0): ChatProvider {
  return {
    id: 'p',
    complete: () => Promise.reject(err),
    stream: () =>
      (async function* () {
        for (let i = 0; i < chunksBefore; i++) yield chunk;
        throw err;
      })(),
  };
}

describe('redactSecret', () => {
  it('takes out every occurrence and leaves other text alone', () => {
    expect(redactSecret(`got ${KEY}, expected not ${KEY}`, KEY)).toBe('got [redacted], expected not [redacted]');
    expect(redactSecret('nothing here', KEY)).toBe('nothing here');
  });
});

describe('withRedactedErrors', () => {
  const echoed = new ProviderError('bad_request', `Invalid key. Received API Key = ${KEY}`, 400, 2000, false, { code: 'invalid_key', param: null });

  it("takes the provider's key out of a failed completion's error, keeping what the error says", async () => {
    const err = (await withRedactedErrors(failing(echoed), KEY).complete(call).catch((e: unknown) => e)) as ProviderError;
    expect(err).toBeInstanceOf(ProviderError);
    expect(err.message).toBe('Invalid key. Received API Key = [redacted]');
    expect(err).toMatchObject({ kind: 'bad_request', upstreamStatus: 400, retryAfterMs: 2000, midStream: false, openaiError: { code: 'invalid_key', param: null } });
  });

  it('and out of an error in the middle of a stream, after the chunks before it', async () => {
    const midStream = new ProviderError('server_error', `stream broke for ${KEY}`, undefined, undefined, true);
    const chunks: ChatChunk[] = [];
    const err = await (async () => {
      for await (const c of withRedactedErrors(failing(midStream, 2), KEY).stream(call)) chunks.push(c);
    })().catch((e: unknown) => e as ProviderError);
    expect(chunks).toHaveLength(2);
    expect(err).toMatchObject({ kind: 'server_error', midStream: true, message: 'stream broke for [redacted]' });
  });

  it('and out of a failed embeddings call; a provider without embed gets none', async () => {
    const embedding: ChatProvider = { ...failing(echoed), embed: () => Promise.reject(echoed) };
    const err = await withRedactedErrors(embedding, KEY).embed!({ request: { model: 'm', input: 'x' } }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ProviderError);
    expect((err as ProviderError).message).toBe('Invalid key. Received API Key = [redacted]');
    expect(withRedactedErrors(failing(echoed), KEY).embed).toBeUndefined();
  });

  it("keeps the provider's leftOut (the fields it does not send), and has none when the provider has none", () => {
    const leaving: ChatProvider = { ...failing(echoed), leftOut: () => ['top_k'] };
    expect(withRedactedErrors(leaving, KEY).leftOut!({ model: 'm', messages: [] })).toEqual(['top_k']);
    expect(withRedactedErrors(failing(echoed), KEY).leftOut).toBeUndefined();
  });

  it("leaves a placeholder key (a local server's EMPTY) alone rather than cut words out of messages", async () => {
    const provider = failing(new ProviderError('bad_request', 'EMPTY messages are not allowed'));
    expect(withRedactedErrors(provider, 'EMPTY')).toBe(provider);
  });

  it('passes answers, and errors that do not hold the key, through unchanged', async () => {
    const answer = { id: 'r' } as ChatResponse;
    const ok: ChatProvider = { id: 'p', complete: () => Promise.resolve(answer), stream: () => failing(null).stream(call) };
    expect(await withRedactedErrors(ok, KEY).complete(call)).toBe(answer);
    const plain = new ProviderError('timeout', 'slow');
    expect(await withRedactedErrors(failing(plain), KEY).complete(call).catch((e: unknown) => e)).toBe(plain);
  });
});
