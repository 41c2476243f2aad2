import fc from 'fast-check';
import { encodeThinkingBlocks } from '../../apps/gateway/src/responses/reasoning-encrypted-content';
import { startFakeOpenAI, type FakeOpenAI } from '../fakes/fake-openai.server';
import { GATEWAY_KEY, routerYaml, startStack, type Stack } from '../support/stack';
import { expectOkOrOpenAIError } from './openai-answer';

/**
 * Property: whatever arrives at POST /v1/responses (random items, parts, tools, formats, wrong types,
 * unicode edge cases, fields of other APIs), the gateway answers with a 200 or an OpenAI-format 4xx,
 * never a 500, and keeps running.
 */
describe('fuzz: the Responses API endpoint', () => {
  let upstream: FakeOpenAI;
  let stack: Stack;

  beforeAll(async () => {
    upstream = await startFakeOpenAI(() => ({ kind: 'text', content: 'ANSWER: 42' }));
    stack = await startStack({ yaml: routerYaml(upstream.url), queue: 'in-process' });
  });
  afterAll(async () => {
    await stack?.close();
    await upstream?.close();
  });

  const edgeStrings = fc.constantFrom('', '\u0000', '\uD800', '\uFEFF', '🧪👩‍👩‍👧', '"', '\\', '%00', 'null', 'constructor', 'toString');
  const text = fc.oneof(fc.string(), fc.string({ unit: 'grapheme' }), edgeStrings);
  const weird = fc.oneof(fc.anything(), text, fc.constant(null), fc.double(), fc.integer(), fc.boolean());
  const part = fc.oneof(
    fc.record({ type: fc.constantFrom('input_text', 'output_text'), text: fc.oneof(text, weird) }),
    fc.record({ type: fc.constant('input_image'), image_url: fc.oneof(fc.webUrl(), text, weird), detail: fc.oneof(fc.constantFrom('low', 'high', 'auto'), weird) }, { requiredKeys: ['type'] }),
    fc.record({ type: fc.oneof(fc.constantFrom('input_file', 'refusal', 'text'), text), refusal: text, extra: weird }, { requiredKeys: ['type'] }),
    weird,
  );
  const item = fc.oneof(
    fc.record({ type: fc.constantFrom('message', undefined), role: fc.oneof(fc.constantFrom('user', 'system', 'developer', 'assistant', 'tool', ''), weird), content: fc.oneof(text, fc.array(part, { maxLength: 3 }), weird) }, { requiredKeys: [] }),
    fc.record({ type: fc.constant('function_call'), call_id: fc.oneof(text, weird), name: fc.oneof(text, weird), arguments: fc.oneof(text, weird) }, { requiredKeys: ['type'] }),
    fc.record({ type: fc.constant('function_call_output'), call_id: fc.oneof(text, weird), output: fc.oneof(text, fc.array(part, { maxLength: 2 }), weird) }, { requiredKeys: ['type'] }),
    fc.record({ type: fc.oneof(fc.constantFrom('item_reference', 'reasoning', 'web_search_call'), text), id: text }),
    // Reasoning sent back: the gateway's own encrypted_content (valid, altered, random after its prefix), another server's, or junk.
    fc.record(
      {
        type: fc.constant('reasoning'),
        id: fc.oneof(text, weird),
        summary: fc.oneof(fc.array(fc.record({ type: fc.constantFrom('summary_text', 'text'), text: fc.oneof(text, weird) }), { maxLength: 2 }), weird),
        encrypted_content: fc.oneof(
          fc.constant(encodeThinkingBlocks([{ type: 'thinking', thinking: 'Hmm.', signature: 'sig' }])),
          fc.string().map((tail) => `bandit-router.thinking.v1:${tail}`),
          fc.base64String().map((tail) => `bandit-router.thinking.v1:${tail}`),
          fc.anything().map((value) => `bandit-router.thinking.v1:${Buffer.from(JSON.stringify(value) ?? '').toString('base64')}`),
          text,
          weird,
        ),
      },
      { requiredKeys: ['type'] },
    ),
    weird,
  );
  const tool = fc.oneof(
    fc.record({ type: fc.constant('function'), name: fc.oneof(fc.constantFrom('get_weather', 'f'), text, weird), parameters: fc.oneof(fc.object(), fc.constant(null), weird), strict: fc.oneof(fc.boolean(), fc.constant(null), weird), description: fc.oneof(text, weird) }, { requiredKeys: ['type'] }),
    fc.record({ type: fc.oneof(fc.constantFrom('web_search', 'file_search', 'custom', 'mcp'), text) }),
    weird,
  );
  const body = fc.record(
    {
      model: fc.oneof(fc.constantFrom('auto', 'cheap', 'strong', 'nope'), text, weird),
      input: fc.oneof(text, fc.array(item, { maxLength: 5 }), weird),
      instructions: fc.oneof(text, fc.constant(null), weird),
      tools: fc.oneof(fc.array(tool, { maxLength: 3 }), weird),
      tool_choice: fc.oneof(fc.constantFrom('auto', 'none', 'required'), fc.record({ type: fc.constantFrom('function', 'allowed_tools', 'web_search'), name: text, mode: text, tools: weird }, { requiredKeys: ['type'] }), weird),
      text: fc.oneof(fc.record({ format: fc.oneof(fc.record({ type: fc.constantFrom('text', 'json_object', 'json_schema'), name: text, schema: fc.oneof(fc.object(), weird), strict: weird }, { requiredKeys: ['type'] }), weird) }), weird),
      stream: fc.oneof(fc.boolean(), weird),
      max_output_tokens: fc.oneof(fc.integer(), weird),
      temperature: fc.oneof(fc.double(), weird),
      metadata: weird,
      store: fc.oneof(fc.boolean(), weird),
      previous_response_id: fc.oneof(fc.constant(null), text, weird),
      background: weird,
      reasoning: weird,
      include: weird,
      messages: weird,
    },
    { requiredKeys: [] },
  );

  it('answers every generated request with 200 or an OpenAI-format 4xx, never 5xx', async () => {
    const fastify = stack.gateway.app.getHttpAdapter().getInstance();
    const statuses = new Map<number, number>();
    const payload = fc.oneof({ weight: 8, arbitrary: body }, { weight: 1, arbitrary: fc.anything() }, { weight: 1, arbitrary: fc.record({ model: fc.constant('auto'), input: fc.array(item, { minLength: 1, maxLength: 4 }) }) });
    const details = await fc.check(
      fc.asyncProperty(payload, async (value) => {
        const res = await fastify.inject({
          method: 'POST',
          url: '/v1/responses',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${GATEWAY_KEY}` },
          payload: JSON.stringify(value) ?? 'null',
        });
        statuses.set(res.statusCode, (statuses.get(res.statusCode) ?? 0) + 1);
        expectOkOrOpenAIError(res);
      }),
      { numRuns: 1000, seed: 20261206, endOnFailure: true },
    );
    if (details.failed) {
      const example = JSON.stringify(details.counterexample?.[0] ?? null) ?? 'undefined';
      throw new Error(`after ${details.numRuns} runs (seed ${details.seed}, path ${details.counterexamplePath}): ${String(details.errorInstance)}\ninput: ${example.slice(0, 500)}`);
    }
    // The run exercised both sides: served requests and rejected ones.
    expect(statuses.get(200) ?? 0).toBeGreaterThan(0);
    expect([...statuses.keys()].some((s) => s >= 400 && s < 500)).toBe(true);
    const health = await fastify.inject({ method: 'GET', url: '/health' });
    expect(health.statusCode).toBe(200);
  }, 120_000);
});
