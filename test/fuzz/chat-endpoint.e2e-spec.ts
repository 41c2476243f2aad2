import { brotliCompressSync, deflateSync, gzipSync } from 'node:zlib';
import fc from 'fast-check';
import { startFakeOpenAI, type FakeOpenAI } from '../fakes/fake-openai.server';
import { GATEWAY_KEY, routerYaml, startStack, type Stack } from '../support/stack';
import { expectOkOrOpenAIError } from './openai-answer';

/**
 * Property: whatever arrives at POST /v1/chat/completions (random JSON, deep nesting, huge strings,
 * wrong types, unicode edge cases, non-JSON bytes), the gateway answers with a 2xx or an
 * OpenAI-format 4xx, never a 500, and keeps running.
 */
describe('fuzz: the chat completions endpoint', () => {
  let upstream: FakeOpenAI;
  let stack: Stack;

  beforeAll(async () => {
    upstream = await startFakeOpenAI(() => ({ kind: 'text', content: 'ANSWER: 42' }));
    stack = await startStack({ yaml: routerYaml(upstream.url), queue: 'in-process', env: { BODY_LIMIT_BYTES: String(1024 * 1024) } });
  });
  afterAll(async () => {
    await stack?.close();
    await upstream?.close();
  });

  /** `encoding`: sent as Content-Encoding; `expectCode`: the error code the body must get. */
  type Payload = { body: string | Buffer; contentType: string; encoding?: string; expectCode?: string };

  const edgeStrings = fc.constantFrom('', '\u0000', '\uD800', '\uDFFF', '\uFEFF', '\u202E', '🧪👩‍👩‍👧', 'é', '\r\n', '"', '\\', '</script>', '%00', 'null', '__proto__', 'constructor');
  const text = fc.oneof(fc.string(), fc.string({ unit: 'binary' }), fc.string({ unit: 'grapheme' }), edgeStrings);
  const weird = fc.oneof(fc.anything(), text, fc.constant(null), fc.double(), fc.integer(), fc.boolean());
  const role = fc.oneof(fc.constantFrom('system', 'developer', 'user', 'assistant', 'tool', 'function', 'USER', ''), weird);
  const part = fc.oneof(
    fc.record({ type: fc.constant('text'), text: fc.oneof(text, weird) }),
    fc.record({ type: fc.constant('image_url'), image_url: fc.oneof(fc.record({ url: fc.oneof(text, fc.webUrl()) }), weird) }),
    fc.record({ type: text, extra: weird }),
    weird,
  );
  const message = fc.oneof(
    fc.record({ role, content: fc.oneof(text, fc.array(part, { maxLength: 4 }), weird) }, { requiredKeys: [] }),
    fc.record({ role: fc.constant('assistant'), content: fc.oneof(fc.constant(null), text), tool_calls: fc.oneof(fc.array(fc.record({ id: text, type: fc.constant('function'), function: fc.record({ name: text, arguments: text }) }), { maxLength: 3 }), weird) }),
    fc.record({ role: fc.constant('tool'), content: text, tool_call_id: fc.oneof(text, weird) }),
    weird,
  );
  const chatBody = fc.record(
    {
      model: fc.oneof(fc.constantFrom('auto', 'cheap', 'strong', 'nope'), text, weird),
      messages: fc.oneof(fc.array(message, { maxLength: 6 }), weird),
      stream: fc.oneof(fc.boolean(), weird),
      stream_options: fc.oneof(fc.record({ include_usage: fc.oneof(fc.boolean(), weird) }), weird),
      temperature: fc.oneof(fc.double(), weird),
      max_tokens: fc.oneof(fc.integer(), weird),
      n: fc.oneof(fc.integer(), weird),
      tools: fc.oneof(fc.array(fc.record({ type: fc.constant('function'), function: fc.record({ name: text, parameters: fc.oneof(fc.object(), weird) }) }), { maxLength: 3 }), weird),
      tool_choice: weird,
      response_format: fc.oneof(fc.record({ type: fc.constantFrom('text', 'json_object', 'json_schema'), json_schema: fc.oneof(fc.record({ name: text, schema: fc.object() }), weird) }), weird),
      stop: fc.oneof(text, fc.array(text), weird),
      metadata: weird,
      extra: weird,
    },
    { requiredKeys: [] },
  );
  const nested = fc.tuple(fc.integer({ min: 1, max: 20_000 }), fc.constantFrom('[', '{"a":')).map(([depth, open]) => {
    const close = open === '[' ? ']' : '}';
    return `${open.repeat(depth)}1${close.repeat(depth)}`;
  });

  const json = (v: unknown): Payload => ({ body: JSON.stringify(v) ?? 'null', contentType: 'application/json' });

  /** The body with a `__proto__` key (or `constructor.prototype`) in one of its objects, picked by `at`. */
  const poisoned = fc.tuple(chatBody, fc.nat(), fc.boolean()).map(([body, at, viaConstructor]): Payload => {
    const copy = JSON.parse(JSON.stringify(body)) as Record<string, unknown>;
    const objects: Array<Record<string, unknown>> = [];
    const visit = (v: unknown) => {
      if (v === null || typeof v !== 'object') return;
      if (!Array.isArray(v)) objects.push(v as Record<string, unknown>);
      Object.values(v).forEach(visit);
    };
    visit(copy);
    const target = objects[at % objects.length];
    const [key, value] = viaConstructor ? ['constructor', { prototype: { polluted: true } }] : ['__proto__', { polluted: true }];
    Object.defineProperty(target, key, { value, enumerable: true, configurable: true, writable: true });
    return { body: JSON.stringify(copy), contentType: 'application/json', expectCode: 'forbidden_key' };
  });
  const encoders: Record<string, (b: Buffer) => Buffer> = { gzip: gzipSync, deflate: deflateSync, br: brotliCompressSync, identity: (b) => b };
  /** Compressed bodies, honestly or not: a coding applied or not, a coding the gateway does not take. */
  const encoded = fc
    .tuple(chatBody.map(json), fc.constantFrom('gzip', 'deflate', 'br', 'identity', 'GZIP', 'zstd', 'gzip, br', 'compress'), fc.boolean())
    .map(([payload, encoding, honest]): Payload => {
      const encode = encoders[encoding.toLowerCase()];
      return { ...payload, body: honest && encode ? encode(Buffer.from(payload.body)) : payload.body, encoding };
    });
  const payload: fc.Arbitrary<Payload> = fc.oneof(
    { weight: 6, arbitrary: chatBody.map(json) },
    { weight: 2, arbitrary: fc.anything().map(json) },
    { weight: 1, arbitrary: fc.json().map((body) => ({ body, contentType: 'application/json' })) },
    { weight: 1, arbitrary: fc.string().map((body) => ({ body, contentType: 'application/json' })) },
    { weight: 1, arbitrary: fc.uint8Array({ maxLength: 512 }).map((b) => ({ body: Buffer.from(b), contentType: 'application/json' })) },
    { weight: 1, arbitrary: fc.tuple(fc.string(), fc.constantFrom('text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data', 'application/json; charset=latin1')).map(([body, contentType]) => ({ body, contentType })) },
    // Deep nesting, as the whole body and inside a message.
    { weight: 1, arbitrary: nested.map((n) => ({ body: n, contentType: 'application/json' })) },
    { weight: 1, arbitrary: nested.map((n) => ({ body: `{"model":"auto","messages":[{"role":"user","content":"hi","deep":${n}}]}`, contentType: 'application/json' })) },
    // Huge strings: near and over the body limit.
    {
      weight: 1,
      arbitrary: fc.tuple(fc.integer({ min: 100_000, max: 1_200_000 }), fc.constantFrom('a', '🧪', '\\u0000', '"')).map(([n, unit]) => ({
        body: `{"model":"auto","messages":[{"role":"user","content":"${unit === '"' ? '\\"' : unit}${'x'.repeat(n)}"}]}`,
        contentType: 'application/json',
      })),
    },
    { weight: 1, arbitrary: fc.integer({ min: 1, max: 12_000 }).map((n) => json({ model: 'auto', messages: Array.from({ length: n }, () => ({ role: 'user', content: 'hi' })) })) },
    { weight: 1, arbitrary: poisoned },
    { weight: 1, arbitrary: encoded },
  );

  it('answers every generated request with 2xx or an OpenAI-format 4xx, never 5xx', async () => {
    const fastify = stack.gateway.app.getHttpAdapter().getInstance();
    const statuses = new Map<number, number>();
    const details = await fc.check(
      fc.asyncProperty(payload, async ({ body, contentType, encoding, expectCode }) => {
        const res = await fastify.inject({
          method: 'POST',
          url: '/v1/chat/completions',
          headers: { 'content-type': contentType, authorization: `Bearer ${GATEWAY_KEY}`, ...(encoding === undefined ? {} : { 'content-encoding': encoding }) },
          payload: body,
        });
        if (({} as Record<string, unknown>).polluted !== undefined) throw new Error('Object.prototype was polluted');
        if (expectCode !== undefined && (res.statusCode !== 400 || (JSON.parse(res.body) as { error: { code: string } }).error.code !== expectCode)) {
          throw new Error(`expected a 400 ${expectCode}, got HTTP ${res.statusCode}: ${res.body.slice(0, 300)}`);
        }
        statuses.set(res.statusCode, (statuses.get(res.statusCode) ?? 0) + 1);
        expectOkOrOpenAIError(res);
      }),
      { numRuns: 1500, seed: 20261121, endOnFailure: true },
    );
    // Counterexamples can be megabytes: report their start only.
    if (details.failed) {
      const example = JSON.stringify(details.counterexample?.[0] ?? null);
      throw new Error(`after ${details.numRuns} runs (seed ${details.seed}, path ${details.counterexamplePath}): ${String(details.errorInstance)}\ninput: ${example.slice(0, 500)}${example.length > 500 ? ` ... (${example.length} chars)` : ''}`);
    }
    // The run exercised both sides: served requests and rejected ones.
    expect(statuses.get(200) ?? 0).toBeGreaterThan(0);
    expect([...statuses.keys()].some((s) => s >= 400 && s < 500)).toBe(true);
    const health = await fastify.inject({ method: 'GET', url: '/health' });
    expect(health.statusCode).toBe(200);
  }, 120_000);

  it('answers every generated feedback payload with 2xx or an OpenAI-format 4xx', async () => {
    const fastify = stack.gateway.app.getHttpAdapter().getInstance();
    const served = await fastify.inject({
      method: 'POST',
      url: '/v1/chat/completions',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${GATEWAY_KEY}` },
      payload: { model: 'auto', messages: [{ role: 'user', content: 'hi' }] },
    });
    const requestId = String(served.headers['x-request-id']);
    const feedback = fc.oneof(
      fc.record({ request_id: fc.oneof(fc.constant(requestId), text, weird), score: fc.oneof(fc.double(), fc.boolean(), weird), comment: fc.oneof(text, weird), extra: weird }, { requiredKeys: [] }).map(json),
      fc.anything().map(json),
      fc.string().map((body) => ({ body, contentType: 'application/json' })),
    );
    const details = await fc.check(
      fc.asyncProperty(feedback, async ({ body, contentType }) => {
        const res = await fastify.inject({ method: 'POST', url: '/v1/feedback', headers: { 'content-type': contentType, authorization: `Bearer ${GATEWAY_KEY}` }, payload: body });
        if (res.statusCode >= 500) throw new Error(`HTTP ${res.statusCode}: ${res.body.slice(0, 300)}`);
        if (res.statusCode >= 400 && typeof (JSON.parse(res.body) as { error?: { message?: unknown } }).error?.message !== 'string') throw new Error(`not an OpenAI error: ${res.body.slice(0, 300)}`);
      }),
      { numRuns: 400, seed: 20261121, endOnFailure: true },
    );
    if (details.failed) throw new Error(`feedback: ${String(details.errorInstance)} input: ${JSON.stringify(details.counterexample?.[0]).slice(0, 500)}`);
  }, 60_000);
});
