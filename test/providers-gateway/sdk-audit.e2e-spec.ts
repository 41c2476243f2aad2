import OpenAI from 'openai';
import type { FakeUpstream } from '../fakes/fake-anthropic.server';
import { EMPTY_TEXT_REFUSAL, type FakeGemini } from '../fakes/fake-gemini.server';
import type { FakeOpenAI } from '../fakes/fake-openai.server';
import { startThreeFakes, THREE_FAKES_ENV, type ThreeFakes } from '../support/three-fakes';
import { rejection } from '../support/sdk-rejection';
import { GATEWAY_KEY, startStack, type Stack } from '../support/stack';

/**
 * Differences from OpenAI an application using the official openai SDK would hit, found by an audit of
 * the gateway with the SDK against each adapter (fakes speaking each provider's wire format).
 */
describe('the official openai SDK against the gateway: audited differences', () => {
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
models:
${fakes.modelsYaml}
  - { id: sonnet-cheap, catalog: claude-sonnet-4, input_per_1m: 0.01, output_per_1m: 0.01 }
  - { id: mini, catalog: gpt-4o-mini, provider: oai }
  - { id: flash-cheap, catalog: gemini-2.5-flash, input_per_1m: 0.01, output_per_1m: 0.01 }
routes:
  # the bandit tries Claude first: it is the cheapest, and any model clears the floor
  - { name: claude-first, candidates: [sonnet-cheap, gpt], quality_floor: 0 }
  - { name: mixed, candidates: [mini, sonnet, flash], quality_floor: 0 }
  # the bandit tries the OpenAI-compatible model first: it is the cheapest
  - { name: gpt-first, candidates: [gpt, sonnet], quality_floor: 0 }
  # the same as claude-first, with arms of its own (what claude-first learned does not move its first draw)
  - { name: claude-first-too, candidates: [sonnet-cheap, gpt], quality_floor: 0 }
  # the bandit tries Gemini first: it is the cheapest
  - { name: gemini-first, candidates: [flash-cheap, gpt], quality_floor: 0 }
  # a budget too small for any request: each is refused with a 429 budget_exceeded
  - { name: spent, candidates: [gpt], quality_floor: 0, budget_usd_per_day: 0.000001 }
`;
    stack = await startStack({ yaml, queue: 'in-process', env: THREE_FAKES_ENV });
  });
  afterAll(async () => {
    await stack.close();
    await fakes.close();
  });

  it("fails fast on a spent budget with the SDK's default retries, instead of sleeping until the budget resets", async () => {
    // The SDK's defaults (maxRetries 2): it retries every 429, after waiting whatever `retry-after` says.
    const client = new OpenAI({ baseURL: `${stack.gateway.url}/v1`, apiKey: GATEWAY_KEY });
    const startedAt = Date.now();
    const outcome = await Promise.race([
      rejection(client.chat.completions.create({ model: 'spent', max_tokens: 100_000, messages: [{ role: 'user', content: 'Hi' }] })),
      new Promise<'still waiting'>((resolve) => setTimeout(() => resolve('still waiting'), 5_000).unref()),
    ]);
    expect(outcome).toBeInstanceOf(OpenAI.RateLimitError);
    const err = outcome as InstanceType<typeof OpenAI.RateLimitError>;
    expect(err).toMatchObject({ status: 429, type: 'insufficient_quota', code: 'budget_exceeded' });
    expect(Date.now() - startedAt).toBeLessThan(5_000);
    // When the budget resets is still said, for a client that schedules its own retry.
    expect(Number(err.headers?.get('retry-after'))).toBeGreaterThan(0);
    expect(err.headers?.get('x-should-retry')).toBe('false');
  });
  it.each(['sonnet', 'flash'])('answers a prompt given only as system messages on %s, as OpenAI does, streamed and not', async (model) => {
    // Apps that put the whole prompt in a system (or developer) message: the Messages API refuses a
    // request without messages, the Gemini API one without contents.
    const messages = [
      { role: 'system' as const, content: 'You write haiku.' },
      { role: 'developer' as const, content: [{ type: 'text' as const, text: 'One about autumn. [fixture:text]' }] },
    ];
    const sent = () => (model === 'sonnet' ? anthropic.requests.at(-1)!.body : gemini.requests.at(-1)!.body) as Record<string, unknown>;
    const plain = await stack.client.chat.completions.create({ model, messages });
    expect(plain.choices[0]).toMatchObject({ finish_reason: 'stop', message: { content: 'Hello! How can I help you today?' } });
    const expected =
      model === 'sonnet'
        ? { messages: [{ role: 'user', content: [{ type: 'text', text: 'You write haiku.' }, { type: 'text', text: 'One about autumn. [fixture:text]' }] }] }
        : { contents: [{ role: 'user', parts: [{ text: 'You write haiku.' }, { text: 'One about autumn. [fixture:text]' }] }] };
    expect(sent()).toMatchObject(expected);
    expect(sent()).not.toHaveProperty(model === 'sonnet' ? 'system' : 'systemInstruction');

    const stream = await stack.client.chat.completions.create({ model, messages, stream: true });
    let text = '';
    for await (const chunk of stream) text += chunk.choices[0]?.delta?.content ?? '';
    expect(text).toBe('Hello! How can I help you today?');
    expect(sent()).toMatchObject(expected);
  });
  it('leaves out user text parts that are empty or white space, which the Messages API refuses and OpenAI takes', async () => {
    const before = anthropic.requests.length;
    const content = [
      { type: 'text' as const, text: '' },
      { type: 'text' as const, text: 'Hi [fixture:text]' },
      { type: 'text' as const, text: ' \n' },
    ];
    const answer = await stack.client.chat.completions.create({ model: 'sonnet', messages: [{ role: 'user', content }] });
    expect(answer.choices[0].message.content).toBe('Hello! How can I help you today?');
    expect(anthropic.requests.length - before).toBe(1);
    expect(anthropic.requests.at(-1)!.body).toMatchObject({ messages: [{ role: 'user', content: [{ type: 'text', text: 'Hi [fixture:text]' }] }] });
  });

  it('serves a conversation whose last user message is empty from a model that takes it, not as a Claude prefill', async () => {
    // Left out, the empty turn would end the conversation on the assistant's: Claude would continue
    // that message (a prefill) instead of answering, and Claude 4.6 and later refuse a prefill.
    openai.setBehavior(() => ({ kind: 'text', content: 'Anything else?' }));
    const messages = [
      { role: 'user' as const, content: 'Hi' },
      { role: 'assistant' as const, content: 'Hello! How can I help you today?' },
      { role: 'user' as const, content: '' },
    ];
    const before = anthropic.requests.length;
    const { data, response } = await stack.client.chat.completions.create({ model: 'claude-first', messages }).withResponse();
    expect(data.choices[0].message.content).toBe('Anything else?');
    expect(response.headers.get('x-router-models')).toBe('sonnet-cheap,gpt');
    expect(anthropic.requests.length).toBe(before);
    expect(openai.requests.at(-1)).toMatchObject({ messages });

    // Claude alone: a 400 naming the message, whitespace-only text the same.
    for (const text of ['', '  ']) {
      const err = await rejection(stack.client.chat.completions.create({ model: 'sonnet', messages: [...messages.slice(0, 2), { role: 'user', content: text }] }));
      expect(err).toBeInstanceOf(OpenAI.BadRequestError);
      expect(err).toMatchObject({ status: 400, type: 'invalid_request_error', code: 'unsupported_value', param: 'messages[2].content' });
    }
    expect(anthropic.requests.length).toBe(before);
  });
  it("asks each model for no more than it can write, instead of a 400 that depends on which model the route drew", async () => {
    // An app written for a model that writes 32K tokens or more (gpt-4.1, o4-mini) sets max_tokens for
    // it; gpt-4o-mini writes at most 16384 and Claude Sonnet 4 64000, and each refuses a larger limit.
    openai.setBehavior(() => ({ kind: 'text', content: 'A long story.' }));
    const asked = [
      ['mini', { max_tokens: 32_768 }, () => openai.requests.at(-1)!.max_tokens, 16_384],
      ['mini', { max_completion_tokens: 100_000 }, () => openai.requests.at(-1)!.max_completion_tokens, 16_384],
      ['sonnet', { max_tokens: 100_000 }, () => (anthropic.requests.at(-1)!.body as { max_tokens: number }).max_tokens, 64_000],
      ['flash', { max_completion_tokens: 100_000 }, () => (gemini.requests.at(-1)!.body as { generationConfig: { maxOutputTokens: number } }).generationConfig.maxOutputTokens, 65_536],
    ] as const;
    for (const [model, limit, sent, most] of asked) {
      for (const stream of [false, true]) {
        const answer = await stack.client.chat.completions.create({ model, ...limit, stream, messages: [{ role: 'user', content: 'Tell me a story [fixture:text]' }] });
        if (stream) for await (const _chunk of answer as AsyncIterable<unknown>) void _chunk;
        expect([model, stream, sent()]).toEqual([model, stream, most]);
      }
    }
    // Within the limit, the client's value goes as it is.
    await stack.client.chat.completions.create({ model: 'mini', max_tokens: 500, messages: [{ role: 'user', content: 'Hi' }] });
    expect(openai.requests.at(-1)!.max_tokens).toBe(500);

    // On a route, whichever model is drawn answers.
    for (let i = 0; i < 6; i++) {
      const { data } = await stack.client.chat.completions.create({ model: 'mixed', max_tokens: 32_768, messages: [{ role: 'user', content: 'Tell me a story [fixture:text]' }] }).withResponse();
      expect(data.choices[0].finish_reason).toBe('stop');
    }
  });
  it("serves a request from another provider when one's account cannot pay, and never answers it as the client's fault", async () => {
    // Anthropic: 400 invalid_request_error "Your credit balance is too low" (a BadRequestError to the
    // SDK, not failed over); OpenAI: 429 insufficient_quota (a RateLimitError, retried on the same model).
    openai.setBehavior(() => ({ kind: 'text', content: 'Served elsewhere.' }));
    const noCredit = [{ role: 'user' as const, content: 'Hi [fixture:credit-balance]' }];
    const fromClaude = await stack.client.chat.completions.create({ model: 'claude-first-too', messages: noCredit }).withResponse();
    expect(fromClaude.data.choices[0].message.content).toBe('Served elsewhere.');
    expect(fromClaude.response.headers.get('x-router-models')).toBe('sonnet-cheap,gpt');

    openai.setBehavior(() => ({ kind: 'error', status: 429, type: 'insufficient_quota', code: 'insufficient_quota', message: 'You exceeded your current quota, please check your plan and billing details.' }));
    const before = openai.requests.length;
    const fromOpenAI = await stack.client.chat.completions.create({ model: 'gpt-first', messages: [{ role: 'user', content: 'Hi [fixture:text]' }] }).withResponse();
    expect(fromOpenAI.data.choices[0].message.content).toBe('Hello! How can I help you today?');
    expect(fromOpenAI.response.headers.get('x-router-models')).toBe('gpt,sonnet');
    expect(openai.requests.length - before).toBe(1);

    // With no other model: the gateway's failure (502), not the client's, and not worth the SDK's retries.
    for (const [model, content] of [['sonnet', 'Hi [fixture:credit-balance]'], ['gpt', 'Hi']] as const) {
      const err = await rejection(stack.client.chat.completions.create({ model, messages: [{ role: 'user', content }] }));
      expect(err).toBeInstanceOf(OpenAI.InternalServerError);
      expect(err).toMatchObject({ status: 502, type: 'api_error', code: 'upstream_billing' });
      expect(err.message).toContain(`Model "${model}"`);
      expect(err.message).not.toMatch(/credit balance|your current quota/);
      expect(err.headers?.get('x-should-retry')).toBe('false');
    }
  });
  it('leaves out user text parts that are empty, which the Gemini API refuses and OpenAI takes, through chat and the Responses API', async () => {
    // The Gemini API answers a part { text: "" } with a 400, as the fake does.
    const direct = await fetch(`${gemini.url}/v1beta/models/gemini-2.5-flash:generateContent`, {
      method: 'POST',
      body: JSON.stringify({ contents: [{ role: 'user', parts: [{ text: '' }, { text: 'Hi' }] }] }),
    });
    expect(direct.status).toBe(400);
    expect(await direct.json()).toEqual({ error: { code: 400, message: EMPTY_TEXT_REFUSAL, status: 'INVALID_ARGUMENT' } });
    const before = gemini.requests.length;
    const content = [
      { type: 'text' as const, text: '' },
      { type: 'text' as const, text: 'Hi [fixture:text]' },
    ];
    const answer = await stack.client.chat.completions.create({ model: 'flash', messages: [{ role: 'user', content }] });
    expect(answer.choices[0].message.content).toBe('Hello! How can I help you today?');
    expect(gemini.requests.length - before).toBe(1);
    expect(gemini.requests.at(-1)!.body).toMatchObject({ contents: [{ role: 'user', parts: [{ text: 'Hi [fixture:text]' }] }] });

    const response = await stack.client.responses.create({
      model: 'flash',
      input: [{ role: 'user', content: [{ type: 'input_text', text: 'Hi [fixture:text]' }, { type: 'input_text', text: '' }] }],
    });
    expect(response.output_text).toBe('Hello! How can I help you today?');
    expect(gemini.requests.at(-1)!.body).toMatchObject({ contents: [{ role: 'user', parts: [{ text: 'Hi [fixture:text]' }] }] });
  });

  it('serves a conversation whose last user message is empty from a model that takes it, instead of a Gemini request ending on the model turn', async () => {
    // Left out, the empty turn would end the contents on the model's turn, which the Gemini API refuses.
    openai.setBehavior(() => ({ kind: 'text', content: 'Anything else?' }));
    const messages = [
      { role: 'user' as const, content: 'Hi' },
      { role: 'assistant' as const, content: 'Hello! How can I help you today?' },
      { role: 'user' as const, content: [{ type: 'text' as const, text: '' }] },
    ];
    const before = gemini.requests.length;
    const { data, response } = await stack.client.chat.completions.create({ model: 'gemini-first', messages }).withResponse();
    expect(data.choices[0].message.content).toBe('Anything else?');
    expect(response.headers.get('x-router-models')).toBe('flash-cheap,gpt');
    expect(gemini.requests.length).toBe(before);
    expect(openai.requests.at(-1)).toMatchObject({ messages });

    // Gemini alone: a 400 naming the message, as a string or as parts.
    for (const last of [{ role: 'user' as const, content: '' }, messages[2]]) {
      const err = await rejection(stack.client.chat.completions.create({ model: 'flash', messages: [...messages.slice(0, 2), last] }));
      expect(err).toBeInstanceOf(OpenAI.BadRequestError);
      expect(err).toMatchObject({ status: 400, type: 'invalid_request_error', code: 'unsupported_value', param: 'messages[2].content' });
    }
    // Through the Responses API, the 400 names the client's input item.
    const input = [
      { role: 'user' as const, content: 'Hi' },
      { role: 'assistant' as const, content: 'Hello! How can I help you today?' },
      { role: 'user' as const, content: [{ type: 'input_text' as const, text: '' }] },
    ];
    const viaResponses = await rejection(stack.client.responses.create({ model: 'flash', input }));
    expect(viaResponses).toMatchObject({ status: 400, code: 'unsupported_value', param: 'input[2].content' });
    expect(gemini.requests.length).toBe(before);
  });

  it("says finish_reason 'stop' when tool_choice names the function, as OpenAI does, whichever provider answers", async () => {
    // OpenAI: 'tool_calls' when the model chose to call (tool_choice auto or required), 'stop' when the
    // request named the function; the Messages API says tool_use and Gemini nothing of the kind.
    openai.setBehavior(() => ({ kind: 'tool_call', name: 'get_weather', arguments: '{"location":"Paris"}' }));
    const tools = [{ type: 'function' as const, function: { name: 'get_weather', parameters: { type: 'object', properties: { location: { type: 'string' } } } } }];
    const messages = [{ role: 'user' as const, content: 'Weather in SF? [fixture:tool-call]' }];
    const named = { type: 'function' as const, function: { name: 'get_weather' } };
    for (const model of ['gpt', 'sonnet', 'flash']) {
      for (const [toolChoice, finish] of [[named, 'stop'], ['required', 'tool_calls'], ['auto', 'tool_calls']] as const) {
        const plain = await stack.client.chat.completions.create({ model, messages, tools, tool_choice: toolChoice });
        expect([model, toolChoice, plain.choices[0].finish_reason]).toEqual([model, toolChoice, finish]);
        expect(plain.choices[0].message.tool_calls?.[0]).toMatchObject({ type: 'function', function: { name: 'get_weather' } });

        const stream = await stack.client.chat.completions.create({ model, messages, tools, tool_choice: toolChoice, stream: true });
        const finishes: string[] = [];
        let called = false;
        for await (const chunk of stream) {
          if (chunk.choices[0]?.finish_reason) finishes.push(chunk.choices[0].finish_reason);
          if (chunk.choices[0]?.delta.tool_calls?.length) called = true;
        }
        expect([model, toolChoice, finishes, called]).toEqual([model, toolChoice, [finish], true]);
      }
    }
  });
});
