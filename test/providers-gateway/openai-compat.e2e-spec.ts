import OpenAI from 'openai';
import { rejection } from '../support/sdk-rejection';
import { LengthFinishReasonError } from 'openai/error';
import { zodResponseFormat } from 'openai/helpers/zod';
import { z } from 'zod';
import { startFakeAnthropic, type FakeUpstream } from '../fakes/fake-anthropic.server';
import { startFakeGemini, type FakeGemini } from '../fakes/fake-gemini.server';
import { startFakeOpenAI, type FakeOpenAI } from '../fakes/fake-openai.server';
import { startStack, type Stack } from '../support/stack';

/**
 * What an application written against OpenAI does through the gateway with the official SDK, whichever
 * provider answers: an OpenAI-compatible upstream, Anthropic or Gemini (fakes speaking each wire format).
 */
describe('OpenAI compatibility through the gateway, with the official openai SDK', () => {
  let openai: FakeOpenAI;
  let anthropic: FakeUpstream;
  let gemini: FakeGemini;
  let stack: Stack;

  beforeAll(async () => {
    openai = await startFakeOpenAI();
    anthropic = await startFakeAnthropic();
    gemini = await startFakeGemini();
    const yaml = `
providers:
  - { id: oai, kind: openai-compatible, base_url: "${openai.url}" }
  - { id: claude-api, preset: anthropic, base_url: "${anthropic.url}" }
  - { id: google, preset: gemini, base_url: "${gemini.url}" }
models:
  - { id: gpt, provider: oai, upstream: gpt-4o-mini, input_per_1m: 0.15, output_per_1m: 0.6, context_window: 128000 }
  - { id: sonnet, catalog: claude-sonnet-4 }
  - { id: flash, catalog: gemini-2.5-flash }
  - { id: sonnet-cheap, catalog: claude-sonnet-4, input_per_1m: 0.01, output_per_1m: 0.01 }
  - { id: flash-cheap, catalog: gemini-2.5-flash, input_per_1m: 0.02, output_per_1m: 0.02 }
routes:
  - { name: mixed, candidates: [gpt, sonnet, flash], quality_floor: 0.5 }
  # the bandit tries the native adapters first: they are the cheapest, and any model clears the floor
  - { name: natives-first, candidates: [sonnet-cheap, flash-cheap, gpt], quality_floor: 0 }
  - { name: natives-only, candidates: [sonnet-cheap, flash-cheap], quality_floor: 0 }
  - { name: claude-first, candidates: [sonnet-cheap, gpt], quality_floor: 0 }
`;
    stack = await startStack({ yaml, queue: 'in-process', env: { ANTHROPIC_API_KEY: 'sk-ant-test', GEMINI_API_KEY: 'AIza-test' } });
  });
  afterAll(async () => {
    await stack.close();
    await openai.close();
    await anthropic.close();
    await gemini.close();
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
});
