import OpenAI from 'openai';
import { startFakeAnthropic, type FakeUpstream } from '../fakes/fake-anthropic.server';
import { startFakeOpenAI, type FakeOpenAI } from '../fakes/fake-openai.server';
import { rejection } from '../support/sdk-rejection';
import { startStack, type Stack } from '../support/stack';

/**
 * `response_format: json_schema` on Claude through Anthropic's structured outputs
 * (`output_config.format`), with the official openai SDK, against the fake Anthropic API, which checks
 * the format as the Messages API does (Claude 4.5 and later only, the schema in their subset) and
 * answers with the test's JSON as text: Opus 5.5 (which refuses the forced tool) served natively,
 * beside tools, with reasoning_effort, streamed and not; older Claude models still on the forced tool;
 * a route with a 5.5 model serving the request it used to exclude. docs/providers.md, "Chat
 * Completions parameters by provider".
 */
describe('json_schema on Claude through structured outputs (output_config.format)', () => {
  const CITY = '{"city":"Paris","population":2102650}';
  let anthropic: FakeUpstream;
  let openai: FakeOpenAI;
  let stack: Stack;

  const lastUserText = (body: unknown): string => {
    const messages = (body as { messages?: Array<{ role?: string; content?: unknown }> }).messages ?? [];
    const content = [...messages].reverse().find((m) => m.role === 'user')?.content;
    return typeof content === 'string' ? content : JSON.stringify(content ?? '');
  };

  beforeAll(async () => {
    openai = await startFakeOpenAI(() => ({ kind: 'text', content: '{"city":"Lyon","population":522250}' }));
    // The test's JSON for every request, unless it names a fixture.
    anthropic = await startFakeAnthropic({ answer: (_model, body) => (lastUserText(body).includes('[fixture:') ? undefined : CITY) });
    const yaml = `
providers:
  - { id: oai, kind: openai-compatible, base_url: "${openai.url}" }
  - { id: ds, preset: deepseek, base_url: "${openai.url}" }
  - { id: claude-api, preset: anthropic, base_url: "${anthropic.url}" }
models:
  - { id: gpt, provider: oai, upstream: gpt-4o-mini, input_per_1m: 0.15, output_per_1m: 0.6, context_window: 128000 }
  - { id: deepseek-chat, catalog: deepseek-chat }
  - { id: opus55, catalog: claude-opus-5-5 }
  - { id: sonnet55, catalog: claude-sonnet-5-5 }
  - { id: haiku45, catalog: claude-haiku-4-5 }
  - { id: sonnet4, catalog: claude-sonnet-4 }
routes:
  # deepseek-chat has no structured outputs: a json_schema request only Sonnet 5.5 can serve
  - { name: agents, candidates: [sonnet55, deepseek-chat] }
  - { name: agents-or-gpt, candidates: [sonnet55, gpt], quality_floor: 0 }
`;
    stack = await startStack({ yaml, queue: 'in-process', env: { ANTHROPIC_API_KEY: 'sk-ant-test', DEEPSEEK_API_KEY: 'sk-ds' } });
  });
  afterAll(async () => {
    await stack.close();
    await anthropic.close();
    await openai.close();
  });

  type Sent = { model?: string; tools?: Array<{ name: string }>; tool_choice?: unknown; output_config?: unknown; thinking?: unknown };
  const sent = () => anthropic.requests.at(-1)!.body as Sent;
  // As OpenAI clients write it: no additionalProperties, a bound Anthropic cannot enforce.
  const schema = { type: 'object', properties: { city: { type: 'string' }, population: { type: 'integer', minimum: 0 } }, required: ['city', 'population'] };
  const response_format = { type: 'json_schema' as const, json_schema: { name: 'city_info', strict: true, schema } };
  // What Anthropic gets: every object closed, the bound written into the description.
  const format = {
    type: 'json_schema',
    schema: {
      type: 'object',
      properties: { city: { type: 'string' }, population: { type: 'integer', description: 'Must also satisfy these JSON Schema keywords: {"minimum":0}' } },
      required: ['city', 'population'],
      additionalProperties: false,
    },
  };
  const messages = [{ role: 'user' as const, content: 'Tell me about Paris.' }];

  async function streamed(params: OpenAI.ChatCompletionCreateParamsStreaming): Promise<{ content: string; finish: string | null; tools: string[] }> {
    const stream = await stack.client.chat.completions.create(params);
    let content = '';
    let finish: string | null = null;
    const tools: string[] = [];
    for await (const chunk of stream) {
      content += chunk.choices[0]?.delta?.content ?? '';
      for (const call of chunk.choices[0]?.delta?.tool_calls ?? []) if (call.function?.name) tools.push(call.function.name);
      finish = chunk.choices[0]?.finish_reason ?? finish;
    }
    return { content, finish, tools };
  }

  it('checks output_config.format as the Messages API does: Claude 4.5 and later, every object closed, no bound it cannot enforce', async () => {
    const post = async (model: string, schemaSent: Record<string, unknown>) => {
      const res = await fetch(`${anthropic.url}/v1/messages`, {
        method: 'POST',
        body: JSON.stringify({ model, max_tokens: 100, messages: [{ role: 'user', content: 'Hi' }], output_config: { format: { type: 'json_schema', schema: schemaSent } } }),
      });
      return { status: res.status, body: (await res.json()) as { error?: { message?: string } } };
    };
    expect(await post('claude-sonnet-4-20250514', format.schema)).toMatchObject({ status: 400, body: { error: { message: expect.stringContaining('not supported by claude-sonnet-4-20250514') } } });
    expect(await post('claude-opus-5-5', schema)).toMatchObject({ status: 400, body: { error: { message: expect.stringContaining("'additionalProperties' must be explicitly set to false") } } });
    expect(await post('claude-opus-5-5', { ...schema, additionalProperties: false })).toMatchObject({ status: 400, body: { error: { message: expect.stringContaining("'minimum' is not supported") } } });
    expect((await post('claude-opus-5-5', format.schema)).status).toBe(200);
  });

  it('serves json_schema on Opus 5.5 natively: the schema as output_config.format, the answer as text, streamed and not', async () => {
    const plain = await stack.client.chat.completions.create({ model: 'opus55', messages, response_format });
    expect(plain.choices[0]).toMatchObject({ message: { role: 'assistant', content: CITY }, finish_reason: 'stop' });
    expect(sent()).toMatchObject({ model: 'claude-opus-5-5', output_config: { format } });
    expect(sent()).not.toHaveProperty('tools');
    expect(sent()).not.toHaveProperty('tool_choice');

    expect(await streamed({ model: 'opus55', messages, response_format, stream: true })).toEqual({ content: CITY, finish: 'stop', tools: [] });
    expect(sent()).toMatchObject({ model: 'claude-opus-5-5', output_config: { format } });

    // strict: false sends the same format (the output format is always enforced).
    await stack.client.chat.completions.create({ model: 'opus55', messages, response_format: { type: 'json_schema', json_schema: { name: 'city_info', strict: false, schema } } });
    expect(sent().output_config).toEqual({ format });
  });

  it("serves it beside the client's tools, which keep their tool_choice: the answer as text, or a tool call", async () => {
    const tools = [{ type: 'function' as const, function: { name: 'get_weather', parameters: { type: 'object', properties: { location: { type: 'string' } } } } }];
    const plain = await stack.client.chat.completions.create({ model: 'opus55', messages, tools, response_format });
    expect(plain.choices[0]).toMatchObject({ message: { content: CITY }, finish_reason: 'stop' });
    expect(plain.choices[0].message.tool_calls ?? []).toEqual([]);
    expect(sent().tools?.map((t) => t.name)).toEqual(['get_weather']);
    expect(sent()).not.toHaveProperty('tool_choice');
    expect(sent().output_config).toEqual({ format });
    expect(await streamed({ model: 'opus55', messages, tools, tool_choice: 'auto', response_format, stream: true })).toEqual({ content: CITY, finish: 'stop', tools: [] });
    expect(sent()).toMatchObject({ tool_choice: { type: 'auto' }, output_config: { format } });

    // The model calls a tool instead: a tool call, streamed and not.
    const weather = [{ role: 'user' as const, content: 'Weather in SF? [fixture:tool-call]' }];
    const called = await stack.client.chat.completions.create({ model: 'opus55', messages: weather, tools, response_format });
    expect(called.choices[0].finish_reason).toBe('tool_calls');
    expect(called.choices[0].message.tool_calls?.map((c) => c.type === 'function' && c.function.name)).toEqual(['get_weather']);
    expect(sent().output_config).toEqual({ format });
    expect(await streamed({ model: 'opus55', messages: weather, tools, response_format, stream: true })).toMatchObject({ finish: 'tool_calls', tools: ['get_weather'] });
  });

  it('takes reasoning_effort beside it: the effort and the format in one output_config, and a budget beside the format on Claude 4.5', async () => {
    const plain = await stack.client.chat.completions.create({ model: 'opus55', messages, response_format, reasoning_effort: 'high' });
    expect(plain.choices[0].message.content).toBe(CITY);
    expect(sent().output_config).toEqual({ effort: 'high', format });
    expect(await streamed({ model: 'opus55', messages, response_format, reasoning_effort: 'low', stream: true })).toEqual({ content: CITY, finish: 'stop', tools: [] });
    expect(sent().output_config).toEqual({ effort: 'low', format });

    // Haiku 4.5 thinks with a budget, which the forced tool refused (a 400 on reasoning_effort): now both.
    const haiku = await stack.client.chat.completions.create({ model: 'haiku45', messages, response_format, reasoning_effort: 'low' });
    expect(haiku.choices[0].message.content).toBe(CITY);
    expect(sent()).toMatchObject({ model: 'claude-haiku-4-5-20251001', thinking: { type: 'enabled', budget_tokens: 1024 }, output_config: { format } });
    expect(sent()).not.toHaveProperty('tool_choice');
  });

  it('keeps older Claude models on the forced tool, whose input is the answer', async () => {
    const plain = await stack.client.chat.completions.create({ model: 'sonnet4', messages, response_format });
    expect(plain.choices[0]).toMatchObject({ message: { content: CITY }, finish_reason: 'stop' });
    expect(sent()).toMatchObject({ model: 'claude-sonnet-4-20250514', tool_choice: { type: 'tool', name: 'city_info' }, tools: [{ name: 'city_info' }] });
    expect(sent()).not.toHaveProperty('output_config');
    expect(await streamed({ model: 'sonnet4', messages, response_format, stream: true })).toEqual({ content: CITY, finish: 'stop', tools: [] });
    expect(sent()).toMatchObject({ tool_choice: { type: 'tool', name: 'city_info' } });
  });

  it('lets a route with Sonnet 5.5 serve a json_schema request it used to exclude, and serves a schema outside the subset elsewhere', async () => {
    const { data, response } = await stack.client.chat.completions.create({ model: 'agents', messages, response_format }).withResponse();
    expect(data.choices[0].message.content).toBe(CITY);
    expect(response.headers.get('x-router-model')).toBe('sonnet55');
    expect(sent()).toMatchObject({ model: 'claude-sonnet-5-5', output_config: { format } });

    // A map has no form in structured outputs, and Sonnet 5.5 refuses the forced tool: a 400 on response_format
    // before any call, so a route serves it from another candidate.
    const map = { type: 'json_schema' as const, json_schema: { name: 'scores', schema: { type: 'object', additionalProperties: { type: 'number' } } } };
    const calls = anthropic.requests.length;
    const err = await rejection(stack.client.chat.completions.create({ model: 'sonnet55', messages, response_format: map }));
    expect(err).toBeInstanceOf(OpenAI.BadRequestError);
    expect(err).toMatchObject({ status: 400, code: 'unsupported_parameter', param: 'response_format', message: expect.stringContaining('is a map') });
    openai.setBehavior(() => ({ kind: 'text', content: '{"a":1}' }));
    for (let i = 0; i < 4; i++) {
      const served = await stack.client.chat.completions.create({ model: 'agents-or-gpt', messages, response_format: map, user: `m${i}` }).withResponse();
      expect(served.data.choices[0].message.content).toBe('{"a":1}');
      expect(served.response.headers.get('x-router-model')).toBe('gpt');
    }
    expect(anthropic.requests.length).toBe(calls);
  });
});
