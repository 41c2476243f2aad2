import OpenAI from 'openai';
import { startFakeGemini, type FakeGemini } from '../fakes/fake-gemini.server';
import { FAKE_OPENAI_MAX_INPUT_TOKENS, startFakeOpenAIEmbeddings, type FakeOpenAIEmbeddings } from '../fakes/fake-openai-embeddings.server';
import { ADMIN_KEY, call, newKey } from '../budget/budget-support';
import { rejection } from '../support/sdk-rejection';
import { flush, rows } from './embeddings-support';
import { GATEWAY_KEY, startStack, type Stack } from '../support/stack';

const PROVIDER_KEY = 'sk-fake-provider-key-0123456789';

/**
 * Embeddings: caller tags on the record, errors that name the model the client asked for (never the
 * deployment's upstream name), and client mistakes an upstream reports (an input over the model's
 * token limit) answered as 400s that are neither retried, failed over, nor counted against the
 * deployment, yet recorded. Its own stack: the breaker counts here must not see the other file's tests.
 */
function yaml(openai: string, openaiEu: string, gemini: string): string {
  return `
providers:
  - { id: oai, kind: openai-compatible, base_url: "${openai}", api_key_env: FAKE_OPENAI_KEY }
  - { id: oai-eu, kind: openai-compatible, base_url: "${openaiEu}" }
  - { id: google, kind: gemini, base_url: "${gemini}" }
models:
  - { id: small, provider: oai, upstream: small-chat, input_per_1m: 0.1, output_per_1m: 0.4, context_window: 16000 }
  - { id: text-embedding-3-small, catalog: text-embedding-3-small, provider: oai }
  - { id: text-embedding-3-small-eu, catalog: text-embedding-3-small, provider: oai-eu }
  - { id: gemini-embedding-001, catalog: gemini-embedding-001, provider: google }
  - { id: gem-docs, catalog: gemini-embedding-001, provider: google }
routes:
  - { name: auto, candidates: [small] }
embedding_routes:
  - { name: docs-ha, model: text-embedding-3-small, fallbacks: [text-embedding-3-small-eu], retries: 2 }
  - { name: gem-ha, model: gem-docs, fallbacks: [gemini-embedding-001], retries: 2 }
`;
}

describe('POST /v1/embeddings: caller tags, client-facing model names, upstream client errors', () => {
  let openai: FakeOpenAIEmbeddings;
  let openaiEu: FakeOpenAIEmbeddings;
  let gemini: FakeGemini;
  let stack: Stack;
  let client: OpenAI;

  async function breaker(deployment: string): Promise<{ state: string; consecutive_failures: number } | undefined> {
    const report = await call(stack.gateway.url, 'GET', '/v1/router/report', GATEWAY_KEY);
    return (report.json.health as { deployments: Array<{ deployment: string; state: string; consecutive_failures: number }> }).deployments.find((d) => d.deployment === deployment);
  }

  beforeAll(async () => {
    openai = await startFakeOpenAIEmbeddings();
    openaiEu = await startFakeOpenAIEmbeddings();
    gemini = await startFakeGemini();
    stack = await startStack({ yaml: yaml(openai.url, openaiEu.url, gemini.url), queue: 'in-process', env: { FAKE_OPENAI_KEY: PROVIDER_KEY, ADMIN_API_KEY: ADMIN_KEY } });
    client = stack.client;
  });
  afterAll(async () => {
    await stack?.close();
    await openai?.close();
    await openaiEu?.close();
    await gemini?.close();
  });
  beforeEach(() => {
    openai.calls.length = 0;
    openaiEu.calls.length = 0;
    gemini.requests.length = 0;
    gemini.setEmbedFailure(undefined);
  });

  it("records the caller's tags as chat does: its key's, then its x-router-tags header's", async () => {
    const { key } = await newKey(stack.gateway.url, { tags: ['Team-RAG'] });
    const tagged = new OpenAI({ baseURL: `${stack.gateway.url}/v1`, apiKey: key, maxRetries: 0, defaultHeaders: { 'x-router-tags': 'ingest, Nightly,ingest' } });
    const { response } = await tagged.embeddings.create({ model: 'text-embedding-3-small', input: 'tag me', user: 'end-user-7' }).withResponse();
    const plain = await client.embeddings.create({ model: 'text-embedding-3-small', input: 'no tags' }).withResponse();
    const headerOnly = new OpenAI({ baseURL: `${stack.gateway.url}/v1`, apiKey: GATEWAY_KEY, maxRetries: 0, defaultHeaders: { 'x-router-tags': 'search' } });
    const refused = await rejection(headerOnly.embeddings.create({ model: 'nope', input: 'x' }).withResponse());
    expect(refused.status).toBe(404);
    await flush(stack);
    const [record] = await rows<{ tags: string[]; kind: string }>(stack, 'select tags, kind from requests where id = $1', [response.headers.get('x-request-id')]);
    expect(record).toEqual({ tags: ['team-rag', 'ingest', 'nightly'], kind: 'embeddings' });
    const [untagged] = await rows<{ tags: string[] }>(stack, 'select tags from requests where id = $1', [plain.response.headers.get('x-request-id')]);
    expect(untagged.tags).toEqual([]);
    // A request the service refuses (an unknown model) keeps the tags it came with.
    const [refusedRecord] = await rows<{ tags: string[]; http_status: number }>(stack, 'select tags, http_status from requests where id = $1', [refused.headers?.get('x-request-id')]);
    expect(refusedRecord).toEqual({ tags: ['search'], http_status: 404 });
  });

  it("Gemini errors name the model the client asked for, never the deployment's upstream name", async () => {
    const ids = await rejection(client.embeddings.create({ model: 'gem-docs', input: [1, 2, 3] }));
    expect(ids.status).toBe(400);
    expect(ids.error).toMatchObject({ type: 'invalid_request_error', param: 'input' });
    expect(ids.message).toContain("'gem-docs'");
    expect(ids.message).not.toContain('gemini-embedding-001');

    // Google's quota error names the model it was sent; retryDelay 31s is longer than the gateway waits.
    gemini.setEmbedFailure((model) => ({
      status: 429,
      body: {
        error: {
          code: 429,
          message: `You exceeded your current quota, please check your plan and billing details.\n* Quota exceeded for metric: generativelanguage.googleapis.com/embed_content_free_tier_requests, limit: 100, model: ${model}\nPlease retry in 31.2s.`,
          status: 'RESOURCE_EXHAUSTED',
          details: [{ '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay: '31s' }],
        },
      },
    }));
    const limited = await rejection(client.embeddings.create({ model: 'gem-docs', input: 'x' }));
    expect(limited.status).toBe(429);
    expect(limited.error).toMatchObject({ type: 'rate_limit_error', code: 'rate_limit_exceeded' });
    expect(limited.message).toContain('model: gem-docs');
    expect(limited.message).not.toContain('gemini-embedding-001');
    expect(gemini.requests.map((r) => r.model)).toEqual(['gemini-embedding-001']);
    gemini.setEmbedFailure(undefined);

    // The model named by its catalog id is its own name: nothing to hide, nothing changed.
    gemini.setEmbedFailure((model) => ({ status: 400, body: { error: { code: 400, message: `models/${model} rejects this request.`, status: 'INVALID_ARGUMENT' } } }));
    const own = await rejection(client.embeddings.create({ model: 'gemini-embedding-001', input: 'x' }));
    expect([own.status, (own.error as { message: string }).message]).toEqual([400, 'models/gemini-embedding-001 rejects this request.']);
    const aliased = await rejection(client.embeddings.create({ model: 'gem-docs', input: 'x' }));
    expect([aliased.status, (aliased.error as { message: string }).message]).toEqual([400, 'gem-docs rejects this request.']);
  });

  it("OpenAI: an input over the model's limit is the client's 400 (OpenAI format, param input), not retried, not failed over, not held against the deployment, recorded with a zero spend entry", async () => {
    const overLong = 'word '.repeat(FAKE_OPENAI_MAX_INPUT_TOKENS + 100);
    const before = await breaker('oai/text-embedding-3-small');
    expect(before).toMatchObject({ state: 'closed', consecutive_failures: 0 });
    const ids: string[] = [];
    // More than the breaker's threshold (5 in a row): counted, they would open it.
    for (let i = 0; i < 6; i++) {
      const err = await rejection(client.embeddings.create({ model: 'docs-ha', input: ['fine', overLong] }));
      expect(err.status).toBe(400);
      expect(err.error).toMatchObject({ type: 'invalid_request_error', code: 'context_length_exceeded', param: 'input' });
      expect(err.message).toContain("maximum context length is 8192 tokens");
      ids.push(err.headers!.get('x-request-id')!);
    }
    expect(openai.calls).toHaveLength(6); // one call per request: no retry
    expect(openaiEu.calls).toHaveLength(0); // and not the same model at the other provider (same limit there)
    expect(await breaker('oai/text-embedding-3-small')).toMatchObject({ state: 'closed', consecutive_failures: 0 });
    // The deployment still serves the next request at once.
    const ok = await client.embeddings.create({ model: 'docs-ha', input: 'short' }).withResponse();
    expect(ok.response.headers.get('x-router-model')).toBe('text-embedding-3-small');

    await flush(stack);
    const [record] = await rows<Record<string, unknown>>(stack, 'select * from requests where id = $1', [ids[0]]);
    expect(record).toMatchObject({ kind: 'embeddings', route: 'docs-ha', status: 'error', http_status: 400, error_type: 'context_length_exceeded', cost_usd: 0 });
    expect(String(record.error_message)).toContain('maximum context length');
    const attempts = (typeof record.attempts === 'string' ? JSON.parse(record.attempts) : record.attempts) as Array<Record<string, unknown>>;
    expect(attempts).toHaveLength(1);
    expect(attempts[0]).toMatchObject({ modelId: 'text-embedding-3-small', status: 'error', errorKind: 'context_length', httpStatus: 400 });
    const ledger = await rows<{ cost_usd: number; route: string }>(stack, 'select cost_usd, route from spend_ledger where request_id = $1', [ids[0]]);
    expect(ledger).toHaveLength(1);
    expect(ledger[0].route).toBe('docs-ha');
    expect(Number(ledger[0].cost_usd)).toBe(0);
  });

  it("Gemini: an input over the model's limit (400 INVALID_ARGUMENT) is the client's 400 too, on the first deployment only", async () => {
    const overLong = 'x'.repeat(4 * 2048 + 40);
    // Failures the provider caused (the 429 above) count; these must add none.
    const before = [await breaker('google/gem-docs'), await breaker('google/gemini-embedding-001')];
    for (let i = 0; i < 6; i++) {
      const err = await rejection(client.embeddings.create({ model: 'gem-ha', input: overLong }));
      expect(err.status).toBe(400);
      expect(err.error).toMatchObject({ type: 'invalid_request_error', code: 'context_length_exceeded', param: 'input' });
      expect(err.message).toContain('exceeds the maximum number of tokens allowed (2048)');
    }
    expect(gemini.requests.map((r) => r.model)).toEqual(Array.from({ length: 6 }, () => 'gemini-embedding-001'));
    // Both deployments call the same upstream model: one request each would show two calls per request.
    expect(gemini.requests).toHaveLength(6);
    expect([await breaker('google/gem-docs'), await breaker('google/gemini-embedding-001')]).toEqual(before);
    expect(before[0]).toMatchObject({ state: 'closed', consecutive_failures: 1 }); // counted, six more would have opened it
  });
});
