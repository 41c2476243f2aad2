import OpenAI from 'openai';
import { rejection } from '../support/sdk-rejection';
import { LengthFinishReasonError } from 'openai/error';
import { zodResponseFormat } from 'openai/helpers/zod';
import { z } from 'zod';
import type { FakeUpstream } from '../fakes/fake-anthropic.server';
import type { FakeGemini } from '../fakes/fake-gemini.server';
import type { FakeOpenAI } from '../fakes/fake-openai.server';
import { startThreeFakes, THREE_FAKES_ENV, type ThreeFakes } from '../support/three-fakes';
import { eventually, startStack, type Stack } from '../support/stack';

/**
 * What an application written against OpenAI does through the gateway with the official SDK, whichever
 * provider answers: an OpenAI-compatible upstream, Anthropic or Gemini (fakes speaking each wire format).
 */
describe('OpenAI compatibility through the gateway, with the official openai SDK', () => {
  let fakes: ThreeFakes;
  let openai: FakeOpenAI;
  let anthropic: FakeUpstream;
  let gemini: FakeGemini;
  let stack: Stack;

  beforeAll(async () => {
    fakes = await startThreeFakes();
    ({ openai, anthropic, gemini } = fakes);
    const yaml = `
providers:
${fakes.providersYaml}
  # OpenAI itself (its preset): takes allowed_tools and custom tools as they are
  - { id: oai-native, preset: openai, base_url: "${openai.url}" }
models:
${fakes.modelsYaml}
  - { id: gpt-native, provider: oai-native, upstream: gpt-5-mini, input_per_1m: 0.25, output_per_1m: 2, context_window: 400000 }
  - { id: sonnet-cheap, catalog: claude-sonnet-4, input_per_1m: 0.01, output_per_1m: 0.01 }
  - { id: flash-cheap, catalog: gemini-2.5-flash, input_per_1m: 0.02, output_per_1m: 0.02 }
routes:
  - { name: mixed, candidates: [gpt, sonnet, flash], quality_floor: 0.5 }
  # the bandit tries the native adapters first: they are the cheapest, and any model clears the floor
  - { name: natives-first, candidates: [sonnet-cheap, flash-cheap, gpt], quality_floor: 0 }
  - { name: natives-only, candidates: [sonnet-cheap, flash-cheap], quality_floor: 0 }
  - { name: claude-first, candidates: [sonnet-cheap, gpt], quality_floor: 0 }
  - { name: every-kind, candidates: [sonnet-cheap, flash-cheap, gpt, gpt-native], quality_floor: 0, failover: { max_models: 4 } }
`;
    stack = await startStack({ yaml, queue: 'in-process', env: { ...THREE_FAKES_ENV, OPENAI_API_KEY: 'sk-test' } });
  });
  afterAll(async () => {
    await stack.close();
    await fakes.close();
  });

  it('retrieves one model or route with models.retrieve, and 404s an unknown one as OpenAI does', async () => {
    const model = await stack.client.models.retrieve('sonnet');
    expect(model).toMatchObject({ id: 'sonnet', object: 'model', owned_by: 'claude-api', x_router: { type: 'model', provider_kind: 'anthropic' } });
    expect(typeof model.created).toBe('number');
    const route = await stack.client.models.retrieve('mixed');
    expect(route).toMatchObject({ id: 'mixed', object: 'model', owned_by: 'router', x_router: { type: 'route', candidates: ['gpt', 'sonnet', 'flash'] } });
    const missing = await rejection(stack.client.models.retrieve('gpt-17'));
    expect(missing).toBeInstanceOf(OpenAI.NotFoundError);
    expect(missing).toMatchObject({ status: 404, code: 'model_not_found', param: 'model', type: 'invalid_request_error' });
  });

  it.each([
    // 25 uncached + 200 cache writes + 1800 cache reads; Gemini's thoughts are reasoning tokens
    ['sonnet', 'cached-usage', { prompt_tokens: 2025, completion_tokens: 4, total_tokens: 2029, prompt_tokens_details: { cached_tokens: 1800 } }],
    ['flash', 'cached-usage', { prompt_tokens: 2100, completion_tokens: 4, total_tokens: 2104, prompt_tokens_details: { cached_tokens: 2048 } }],
    ['flash', 'text', { prompt_tokens: 8, completion_tokens: 30, total_tokens: 38, completion_tokens_details: { reasoning_tokens: 21 } }],
  ])('%s streams the same usage details as it answers unstreamed (%s)', async (model, fixture, expected) => {
    const messages = [{ role: 'user' as const, content: `Hi [fixture:${fixture}]` }];
    const plain = await stack.client.chat.completions.create({ model, messages });
    expect(plain.usage).toMatchObject(expected);
    const stream = await stack.client.chat.completions.create({ model, messages, stream: true, stream_options: { include_usage: true } });
    const chunks = [];
    for await (const chunk of stream) chunks.push(chunk);
    const last = chunks.at(-1)!;
    expect(last.choices).toEqual([]);
    expect(last.usage).toEqual(plain.usage);
  });

  it('streams n > 1 choices, each with its own finish_reason, as the unstreamed answer has them', async () => {
    openai.setBehavior(() => ({ kind: 'text', content: 'two ways to say it' }));
    const params = { model: 'gpt', n: 2, messages: [{ role: 'user' as const, content: 'Say it twice' }] };
    const plain = await stack.client.chat.completions.create(params);
    expect(plain.choices.map((c) => [c.index, c.message.content, c.finish_reason])).toEqual([
      [0, 'two ways to say it', 'stop'],
      [1, 'two ways to say it', 'stop'],
    ]);
    const stream = await stack.client.chat.completions.create({ ...params, stream: true, stream_options: { include_usage: true } });
    const text = ['', ''];
    const finish: Array<string | null> = [null, null];
    for await (const chunk of stream) {
      for (const choice of chunk.choices) {
        text[choice.index] += choice.delta.content ?? '';
        if (choice.finish_reason) finish[choice.index] = choice.finish_reason;
      }
    }
    expect(text).toEqual(['two ways to say it', 'two ways to say it']);
    expect(finish).toEqual(['stop', 'stop']);
    const final = await stack.client.chat.completions.stream(params).finalChatCompletion();
    expect(final.choices.map((c) => [c.index, c.message.content, c.finish_reason])).toEqual([
      [0, 'two ways to say it', 'stop'],
      [1, 'two ways to say it', 'stop'],
    ]);
  });

  it('serves a parameter some candidates cannot honour (logprobs) from one that can, instead of a 400 that depends on the draw', async () => {
    openai.setBehavior(() => ({ kind: 'text', content: 'with logprobs' }));
    const params = { model: 'natives-first', logprobs: true, top_logprobs: 2, messages: [{ role: 'user' as const, content: 'hi' }] };
    const { data, response } = await stack.client.chat.completions.create(params).withResponse();
    expect(data.choices[0].message.content).toBe('with logprobs');
    expect(response.headers.get('x-router-model')).toBe('gpt');
    expect(response.headers.get('x-router-models')!.split(',').sort()).toEqual(['flash-cheap', 'gpt', 'sonnet-cheap']);
    expect(openai.requests.at(-1)).toMatchObject({ logprobs: true, top_logprobs: 2 });

    const stream = await stack.client.chat.completions.create({ ...params, stream: true });
    let text = '';
    for await (const chunk of stream) text += chunk.choices[0]?.delta?.content ?? '';
    expect(text).toBe('with logprobs');

    // No candidate can: the 400 names the parameter, whichever the bandit drew first.
    const refused = await rejection(stack.client.chat.completions.create({ ...params, model: 'natives-only' }));
    expect(refused).toMatchObject({ status: 400, code: 'unsupported_parameter', param: 'logprobs', type: 'invalid_request_error' });
  });

  it.each([
    [
      'a string too long',
      { message: "Invalid 'messages[0].content': string too long. Expected a string with maximum length 1048576.", code: 'string_above_max_length', param: 'messages[0].content' },
    ],
    [
      'an invalid tool schema',
      { message: "Invalid schema for function 'f': 'strng' is not valid under any of the given schemas.", code: 'invalid_function_parameters', param: 'tools[0].function.parameters' },
    ],
    [
      'a prompt over the context window',
      { message: "This model's maximum context length is 128000 tokens. However, your messages resulted in 130000 tokens.", code: 'context_length_exceeded', param: 'messages' },
    ],
  ])("keeps an OpenAI-compatible upstream's 400 code and param (%s)", async (_name, error) => {
    openai.setBehavior(() => ({ kind: 'error', status: 400, type: 'invalid_request_error', ...error }));
    for (const stream of [false, true]) {
      const err = await rejection(stack.client.chat.completions.create({ model: 'gpt', messages: [{ role: 'user', content: 'x' }], stream }));
      expect(err).toBeInstanceOf(OpenAI.BadRequestError);
      expect(err).toMatchObject({ status: 400, type: 'invalid_request_error', code: error.code, param: error.param });
      expect(err.message).toContain(error.message);
    }
  });

  it('returns structured output cut short by max_tokens as OpenAI does (finish_reason length), instead of retrying it into a 502', async () => {
    openai.setBehavior(() => ({ kind: 'text', content: '{"city": "Ly', finishReason: 'length' }));
    const City = z.object({ city: z.string(), population: z.number() });
    const params = { model: 'gpt', max_tokens: 5, messages: [{ role: 'user' as const, content: 'A French city' }], response_format: zodResponseFormat(City, 'city') };
    const before = openai.requests.length;
    const cut = await stack.client.chat.completions.create(params);
    expect(cut.choices[0]).toMatchObject({ finish_reason: 'length', message: { content: '{"city": "Ly' } });
    expect(openai.requests.length - before).toBe(1);
    await expect(stack.client.chat.completions.parse(params)).rejects.toBeInstanceOf(LengthFinishReasonError);

    // Gemini spent the whole budget thinking: no content at all, finish_reason length.
    const thought = await stack.client.chat.completions.create({ ...params, model: 'flash', messages: [{ role: 'user', content: 'A French city [fixture:max-tokens-in-tool]' }] });
    expect(thought.choices[0]).toMatchObject({ finish_reason: 'length', message: { content: null } });
  });

  it('serves a whitespace stop sequence, which the Messages API refuses, from a model that takes it', async () => {
    openai.setBehavior(() => ({ kind: 'text', content: 'first line' }));
    const params = { model: 'claude-first', stop: ['\n'], messages: [{ role: 'user' as const, content: 'One line please' }] };
    const before = anthropic.requests.length;
    const { data, response } = await stack.client.chat.completions.create(params).withResponse();
    expect(data.choices[0].message.content).toBe('first line');
    expect(response.headers.get('x-router-models')).toBe('sonnet-cheap,gpt');
    expect(anthropic.requests.length).toBe(before);
    expect(openai.requests.at(-1)).toMatchObject({ stop: ['\n'] });

    const refused = await rejection(stack.client.chat.completions.create({ ...params, model: 'sonnet', stop: '\n\n' }));
    expect(refused).toMatchObject({ status: 400, code: 'unsupported_value', param: 'stop' });
  });

  describe("OpenAI's newer tool forms: allowed_tools and custom tools", () => {
    const weather = { type: 'function' as const, function: { name: 'get_weather', description: 'Current weather', parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] } } };
    const time = { type: 'function' as const, function: { name: 'get_time', parameters: { type: 'object', properties: { zone: { type: 'string' } } } } };
    const sql = { type: 'custom' as const, custom: { name: 'run_sql', description: 'One read-only SQL query', format: { type: 'grammar' as const, grammar: { definition: 'start: "SELECT " /[^;]+/', syntax: 'lark' as const } } } };
    const allowWeather = (mode: 'auto' | 'required') => ({ type: 'allowed_tools' as const, allowed_tools: { mode, tools: [{ type: 'function', function: { name: 'get_weather' } }] } });
    const ask = (fixture = 'tool-call') => [{ role: 'user' as const, content: `Weather in Paris? [fixture:${fixture}]` }];

    it('passes allowed_tools through unchanged to OpenAI, with the whole tools list', async () => {
      openai.setBehavior(() => ({ kind: 'tool_call', name: 'get_weather', arguments: '{"city":"Paris"}' }));
      const params = { model: 'gpt-native', messages: ask(), tools: [weather, time], tool_choice: allowWeather('required') };
      const answer = await stack.client.chat.completions.create(params);
      expect(answer.choices[0]).toMatchObject({ finish_reason: 'tool_calls', message: { tool_calls: [{ type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } }] } });
      expect(openai.requests.at(-1)).toMatchObject({ model: 'gpt-5-mini', tools: [weather, time], tool_choice: allowWeather('required') });
    });

    it('offers only the allowed tools to an OpenAI-compatible host not known to take allowed_tools', async () => {
      openai.setBehavior(() => ({ kind: 'tool_call', name: 'get_weather', arguments: '{"city":"Paris"}' }));
      for (const stream of [false, true]) {
        const response = await stack.client.chat.completions.create({ model: 'gpt', messages: ask(), tools: [weather, time], tool_choice: allowWeather('required'), stream });
        if (stream) for await (const _chunk of response as AsyncIterable<unknown>) void _chunk;
        const sent = openai.requests.at(-1)!;
        expect(sent).toMatchObject({ model: 'gpt-4o-mini', tools: [weather], tool_choice: 'required' });
      }
    });

    it('translates allowed_tools for Claude (only those tools; required -> any) and Gemini (ANY limited to the names)', async () => {
      const onClaude = await stack.client.chat.completions.create({ model: 'sonnet', messages: ask(), tools: [weather, time], tool_choice: allowWeather('required') });
      expect(onClaude.choices[0].message.tool_calls?.[0]).toMatchObject({ type: 'function', function: { name: 'get_weather' } });
      expect(anthropic.requests.at(-1)!.body).toMatchObject({ tools: [{ name: 'get_weather' }], tool_choice: { type: 'any' } });
      expect((anthropic.requests.at(-1)!.body as { tools: unknown[] }).tools).toHaveLength(1);

      const streamed = await stack.client.chat.completions.create({ model: 'sonnet', messages: ask(), tools: [weather, time], tool_choice: allowWeather('auto'), stream: true });
      let name = '';
      for await (const chunk of streamed) name += chunk.choices[0]?.delta?.tool_calls?.[0]?.function?.name ?? '';
      expect(name).toBe('get_weather');
      expect(anthropic.requests.at(-1)!.body).toMatchObject({ tools: [{ name: 'get_weather' }], tool_choice: { type: 'auto' } });

      const onGemini = await stack.client.chat.completions.create({ model: 'flash', messages: ask(), tools: [weather, time], tool_choice: allowWeather('required') });
      expect(onGemini.choices[0].message.tool_calls?.[0]).toMatchObject({ type: 'function', function: { name: 'get_weather' } });
      const geminiBody = gemini.requests.at(-1)!.body as { tools: Array<{ functionDeclarations: Array<{ name: string }> }>; toolConfig: unknown };
      expect(geminiBody.toolConfig).toEqual({ functionCallingConfig: { mode: 'ANY', allowedFunctionNames: ['get_weather'] } });
      expect(geminiBody.tools[0].functionDeclarations.map((d) => d.name)).toEqual(['get_weather', 'get_time']);
    });

    it("answers an allowed_tools entry that names no declared tool with OpenAI's 400, whichever provider would serve", async () => {
      const before = [openai.requests.length, anthropic.requests.length, gemini.requests.length];
      const choice = { type: 'allowed_tools' as const, allowed_tools: { mode: 'auto' as const, tools: [{ type: 'function', function: { name: 'get_weather' } }, { type: 'function', function: { name: 'get_news' } }] } };
      for (const [model, stream] of [['mixed', false], ['gpt-native', true], ['sonnet', false]] as const) {
        const err = await rejection(stack.client.chat.completions.create({ model, messages: ask(), tools: [weather, time], tool_choice: choice, stream }));
        expect(err).toBeInstanceOf(OpenAI.BadRequestError);
        expect(err).toMatchObject({ status: 400, type: 'invalid_request_error', param: 'tool_choice', code: null });
        expect(err.message).toContain("Tool choice 'get_news' not found in 'tools' parameter.");
      }
      expect([openai.requests.length, anthropic.requests.length, gemini.requests.length]).toEqual(before);
    });

    it("serves custom tools from a model that takes them, streamed and not, in OpenAI's shape", async () => {
      openai.setBehavior(() => ({ kind: 'custom_tool_call', name: 'run_sql', input: 'SELECT count(*) FROM users' }));
      const params = { model: 'every-kind', messages: [{ role: 'user' as const, content: 'How many users?' }], tools: [weather, sql], tool_choice: { type: 'custom' as const, custom: { name: 'run_sql' } } };
      const before = [openai.requests.length, anthropic.requests.length, gemini.requests.length];
      const { data, response } = await stack.client.chat.completions.create(params).withResponse();
      expect(response.headers.get('x-router-model')).toBe('gpt-native');
      expect(data.choices[0]).toMatchObject({
        finish_reason: 'tool_calls',
        message: { content: null, tool_calls: [{ id: 'call_fake1', type: 'custom', custom: { name: 'run_sql', input: 'SELECT count(*) FROM users' } }] },
      });
      // Claude, Gemini and the compatible host without custom tools refused it before any call.
      expect([openai.requests.length - before[0], anthropic.requests.length - before[1], gemini.requests.length - before[2]]).toEqual([1, 0, 0]);
      expect(openai.requests.at(-1)).toMatchObject({ model: 'gpt-5-mini', tools: [weather, sql], tool_choice: { type: 'custom', custom: { name: 'run_sql' } } });

      // Recorded, billed and scored: the free-text input is no JSON, and passes the tool check.
      const requestId = response.headers.get('x-request-id')!;
      const score = await eventually(() => stack.database.handle.db.selectFrom('scores').select(['reward', 'results']).where('request_id', '=', requestId).executeTakeFirstOrThrow());
      expect(score.reward).toBe(1);
      expect(score.results).toContainEqual({ validator: 'tool_arguments', passed: true });
      const row = await stack.database.handle.db.selectFrom('requests').select(['status', 'model_id', 'finish_reason', 'completion_tokens']).where('id', '=', requestId).executeTakeFirstOrThrow();
      expect(row).toMatchObject({ status: 'success', model_id: 'gpt-native', finish_reason: 'tool_calls', completion_tokens: 9 });

      const stream = await stack.client.chat.completions.create({ ...params, stream: true }).withResponse();
      const deltas: Array<Record<string, unknown>> = [];
      let finish: string | null = null;
      for await (const chunk of stream.data) {
        for (const call of chunk.choices[0]?.delta?.tool_calls ?? []) deltas.push(call as unknown as Record<string, unknown>);
        finish = chunk.choices[0]?.finish_reason ?? finish;
      }
      expect(deltas[0]).toEqual({ index: 0, id: 'call_fake1', type: 'custom', custom: { name: 'run_sql', input: '' } });
      expect(deltas.map((d) => (d.custom as { input: string }).input).join('')).toBe('SELECT count(*) FROM users');
      expect(finish).toBe('tool_calls');
      const streamedId = stream.response.headers.get('x-request-id')!;
      const streamedScore = await eventually(() => stack.database.handle.db.selectFrom('scores').select(['reward', 'results']).where('request_id', '=', streamedId).executeTakeFirstOrThrow());
      expect(streamedScore.results).toContainEqual({ validator: 'tool_arguments', passed: true });
      expect(streamedScore.reward).toBe(1);
    });

    it('answers custom tools with a 400 naming them when no candidate takes them', async () => {
      for (const model of ['natives-only', 'gpt', 'sonnet', 'flash']) {
        const err = await rejection(stack.client.chat.completions.create({ model, messages: [{ role: 'user', content: 'How many users?' }], tools: [weather, sql] }));
        expect(err).toBeInstanceOf(OpenAI.BadRequestError);
        expect(err).toMatchObject({ status: 400, type: 'invalid_request_error', code: 'unsupported_parameter', param: 'tools[1]' });
      }
    });

    it("accepts a later turn with the assistant's custom tool call and the tool's result", async () => {
      openai.setBehavior(() => ({ kind: 'text', content: 'There are 42 users.' }));
      const messages = [
        { role: 'user' as const, content: 'How many users?' },
        { role: 'assistant' as const, content: null, tool_calls: [{ id: 'call_fake1', type: 'custom' as const, custom: { name: 'run_sql', input: 'SELECT count(*) FROM users' } }] },
        { role: 'tool' as const, tool_call_id: 'call_fake1', content: '42' },
      ];
      const { data, response } = await stack.client.chat.completions.create({ model: 'every-kind', messages, tools: [weather, sql] }).withResponse();
      expect(data.choices[0].message.content).toBe('There are 42 users.');
      expect(response.headers.get('x-router-model')).toBe('gpt-native');
      expect(openai.requests.at(-1)).toMatchObject({ model: 'gpt-5-mini', messages });

      // Without custom tools declared, the history alone still keeps the request from Claude.
      const err = await rejection(stack.client.chat.completions.create({ model: 'sonnet', messages, tools: [weather] }));
      expect(err).toMatchObject({ status: 400, code: 'unsupported_parameter', param: 'messages[1].tool_calls[0]' });
    });
  });
});
