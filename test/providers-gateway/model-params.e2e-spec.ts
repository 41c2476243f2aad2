import OpenAI from 'openai';
import { rejection } from '../support/sdk-rejection';
import { startFakeOpenAI, type FakeOpenAI } from '../fakes/fake-openai.server';
import { startStack, type Stack } from '../support/stack';

/**
 * Request parameters a model refuses or names differently (`drop_params`, `rename_params` in the model
 * catalog and config): an app written for gpt-4o sends `max_tokens` and a temperature, and whichever
 * model the router picks answers it. The fake answers as OpenAI's reasoning models do: a 400 for
 * `max_tokens` and for a temperature other than 1.
 */
describe('parameters a model does not take, through the gateway', () => {
  let upstream: FakeOpenAI;
  let stack: Stack;

  beforeAll(async () => {
    upstream = await startFakeOpenAI();
    const yaml = `
providers:
  - { id: oa, preset: openai, base_url: "${upstream.url}" }
models:
  - { id: o4, catalog: o4-mini }
  - { id: mini, catalog: gpt-4o-mini }
  - { id: o4-as-is, catalog: o4-mini, drop_params: [], rename_params: {} }
  - { id: mini-capped, catalog: gpt-4o-mini, drop_params: [max_completion_tokens, reasoning_effort, temperature] }
routes:
  - { name: reasoning, candidates: [o4], quality_floor: 0 }
  - { name: plain, candidates: [mini], quality_floor: 0 }
  - { name: unadapted, candidates: [o4-as-is], quality_floor: 0 }
  - { name: capped, candidates: [mini-capped], quality_floor: 0 }
`;
    stack = await startStack({ yaml, queue: 'in-process', env: { OPENAI_API_KEY: 'sk-test' } });
  });
  afterAll(async () => {
    await stack.close();
    await upstream.close();
  });

  const ask = { messages: [{ role: 'user' as const, content: 'Hi' }], max_tokens: 50, temperature: 0.2, top_p: 0.9, seed: 7 };

  it('answers on a reasoning model: max_tokens sent as max_completion_tokens, the sampling parameters left out and named', async () => {
    const { data, response } = await stack.client.chat.completions.create({ model: 'reasoning', ...ask }).withResponse();
    expect(data.choices[0].message.content).toBe('Hello!');
    expect(response.headers.get('x-router-model')).toBe('o4');
    expect(response.headers.get('x-router-ignored-params')).toBe('temperature,top_p');
    const sent = upstream.requests.at(-1)!;
    expect(sent).toMatchObject({ model: 'o4-mini', max_completion_tokens: 50, seed: 7 });
    for (const name of ['max_tokens', 'temperature', 'top_p']) expect(sent).not.toHaveProperty(name);
  });

  it('streams on a reasoning model the same way, the header on the stream', async () => {
    const { data: stream, response } = await stack.client.chat.completions.create({ model: 'reasoning', ...ask, stream: true }).withResponse();
    let text = '';
    for await (const chunk of stream) text += chunk.choices[0]?.delta?.content ?? '';
    expect(text).toBe('Hello!');
    expect(response.headers.get('x-router-ignored-params')).toBe('temperature,top_p');
    expect(upstream.requests.at(-1)).toMatchObject({ model: 'o4-mini', max_completion_tokens: 50, stream: true });
    expect(upstream.requests.at(-1)).not.toHaveProperty('temperature');
  });

  it('names the parameters left out by the Responses API\'s names on POST /v1/responses, streamed or not', async () => {
    const ask = { model: 'capped', input: 'Hi', max_output_tokens: 50, reasoning: { effort: 'low' as const }, temperature: 0.2 };
    const { data, response } = await stack.client.responses.create(ask).withResponse();
    expect(data.output_text).toBe('Hello!');
    expect(response.headers.get('x-router-ignored-params')).toBe('max_output_tokens,reasoning.effort,temperature');
    for (const name of ['max_completion_tokens', 'reasoning_effort', 'temperature']) expect(upstream.requests.at(-1)).not.toHaveProperty(name);
    const { data: stream, response: streamed } = await stack.client.responses.create({ ...ask, stream: true }).withResponse();
    for await (const event of stream) void event;
    expect(streamed.headers.get('x-router-ignored-params')).toBe('max_output_tokens,reasoning.effort,temperature');
    // The chat route names the same parameters by the chat names.
    const { response: chat } = await stack.client.chat.completions
      .create({ model: 'capped', messages: [{ role: 'user', content: 'Hi' }], max_completion_tokens: 50, reasoning_effort: 'low', temperature: 0.2 })
      .withResponse();
    expect(chat.headers.get('x-router-ignored-params')).toBe('max_completion_tokens,reasoning_effort,temperature');
  });

  it('sends a model that takes them every parameter as given, with no header', async () => {
    const { response } = await stack.client.chat.completions.create({ model: 'plain', ...ask }).withResponse();
    expect(response.headers.get('x-router-ignored-params')).toBeNull();
    expect(upstream.requests.at(-1)).toMatchObject({ model: 'gpt-4o-mini', max_tokens: 50, temperature: 0.2, top_p: 0.9 });
  });

  it('lists them on the model in GET /v1/models/{id}', async () => {
    const o4 = (await stack.client.models.retrieve('o4')) as unknown as { x_router: Record<string, unknown> };
    expect(o4.x_router).toMatchObject({ drop_params: expect.arrayContaining(['temperature', 'top_p', 'logit_bias']), rename_params: { max_tokens: 'max_completion_tokens' } });
    const mini = (await stack.client.models.retrieve('mini')) as unknown as { x_router: Record<string, unknown> };
    expect(mini.x_router).toMatchObject({ drop_params: [], rename_params: {} });
  });

  it("without the catalog's rules (cleared in the config) the upstream's 400 reaches the client in OpenAI's form", async () => {
    const err = await rejection(stack.client.chat.completions.create({ model: 'unadapted', ...ask }));
    expect(err).toBeInstanceOf(OpenAI.BadRequestError);
    expect(err).toMatchObject({ status: 400, param: 'max_tokens', code: 'unsupported_parameter' });
  });
});
