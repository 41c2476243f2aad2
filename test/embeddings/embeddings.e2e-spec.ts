import { fakeGeminiVector, startFakeGemini, type FakeGemini } from '../fakes/fake-gemini.server';
import { unitLength } from '../../libs/providers/src/gemini/convert-gemini-embeddings';
import { fakeOpenAITokens, fakeOpenAIVector, startFakeOpenAIEmbeddings, type FakeOpenAIEmbeddings } from '../fakes/fake-openai-embeddings.server';
import { ADMIN_KEY, admin, call, newKey } from '../budget/budget-support';
import { rejection } from '../support/sdk-rejection';
import { flush, rows } from './embeddings-support';
import { GATEWAY_KEY, startStack, type Stack } from '../support/stack';
import OpenAI from 'openai';
import { request } from 'undici';

const PROVIDER_KEY = 'sk-fake-provider-key-0123456789';

function yaml(openai: string, openaiEu: string, gemini: string): string {
  return `
providers:
  - { id: oai, kind: openai-compatible, base_url: "${openai}", api_key_env: FAKE_OPENAI_KEY }
  - { id: oai-eu, kind: openai-compatible, base_url: "${openaiEu}", drop_fields: [encoding_format, user] }
  - { id: google, kind: gemini, base_url: "${gemini}" }
  - { id: claude, kind: anthropic, base_url: "http://127.0.0.1:9" }
models:
  - { id: small, provider: oai, upstream: small-chat, input_per_1m: 0.1, output_per_1m: 0.4, context_window: 16000 }
  - { id: claude-haiku, catalog: claude-haiku-4-5, provider: claude }
  - { id: text-embedding-3-small, catalog: text-embedding-3-small, provider: oai }
  - { id: text-embedding-3-small-eu, catalog: text-embedding-3-small, provider: oai-eu }
  - { id: ada, catalog: text-embedding-ada-002, provider: oai }
  - { id: gemini-embedding-001, catalog: gemini-embedding-001, provider: google }
routes:
  - { name: auto, candidates: [small] }
embedding_routes:
  - { name: docs, model: text-embedding-3-small }
  - { name: docs-ha, model: text-embedding-3-small, fallbacks: [text-embedding-3-small-eu], retries: 0 }
  - { name: capped, model: text-embedding-3-small, budget_usd_per_day: 0.0001 }
`;
}

const SMALL_PRICE = 0.02; // USD per 1M input tokens (catalog)

describe('POST /v1/embeddings through the official openai SDK', () => {
  let openai: FakeOpenAIEmbeddings;
  let openaiEu: FakeOpenAIEmbeddings;
  let gemini: FakeGemini;
  let stack: Stack;
  let client: OpenAI;

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
    openai.setBehavior(() => ({ kind: 'ok' }));
    openaiEu.setBehavior(() => ({ kind: 'ok' }));
    openai.calls.length = 0;
    openaiEu.calls.length = 0;
    gemini.requests.length = 0;
  });

  it("the SDK's default (it asks for base64 and decodes it) gets the upstream's vector, usage and the router headers", async () => {
    const { data, response } = await client.embeddings.create({ model: 'text-embedding-3-small', input: 'hello vector world' }).withResponse();
    expect(openai.calls).toHaveLength(1);
    expect(openai.calls[0].path).toBe('/v1/embeddings');
    expect(openai.calls[0].authorization).toBe(`Bearer ${PROVIDER_KEY}`);
    expect(openai.calls[0].body).toEqual({ model: 'text-embedding-3-small', input: 'hello vector world', encoding_format: 'base64' });
    expect(data.object).toBe('list');
    expect(data.model).toBe('text-embedding-3-small');
    expect(data.data).toHaveLength(1);
    expect(data.data[0]).toMatchObject({ object: 'embedding', index: 0 });
    expect(data.data[0].embedding).toEqual(fakeOpenAIVector(0, 1536));
    const tokens = fakeOpenAITokens('hello vector world');
    expect(data.usage).toEqual({ prompt_tokens: tokens, total_tokens: tokens });
    expect(response.headers.get('x-router-model')).toBe('text-embedding-3-small');
    expect(response.headers.get('x-router-provider')).toBe('oai');
    expect(response.headers.get('x-router-usage-estimated')).toBeNull();
    expect(Number(response.headers.get('x-router-cost-usd'))).toBeCloseTo((tokens * SMALL_PRICE) / 1e6, 12);
    expect(response.headers.get('x-request-id')).toMatch(/^req_/);
  });

  it('float and explicit base64, an array of strings, token arrays', async () => {
    const floats = await client.embeddings.create({ model: 'text-embedding-3-small', input: ['a b', 'c d e', 'f'], encoding_format: 'float' });
    expect(floats.data.map((d) => d.index)).toEqual([0, 1, 2]);
    floats.data.forEach((d, i) => expect(d.embedding).toEqual(fakeOpenAIVector(i, 1536)));
    expect(floats.usage.prompt_tokens).toBe(fakeOpenAITokens('a b') + fakeOpenAITokens('c d e') + fakeOpenAITokens('f'));

    const base64 = await client.embeddings.create({ model: 'text-embedding-3-small', input: ['x', 'y'], encoding_format: 'base64' });
    const decoded = base64.data.map((d) => {
      expect(typeof d.embedding).toBe('string');
      const buf = Buffer.from(d.embedding as unknown as string, 'base64');
      return Array.from(new Float32Array(buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.length)));
    });
    expect(decoded).toEqual([fakeOpenAIVector(0, 1536), fakeOpenAIVector(1, 1536)]);

    const tokenArrays = await client.embeddings.create({ model: 'text-embedding-3-small', input: [[1, 2, 3], [4, 5]], encoding_format: 'float' });
    expect(openai.calls.at(-1)!.body.input).toEqual([[1, 2, 3], [4, 5]]);
    expect(tokenArrays.data).toHaveLength(2);
    expect(tokenArrays.usage.prompt_tokens).toBe(5);
  });

  it('an upstream that answers floats when base64 was asked: the gateway encodes them, the SDK decodes', async () => {
    openai.setBehavior(() => ({ kind: 'ok', floatsOnly: true }));
    const res = await client.embeddings.create({ model: 'text-embedding-3-small', input: ['one', 'two'] });
    expect(res.data.map((d) => d.embedding)).toEqual([fakeOpenAIVector(0, 1536), fakeOpenAIVector(1, 1536)]);
  });

  it('dimensions: passed on where the model takes it, refused (400, param dimensions) where the catalog says it cannot', async () => {
    const res = await client.embeddings.create({ model: 'text-embedding-3-small', input: 'shorter', dimensions: 256 });
    expect(openai.calls[0].body.dimensions).toBe(256);
    expect(res.data[0].embedding).toHaveLength(256);

    const ada = await rejection(client.embeddings.create({ model: 'ada', input: 'x', dimensions: 512 }));
    expect(ada.status).toBe(400);
    expect(ada.error).toMatchObject({ type: 'invalid_request_error', param: 'dimensions', code: 'unsupported_parameter' });
    expect((ada.error as { message: string }).message).toContain("'ada'");
    const tooMany = await rejection(client.embeddings.create({ model: 'text-embedding-3-small', input: 'x', dimensions: 4096 }));
    expect(tooMany.status).toBe(400);
    expect(tooMany.error).toMatchObject({ param: 'dimensions', code: 'invalid_value' });
    expect(openai.calls).toHaveLength(1);
  });

  it('an embedding route pins its model; a catalog-identical model at another provider takes over after a failure', async () => {
    const { data, response } = await client.embeddings.create({ model: 'docs', input: 'routed' }).withResponse();
    expect(response.headers.get('x-router-route')).toBe('docs');
    expect(data.model).toBe('text-embedding-3-small');

    openai.setBehavior(() => ({ kind: 'error', status: 503, message: 'overloaded' }));
    const ha = await client.embeddings.create({ model: 'docs-ha', input: 'routed', user: 'end-user-1' }).withResponse();
    expect(ha.response.headers.get('x-router-model')).toBe('text-embedding-3-small-eu');
    expect(ha.response.headers.get('x-router-attempts')).toBe('2');
    expect(openaiEu.calls).toHaveLength(1);
    // That host's drop_fields apply: it is asked for floats, and the SDK still gets what it asked for.
    expect(openaiEu.calls[0].body).toEqual({ model: 'text-embedding-3-small', input: 'routed' });
    expect(ha.data.data[0].embedding).toEqual(fakeOpenAIVector(0, 1536));
  });

  it("a deployment whose circuit opened goes last: the same model's other deployment answers first", async () => {
    openai.setBehavior(() => ({ kind: 'error', status: 503, message: 'down' }));
    // retries: 0 on docs-ha: one failure per request; the breaker opens after 5 in a row.
    for (let i = 0; i < 5; i++) await client.embeddings.create({ model: 'docs-ha', input: `warm ${i}` });
    const before = openai.calls.length;
    const { response } = await client.embeddings.create({ model: 'docs-ha', input: 'after' }).withResponse();
    expect(response.headers.get('x-router-model')).toBe('text-embedding-3-small-eu');
    expect(response.headers.get('x-router-attempts')).toBe('1');
    expect(openai.calls).toHaveLength(before);
    const report = await call(stack.gateway.url, 'GET', '/v1/router/report', GATEWAY_KEY);
    const deployments = (report.json.health as { deployments: Array<{ deployment: string; state: string }> }).deployments;
    expect(deployments.find((d) => d.deployment === 'oai/text-embedding-3-small')?.state).toBe('open');
    // A model named directly has no other deployment: it is still tried (and fails as its upstream does).
    const direct = await rejection(client.embeddings.create({ model: 'text-embedding-3-small', input: 'x' }));
    expect(direct.status).toBe(503);
    // Healthy again: the breaker closes after its cooldown, on the next success (not waited for here).
    openai.setBehavior(() => ({ kind: 'ok' }));
  });

  it('a 5xx is retried on the same model (never another model), and answered when the retry succeeds', async () => {
    let n = 0;
    openai.setBehavior(() => (n++ === 0 ? { kind: 'error', status: 500, message: 'boom' } : { kind: 'ok' }));
    const { data, response } = await client.embeddings.create({ model: 'text-embedding-3-small', input: 'retry me' }).withResponse();
    expect(data.data).toHaveLength(1);
    expect(openai.calls).toHaveLength(2);
    expect(response.headers.get('x-router-attempts')).toBe('2');
    expect(response.headers.get('x-router-models')).toBe('text-embedding-3-small');
    expect(openaiEu.calls).toHaveLength(0);

    openai.setBehavior(() => ({ kind: 'error', status: 500, message: 'still down' }));
    const failed = await rejection(client.embeddings.create({ model: 'text-embedding-3-small', input: 'retry me' }));
    expect(failed.status).toBe(502);
    expect(failed.error).toMatchObject({ type: 'api_error', code: 'upstream_error' });
    expect(openai.calls).toHaveLength(2 + 3); // the first try and the default 2 retries
    expect(openaiEu.calls).toHaveLength(0);
  });

  it('an upstream 400 reaches the client with its param; no retry', async () => {
    openai.setBehavior(() => ({ kind: 'error', status: 400, type: 'invalid_request_error', message: "This model's maximum context length is 8192 tokens", code: 'context_length_exceeded', param: 'input' }));
    const err = await rejection(client.embeddings.create({ model: 'text-embedding-3-small', input: 'long' }));
    expect(err.status).toBe(400);
    expect(err.error).toMatchObject({ code: 'context_length_exceeded', param: 'input' });
    expect(openai.calls).toHaveLength(1);
  });

  it('client mistakes are 400/404 in OpenAI format with their param, and reach no upstream', async () => {
    const cases: Array<[Record<string, unknown>, number, string | null, string]> = [
      [{ model: 'nope', input: 'x' }, 404, 'model', 'model_not_found'],
      [{ model: 'small', input: 'x' }, 400, 'model', 'model_not_embedding'],
      [{ model: 'auto', input: 'x' }, 400, 'model', 'model_not_embedding'],
      [{ model: 'claude-haiku', input: 'x' }, 400, 'model', 'model_not_embedding'],
      [{ model: 'text-embedding-3-small', input: '' }, 400, 'input', 'invalid_value'],
      [{ model: 'text-embedding-3-small', input: [] }, 400, 'input', 'empty_array'],
      [{ model: 'text-embedding-3-small', input: ['a', 2] }, 400, 'input[1]', 'invalid_value'],
      [{ model: 'text-embedding-3-small', input: [[1], [-2]] }, 400, 'input[1][0]', 'invalid_value'],
      [{ model: 'text-embedding-3-small', input: { text: 'x' } }, 400, 'input', 'invalid_value'],
      [{ model: 'text-embedding-3-small' }, 400, 'input', 'missing_required_parameter'],
      [{ input: 'x' }, 400, 'model', 'missing_required_parameter'],
      [{ model: 'text-embedding-3-small', input: 'x', encoding_format: 'hex' }, 400, 'encoding_format', 'invalid_value'],
      [{ model: 'text-embedding-3-small', input: 'x', dimensions: 0 }, 400, 'dimensions', 'invalid_value'],
      [{ model: 'text-embedding-3-small', input: 'x', user: 7 }, 400, 'user', 'invalid_value'],
      [{ model: 'text-embedding-3-small', input: Array.from({ length: 2049 }, () => 'x') }, 400, 'input', 'array_above_max_length'],
    ];
    for (const [body, status, param, code] of cases) {
      const res = await call(stack.gateway.url, 'POST', '/v1/embeddings', GATEWAY_KEY, body);
      expect([JSON.stringify(body).slice(0, 80), res.status, res.json.error?.param, res.json.error?.code]).toEqual([JSON.stringify(body).slice(0, 80), status, param, code]);
      expect(res.json.error?.type).toBe('invalid_request_error');
    }
    // Bodies refused before the service: still OpenAI's format, never a 500.
    const raw = async (body: string, type = 'application/json') => {
      const res = await request(`${stack.gateway.url}/v1/embeddings`, { method: 'POST', headers: { authorization: `Bearer ${GATEWAY_KEY}`, 'content-type': type }, body });
      return { status: res.statusCode, json: (await res.body.json()) as { error: { code: string | null; type: string } } };
    };
    expect(await raw('{"model": "text-embedding-3-small", "input": ')).toMatchObject({ status: 400, json: { error: { code: 'invalid_json', type: 'invalid_request_error' } } });
    expect(await raw('[]')).toMatchObject({ status: 400, json: { error: { code: 'invalid_body' } } });
    expect(await raw('model=x', 'application/x-www-form-urlencoded')).toMatchObject({ status: 415 });
    const claude = await call(stack.gateway.url, 'POST', '/v1/embeddings', GATEWAY_KEY, { model: 'claude-haiku', input: 'x' });
    expect(claude.json.error?.message).toContain("'claude-haiku'");
    const bad = await call(stack.gateway.url, 'POST', '/v1/embeddings', 'wrong-key', { model: 'text-embedding-3-small', input: 'x' });
    expect(bad.status).toBe(401);
    expect(openai.calls).toHaveLength(0);
    // And the other way round: a chat completion that names an embedding model.
    const chat = await rejection(client.chat.completions.create({ model: 'text-embedding-3-small', messages: [{ role: 'user', content: 'hi' }] }));
    expect(chat.status).toBe(400);
    expect(chat.error).toMatchObject({ param: 'model', code: 'model_not_chat' });
  });

  it('Gemini: batchEmbedContents with outputDimensionality, estimated usage said so, token ids refused, long inputs split in batches of 100', async () => {
    const { data, response } = await client.embeddings.create({ model: 'gemini-embedding-001', input: ['abc', 'defgh'], dimensions: 768 }).withResponse();
    expect(gemini.requests).toHaveLength(1);
    expect(gemini.requests[0].path).toBe('/v1beta/models/gemini-embedding-001:batchEmbedContents');
    expect(gemini.requests[0].body).toEqual({
      requests: [
        { model: 'models/gemini-embedding-001', content: { parts: [{ text: 'abc' }] }, outputDimensionality: 768 },
        { model: 'models/gemini-embedding-001', content: { parts: [{ text: 'defgh' }] }, outputDimensionality: 768 },
      ],
    });
    // Shortened by outputDimensionality, then scaled back to unit length as OpenAI's vectors are (to float32).
    const expected = [fakeGeminiVector('abc', 768), fakeGeminiVector('defgh', 768)].map((v) => unitLength(v).map(Math.fround));
    expect(data.data.map((d) => d.embedding)).toEqual(expected);
    expect(response.headers.get('x-router-usage-estimated')).toBe('true');
    expect(data.usage).toEqual({ prompt_tokens: 1 + 2, total_tokens: 1 + 2 });

    const many = await client.embeddings.create({ model: 'gemini-embedding-001', input: Array.from({ length: 150 }, (_, i) => `text ${i}`), encoding_format: 'float', dimensions: 128 });
    expect(gemini.requests).toHaveLength(3);
    expect(many.data.map((d) => d.index)).toEqual(Array.from({ length: 150 }, (_, i) => i));
    expect(many.data[149].embedding).toEqual(unitLength(fakeGeminiVector('text 149', 128)));
    const full = await client.embeddings.create({ model: 'gemini-embedding-001', input: 'as is', encoding_format: 'float' });
    expect(full.data[0].embedding).toEqual(fakeGeminiVector('as is', 3072));

    const ids = await rejection(client.embeddings.create({ model: 'gemini-embedding-001', input: [1, 2, 3] }));
    expect(ids.status).toBe(400);
    expect(ids.error).toMatchObject({ param: 'input' });
    const tooSmall = await rejection(client.embeddings.create({ model: 'gemini-embedding-001', input: 'x', dimensions: 64 }));
    expect(tooSmall.error).toMatchObject({ param: 'dimensions' });
    expect(gemini.requests).toHaveLength(4);
  });

  it('GET /v1/models lists the embedding models and routes', async () => {
    const list = await client.models.list();
    const byId = new Map(list.data.map((m) => [m.id, m as unknown as { x_router: Record<string, unknown> }]));
    expect(byId.get('text-embedding-3-small')?.x_router).toMatchObject({ type: 'embedding_model', input_per_1m: SMALL_PRICE, dimensions: 1536, min_dimensions: 1 });
    expect(byId.get('ada')?.x_router).toMatchObject({ type: 'embedding_model', min_dimensions: null });
    expect(byId.get('docs')?.x_router).toMatchObject({ type: 'embedding_route', model: 'text-embedding-3-small' });
    expect(byId.get('small')?.x_router).toMatchObject({ type: 'model' });
  });

  it('every call is recorded with its spend entry (input tokens x price); the learning report leaves them out', async () => {
    const { response } = await client.embeddings.create({ model: 'text-embedding-3-small', input: ['spend one', 'spend two three'] }).withResponse();
    const id = response.headers.get('x-request-id')!;
    const refused = await call(stack.gateway.url, 'POST', '/v1/embeddings', GATEWAY_KEY, { model: 'nope', input: 'x' });
    // Nothing is learned from embeddings: feedback on one is refused, before and after its record is written.
    const feedback = () => call(stack.gateway.url, 'POST', '/v1/feedback', GATEWAY_KEY, { request_id: id, score: true });
    const early = await feedback();
    expect([early.status, early.json.error?.param, early.json.error?.code]).toEqual([400, 'request_id', 'feedback_not_applicable']);
    await flush(stack);
    expect((await feedback()).json.error?.code).toBe('feedback_not_applicable');
    const tokens = fakeOpenAITokens('spend one') + fakeOpenAITokens('spend two three');
    const [record] = await rows<Record<string, unknown>>(stack, 'select * from requests where id = $1', [id]);
    expect(record).toMatchObject({ kind: 'embeddings', route: 'text-embedding-3-small', model_id: 'text-embedding-3-small', provider_id: 'oai', status: 'success', http_status: 200, prompt_tokens: tokens, completion_tokens: 0, streamed: false });
    expect(Number(record.cost_usd)).toBeCloseTo((tokens * SMALL_PRICE) / 1e6, 15);
    const [ledger] = await rows<{ cost_usd: number; route: string; model_id: string }>(stack, 'select * from spend_ledger where request_id = $1', [id]);
    expect(ledger).toMatchObject({ route: 'text-embedding-3-small', model_id: 'text-embedding-3-small' });
    expect(Number(ledger.cost_usd)).toBeCloseTo((tokens * SMALL_PRICE) / 1e6, 15);
    const [refusedRecord] = await rows<Record<string, unknown>>(stack, 'select * from requests where id = $1', [refused.headers['x-request-id']]);
    expect(refusedRecord).toMatchObject({ kind: 'embeddings', status: 'error', http_status: 404, error_type: 'model_not_found' });
    // Never secrets in the records.
    const all = await rows<Record<string, unknown>>(stack, 'select * from requests', []);
    expect(JSON.stringify(all)).not.toContain(PROVIDER_KEY);

    const report = await call(stack.gateway.url, 'GET', '/v1/router/report', GATEWAY_KEY);
    expect(report.status).toBe(200);
    const routes = (report.json.routes as Array<{ route: string }>).map((r) => r.route);
    expect(routes).toEqual(['auto']);
    const recent = await call(stack.gateway.url, 'GET', '/v1/router/requests?limit=5', ADMIN_KEY);
    expect(recent.status).toBe(200);
    expect((recent.json.data as Array<{ id: string; kind: string }>).find((r) => r.id === id)?.kind).toBe('embeddings');
  });

  it("a key's permissions and rate limits apply as for chat: allowed routes and models (403), tokens per minute counted on the input (429)", async () => {
    const base = stack.gateway.url;
    const routeOnly = await newKey(base, { allowed_routes: ['docs'] });
    const restricted = new OpenAI({ baseURL: `${base}/v1`, apiKey: routeOnly.key, maxRetries: 0 });
    expect((await restricted.embeddings.create({ model: 'docs', input: 'allowed' })).data).toHaveLength(1);
    const other = await rejection(restricted.embeddings.create({ model: 'text-embedding-3-small', input: 'not allowed' }));
    expect([other.status, (other.error as { code: string }).code]).toEqual([403, 'route_not_allowed']);
    const modelOnly = await newKey(base, { allowed_models: ['gemini-embedding-001'] });
    const wrongModel = await rejection(new OpenAI({ baseURL: `${base}/v1`, apiKey: modelOnly.key, maxRetries: 0 }).embeddings.create({ model: 'docs', input: 'x' }));
    expect([wrongModel.status, (wrongModel.error as { code: string }).code]).toEqual([403, 'model_not_allowed']);

    const limited = await newKey(base, { tpm: 1000 });
    const keyed = new OpenAI({ baseURL: `${base}/v1`, apiKey: limited.key, maxRetries: 0 });
    const { response } = await keyed.embeddings.create({ model: 'text-embedding-3-small', input: 'x'.repeat(2000) }).withResponse();
    expect(response.headers.get('x-ratelimit-limit-tokens')).toBe('1000');
    expect(response.headers.get('x-ratelimit-remaining-tokens')).toBe('500'); // 2000 characters: 500 estimated input tokens
    const calls = openai.calls.length;
    const limitedOut = await rejection(keyed.embeddings.create({ model: 'text-embedding-3-small', input: 'x'.repeat(4000) }));
    expect(limitedOut.status).toBe(429);
    expect(limitedOut.error).toMatchObject({ type: 'rate_limit_error', code: 'rate_limit_exceeded' });
    expect(openai.calls).toHaveLength(calls);
  });

  it("a key's budget caps embeddings as it caps chat: 429 budget_exceeded, insufficient_quota, with retry-after", async () => {
    const base = stack.gateway.url;
    await admin(base, 'POST', '/v1/admin/tenants', { id: 'rag' });
    const { id, key } = await newKey(base, { tenant_id: 'rag' });
    // 40,000 characters: an estimated 10,000 input tokens, $0.0002 at most on text-embedding-3-small.
    await admin(base, 'POST', '/v1/admin/budgets', { scope: 'key', subject: id, period: 'day', hard_limit_usd: 0.0001 });
    const keyed = new OpenAI({ baseURL: `${base}/v1`, apiKey: key, maxRetries: 0 });
    const ok = await keyed.embeddings.create({ model: 'text-embedding-3-small', input: 'short enough' });
    expect(ok.data).toHaveLength(1);
    const calls = openai.calls.length;
    const refused = await rejection(keyed.embeddings.create({ model: 'text-embedding-3-small', input: 'x'.repeat(40_000) }));
    expect(refused.status).toBe(429);
    expect(refused.error).toMatchObject({ type: 'insufficient_quota', code: 'budget_exceeded' });
    expect(Number(refused.headers?.get('retry-after'))).toBeGreaterThan(0);
    expect(openai.calls).toHaveLength(calls);
    // The same refusal as a chat request on the same key gets.
    const chat = await rejection(keyed.chat.completions.create({ model: 'small', max_tokens: 10_000, messages: [{ role: 'user', content: 'hi' }] }));
    expect([chat.status, (chat.error as { code: string }).code]).toEqual([429, 'budget_exceeded']);

    // An embedding route's own budget_usd_per_day, as a chat route's.
    const routeCapped = await rejection(client.embeddings.create({ model: 'capped', input: 'x'.repeat(40_000) }));
    expect(routeCapped.status).toBe(429);
    expect(routeCapped.error).toMatchObject({ code: 'budget_exceeded' });
    expect((routeCapped.error as { message: string }).message).toContain("route 'capped'");
    expect((await client.embeddings.create({ model: 'capped', input: 'fits' })).data).toHaveLength(1);
  });
});
