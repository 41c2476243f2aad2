import OpenAI from 'openai';
import type { FakeUpstream } from '../fakes/fake-anthropic.server';
import type { FakeGemini } from '../fakes/fake-gemini.server';
import type { FakeOpenAI } from '../fakes/fake-openai.server';
import { startThreeFakes, THREE_FAKES_ENV, type ThreeFakes } from '../support/three-fakes';
import { rejection } from '../support/sdk-rejection';
import { startStack, type Stack } from '../support/stack';

/**
 * What each adapter does with each Chat Completions parameter (docs/providers.md, "Chat Completions
 * parameters by provider"): the cases a third audit with the official openai SDK found answered
 * wrongly (fakes speaking each provider's wire format, refusing what the provider refuses).
 */
describe('the official openai SDK against the gateway: request parameters by provider', () => {
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
  - { id: flash-cheap, catalog: gemini-2.5-flash, input_per_1m: 0.01, output_per_1m: 0.01 }
routes:
  # the bandit tries Gemini first: it is the cheapest
  - { name: gemini-first, candidates: [flash-cheap, gpt], quality_floor: 0 }
  # the same, with arms of their own (what gemini-first learned does not move their first draw)
  - { name: gemini-first-2, candidates: [flash-cheap, gpt], quality_floor: 0 }
  - { name: gemini-first-3, candidates: [flash-cheap, gpt], quality_floor: 0 }
  - { name: gemini-first-4, candidates: [flash-cheap, gpt], quality_floor: 0 }
`;
    stack = await startStack({ yaml, queue: 'in-process', env: THREE_FAKES_ENV });
  });
  afterAll(async () => {
    await stack.close();
    await fakes.close();
  });

  type Sent = { generationConfig?: Record<string, unknown> };
  const sentToGemini = () => gemini.requests.at(-1)!.body as Sent;

  it('serves a request with a penalty from a model that takes it, instead of the 400 Gemini 2.5 and later answer', async () => {
    // The Gemini API has presencePenalty and frequencyPenalty, and its current models refuse both.
    const direct = await fetch(`${gemini.url}/v1beta/models/gemini-2.5-flash:generateContent`, {
      method: 'POST',
      body: JSON.stringify({ contents: [{ role: 'user', parts: [{ text: 'Hi' }] }], generationConfig: { presencePenalty: 0.5 } }),
    });
    expect(direct.status).toBe(400);
    expect(await direct.json()).toMatchObject({ error: { message: 'Penalty is not enabled for models/gemini-2.5-flash', status: 'INVALID_ARGUMENT' } });

    openai.setBehavior(() => ({ kind: 'text', content: 'Served elsewhere.' }));
    const before = gemini.requests.length;
    for (const [model, penalty] of [['gemini-first', { presence_penalty: 0.6 }], ['gemini-first-4', { frequency_penalty: 0.4 }]] as const) {
      const { data, response } = await stack.client.chat.completions.create({ model, messages: [{ role: 'user', content: 'Hi' }], ...penalty }).withResponse();
      expect(data.choices[0].message.content).toBe('Served elsewhere.');
      expect(response.headers.get('x-router-models')).toBe('flash-cheap,gpt');
      expect(openai.requests.at(-1)).toMatchObject(penalty);
    }
    // Gemini alone: a 400 naming the parameter, before any call.
    const err = await rejection(stack.client.chat.completions.create({ model: 'flash', messages: [{ role: 'user', content: 'Hi' }], presence_penalty: 0.6 }));
    expect(err).toBeInstanceOf(OpenAI.BadRequestError);
    expect(err).toMatchObject({ status: 400, type: 'invalid_request_error', code: 'unsupported_parameter', param: 'presence_penalty' });
    expect(gemini.requests.length).toBe(before);

    // A zero penalty is OpenAI's default: nothing to refuse, nothing sent.
    const zero = await stack.client.chat.completions.create({ model: 'flash', messages: [{ role: 'user', content: 'Hi [fixture:text]' }], presence_penalty: 0, frequency_penalty: 0 });
    expect(zero.choices[0].message.content).toBe('Hello! How can I help you today?');
    expect(sentToGemini().generationConfig ?? {}).not.toHaveProperty('presencePenalty');
  });

  const THOUGHT = '**Answering a greeting**\n\nThe user says hello; a short, friendly reply offering help fits.';

  it("maps reasoning_effort to Gemini's thinking and returns its thought summaries as reasoning_content, streamed and not", async () => {
    const messages = [{ role: 'user' as const, content: 'Hi [fixture:thinking-text]' }];
    const plain = await stack.client.chat.completions.create({ model: 'flash', messages, reasoning_effort: 'low' });
    expect(plain.choices[0].message.content).toBe('Hello! How can I help you today?');
    expect((plain.choices[0].message as { reasoning_content?: string }).reasoning_content).toBe(THOUGHT);
    expect(sentToGemini().generationConfig).toEqual({ thinkingConfig: { includeThoughts: true, thinkingBudget: 1024 } });

    const stream = await stack.client.chat.completions.create({ model: 'flash', messages, reasoning_effort: 'high', stream: true });
    let reasoning = '';
    let text = '';
    for await (const chunk of stream) {
      reasoning += (chunk.choices[0]?.delta as { reasoning_content?: string } | undefined)?.reasoning_content ?? '';
      text += chunk.choices[0]?.delta?.content ?? '';
    }
    expect([reasoning, text]).toEqual([THOUGHT, 'Hello! How can I help you today?']);
    expect(sentToGemini().generationConfig).toEqual({ thinkingConfig: { includeThoughts: true, thinkingBudget: 24576 } });

    // Not asked: no thinkingConfig, and Gemini returns no thoughts.
    const unasked = await stack.client.chat.completions.create({ model: 'flash', messages });
    expect(unasked.choices[0].message).not.toHaveProperty('reasoning_content');
    expect(sentToGemini()).not.toHaveProperty('generationConfig');
  });

  it('gives the reasoning summary a Responses request asks for from Gemini, as from Claude, streamed and not', async () => {
    const input = 'Hi [fixture:thinking-text]';
    const plain = await stack.client.responses.create({ model: 'flash', input, reasoning: { summary: 'auto' } });
    expect(plain.output_text).toBe('Hello! How can I help you today?');
    expect(plain.output[0]).toMatchObject({ type: 'reasoning', summary: [{ type: 'summary_text', text: THOUGHT }] });
    expect(sentToGemini().generationConfig).toEqual({ thinkingConfig: { includeThoughts: true } });

    const streamed = await stack.client.responses.stream({ model: 'flash', input, reasoning: { effort: 'medium', summary: 'detailed' } }).finalResponse();
    expect(streamed.output_text).toBe('Hello! How can I help you today?');
    expect(streamed.output[0]).toMatchObject({ type: 'reasoning', summary: [{ type: 'summary_text', text: THOUGHT }] });
    expect(sentToGemini().generationConfig).toEqual({ thinkingConfig: { includeThoughts: true, thinkingBudget: 8192 } });

    // No summary asked: none given, and none asked of Gemini.
    const unasked = await stack.client.responses.create({ model: 'flash', input });
    expect(unasked.output.map((item) => item.type)).toEqual(['message']);
    expect(sentToGemini()).not.toHaveProperty('generationConfig');
  });

  it('serves json_schema beside function tools on Gemini 2.5 through a function named after the schema, streamed and not', async () => {
    // Gemini 2.x refuses function tools with a JSON response, where OpenAI takes both (an agent's tools and
    // its structured final answer: the Agents SDK sends both).
    const direct = await fetch(`${gemini.url}/v1beta/models/gemini-2.5-flash:generateContent`, {
      method: 'POST',
      body: JSON.stringify({
        contents: [{ role: 'user', parts: [{ text: 'Hi' }] }],
        tools: [{ functionDeclarations: [{ name: 'get_time' }] }],
        generationConfig: { responseMimeType: 'application/json' },
      }),
    });
    expect(direct.status).toBe(400);
    expect(await direct.json()).toMatchObject({ error: { message: "Function calling with a response mime type: 'application/json' is unsupported" } });

    const tools = [{ type: 'function' as const, function: { name: 'get_time', parameters: { type: 'object', properties: {} } } }];
    const response_format = {
      type: 'json_schema' as const,
      json_schema: { name: 'answer', strict: true, schema: { type: 'object', properties: { answer: { type: 'string' } }, required: ['answer'], additionalProperties: false } },
    };
    const messages = [{ role: 'user' as const, content: 'What time is it? [fixture:json-answer]' }];
    const answerFunction = {
      name: 'answer',
      description: expect.stringContaining('Give your final answer by calling this function'),
      parameters: { type: 'object', properties: { answer: { type: 'string' } }, required: ['answer'] },
    };
    type SentTools = Sent & { tools?: Array<{ functionDeclarations: unknown[] }>; toolConfig?: unknown; contents?: unknown[] };
    const sent = () => sentToGemini() as SentTools;

    const plain = await stack.client.chat.completions.create({ model: 'flash', messages, tools, response_format });
    expect(plain.choices[0]).toMatchObject({ message: { role: 'assistant', content: '{"answer":"noon"}' }, finish_reason: 'stop' });
    expect(plain.choices[0].message.tool_calls ?? []).toEqual([]);
    expect(sent().tools).toEqual([{ functionDeclarations: [{ name: 'get_time' }, answerFunction] }]);
    expect(sent().toolConfig).toEqual({ functionCallingConfig: { mode: 'ANY' } });
    expect(sent()).not.toHaveProperty('generationConfig');

    const stream = await stack.client.chat.completions.create({ model: 'flash', messages, tools, response_format, stream: true });
    let content = '';
    const toolDeltas: unknown[] = [];
    const finishes: Array<string | null> = [];
    for await (const chunk of stream) {
      content += chunk.choices[0]?.delta?.content ?? '';
      toolDeltas.push(...(chunk.choices[0]?.delta?.tool_calls ?? []));
      if (chunk.choices[0]?.finish_reason) finishes.push(chunk.choices[0].finish_reason);
    }
    expect([content, toolDeltas, finishes]).toEqual(['{"answer":"noon"}', [], ['stop']]);
    expect(gemini.requests.at(-1)!.rpc).toBe('streamGenerateContent');
    expect(sent().toolConfig).toEqual({ functionCallingConfig: { mode: 'ANY' } });

    // A real tool called instead comes back as a tool call, streamed and not.
    const weatherTools = [{ type: 'function' as const, function: { name: 'get_weather', parameters: { type: 'object', properties: { location: { type: 'string' } } } } }];
    const weather = [{ role: 'user' as const, content: 'Weather in SF? [fixture:tool-call]' }];
    const called = await stack.client.chat.completions.create({ model: 'flash', messages: weather, tools: weatherTools, response_format });
    expect(called.choices[0].finish_reason).toBe('tool_calls');
    expect(called.choices[0].message.tool_calls?.map((c) => c.type === 'function' && c.function.name)).toEqual(['get_weather']);
    const calledStream = await stack.client.chat.completions.create({ model: 'flash', messages: weather, tools: weatherTools, response_format, stream: true });
    const names: string[] = [];
    let finish: string | null = null;
    for await (const chunk of calledStream) {
      for (const call of chunk.choices[0]?.delta?.tool_calls ?? []) if (call.function?.name) names.push(call.function.name);
      finish = chunk.choices[0]?.finish_reason ?? finish;
    }
    expect([names, finish]).toEqual([['get_weather'], 'tool_calls']);

    // Next turn, the answer the client got is its content: Gemini sees it as the model's text, not as a call.
    // tool_choice none: the answer's function alone.
    const next = await stack.client.chat.completions.create({
      model: 'flash',
      messages: [...messages, plain.choices[0].message, { role: 'user', content: 'And in an hour? [fixture:json-answer]' }],
      tools,
      tool_choice: 'none',
      response_format,
    });
    expect(next.choices[0]).toMatchObject({ message: { content: '{"answer":"noon"}' }, finish_reason: 'stop' });
    expect(sent().contents).toEqual([
      { role: 'user', parts: [{ text: 'What time is it? [fixture:json-answer]' }] },
      { role: 'model', parts: [{ text: '{"answer":"noon"}' }] },
      { role: 'user', parts: [{ text: 'And in an hour? [fixture:json-answer]' }] },
    ]);
    expect([sent().tools, sent().toolConfig]).toEqual([[{ functionDeclarations: [answerFunction] }], { functionCallingConfig: { mode: 'ANY' } }]);

    // Through the Responses API (text.format), as the Agents SDK asks.
    const viaResponses = await stack.client.responses.create({
      model: 'flash',
      input: 'What time is it? [fixture:json-answer]',
      tools: [{ type: 'function', name: 'get_time', parameters: { type: 'object', properties: {} }, strict: false }],
      text: { format: { type: 'json_schema', ...response_format.json_schema } },
    });
    expect(viaResponses.output_text).toBe('{"answer":"noon"}');
    expect(viaResponses.output.map((item) => item.type)).toEqual(['message']);
  });

  it('sends no JSON format beside a forced tool choice on Gemini 2.5, and serves json_object with tools from a model that takes both', async () => {
    // A forced call is the whole answer: no response format governs it, so none is sent.
    const tools = [{ type: 'function' as const, function: { name: 'get_weather', parameters: { type: 'object', properties: { location: { type: 'string' } } } } }];
    const weather = [{ role: 'user' as const, content: 'Weather in SF? [fixture:tool-call]' }];
    const forced = await stack.client.chat.completions.create({
      model: 'flash',
      messages: weather,
      tools,
      tool_choice: { type: 'function', function: { name: 'get_weather' } },
      response_format: { type: 'json_object' },
    });
    // finish_reason stop: what OpenAI says after a named tool choice (apps/gateway/src/chat/finish-reason-as-openai.ts).
    expect(forced.choices[0]).toMatchObject({ message: { tool_calls: [{ function: { name: 'get_weather' } }] }, finish_reason: 'stop' });
    expect(sentToGemini()).not.toHaveProperty('generationConfig');
    expect((sentToGemini() as { toolConfig?: unknown }).toolConfig).toEqual({ functionCallingConfig: { mode: 'ANY', allowedFunctionNames: ['get_weather'] } });

    // json_object beside tools the model may answer from: Gemini 2.x cannot (a function cannot take any
    // object), so a route serves it from another candidate.
    openai.setBehavior(() => ({ kind: 'text', content: '{"answer":"noon"}' }));
    const getTime = [{ type: 'function' as const, function: { name: 'get_time', parameters: { type: 'object', properties: {} } } }];
    const messages = [{ role: 'user' as const, content: 'What time is it?' }];
    const before = gemini.requests.length;
    for (const [model, stream] of [['gemini-first-2', false], ['gemini-first-3', true]] as const) {
      const { data, response } = await stack.client.chat.completions.create({ model, messages, tools: getTime, response_format: { type: 'json_object' }, stream }).withResponse();
      let content = '';
      if (stream) for await (const chunk of data as AsyncIterable<OpenAI.ChatCompletionChunk>) content += chunk.choices[0]?.delta?.content ?? '';
      else content = (data as OpenAI.ChatCompletion).choices[0].message.content ?? '';
      expect([stream, content]).toEqual([stream, '{"answer":"noon"}']);
      expect(response.headers.get('x-router-models')).toBe('flash-cheap,gpt');
    }
    // Gemini alone: a 400 naming response_format, before any call; through the Responses API, text.format.
    const err = await rejection(stack.client.chat.completions.create({ model: 'flash', messages, tools: getTime, response_format: { type: 'json_object' } }));
    expect(err).toBeInstanceOf(OpenAI.BadRequestError);
    expect(err).toMatchObject({ status: 400, type: 'invalid_request_error', code: 'unsupported_parameter', param: 'response_format' });
    const viaResponses = await rejection(
      stack.client.responses.create({
        model: 'flash',
        input: 'What time is it?',
        tools: [{ type: 'function', name: 'get_time', parameters: { type: 'object', properties: {} }, strict: false }],
        text: { format: { type: 'json_object' } },
      }),
    );
    expect(viaResponses).toMatchObject({ status: 400, code: 'unsupported_parameter', param: 'text.format' });
    expect(gemini.requests.length).toBe(before);
  });

  it('maps, drops or refuses the sampling and tool parameters as the table says, on Claude and on Gemini', async () => {
    const hi = [{ role: 'user' as const, content: 'Hi [fixture:text]' }];
    const sentToClaude = () => anthropic.requests.at(-1)!.body as Record<string, unknown>;

    // Claude: temperature with top_p goes alone; seed has no counterpart; OpenAI's end-user id is metadata.user_id.
    await stack.client.chat.completions.create({ model: 'sonnet', messages: hi, temperature: 0.3, top_p: 0.9, seed: 7, stop: ['END'], user: 'user-1' });
    expect(sentToClaude()).toMatchObject({ temperature: 0.3, stop_sequences: ['END'], metadata: { user_id: 'user-1' } });
    expect(sentToClaude()).not.toHaveProperty('top_p');
    expect(sentToClaude()).not.toHaveProperty('seed');
    // Gemini: each has a counterpart (temperature up to 2, as OpenAI).
    await stack.client.chat.completions.create({ model: 'flash', messages: hi, temperature: 1.5, top_p: 0.9, seed: 7, stop: ['END'], n: 2 });
    expect(sentToGemini().generationConfig).toEqual({ temperature: 1.5, topP: 0.9, seed: 7, stopSequences: ['END'], candidateCount: 2 });

    // parallel_tool_calls: false is Claude's disable_parallel_tool_use; Gemini cannot be held to one call.
    const tools = [{ type: 'function' as const, function: { name: 'get_weather', parameters: { type: 'object', properties: { location: { type: 'string' } } } } }];
    const weather = [{ role: 'user' as const, content: 'Weather in SF? [fixture:tool-call]' }];
    const called = await stack.client.chat.completions.create({ model: 'sonnet', messages: weather, tools, parallel_tool_calls: false });
    expect(called.choices[0].message.tool_calls?.[0]).toMatchObject({ function: { name: 'get_weather' } });
    expect(sentToClaude()).toMatchObject({ tool_choice: { type: 'auto', disable_parallel_tool_use: true } });

    // Refused before any call, each naming its parameter (on a route, another candidate serves them).
    const claudeCalls = anthropic.requests.length;
    const geminiCalls = gemini.requests.length;
    for (const [model, extra, param, code] of [
      ['sonnet', { n: 2 }, 'n', 'unsupported_parameter'],
      ['sonnet', { temperature: 1.5 }, 'temperature', 'unsupported_value'],
      // Claude's thinking takes no temperature but 1 (reasoning_effort alone: claude-reasoning-effort.e2e-spec.ts).
      ['sonnet', { reasoning_effort: 'low', temperature: 0.2 }, 'reasoning_effort', 'unsupported_parameter'],
      ['flash', { tools, parallel_tool_calls: false }, 'parallel_tool_calls', 'unsupported_parameter'],
      ['flash', { logit_bias: { '50256': -100 } }, 'logit_bias', 'unsupported_parameter'],
    ] as const) {
      const err = await rejection(stack.client.chat.completions.create({ model, messages: hi, ...extra } as OpenAI.ChatCompletionCreateParamsNonStreaming));
      expect(err).toBeInstanceOf(OpenAI.BadRequestError);
      expect([model, err]).toMatchObject([model, { status: 400, type: 'invalid_request_error', param, code }]);
    }
    expect([anthropic.requests.length, gemini.requests.length]).toEqual([claudeCalls, geminiCalls]);
  });

  it("names the fields that are not OpenAI's which Claude and Gemini leave out, and passes them to an OpenAI-compatible host", async () => {
    // What the openai SDK sends with extra_body (vLLM's top_k, say).
    const ask = (model: string, stream: boolean) =>
      stack.client.chat.completions
        .create({ model, messages: [{ role: 'user', content: 'Hi [fixture:text]' }], temperature: 0.2, top_k: 5, repetition_penalty: 1.1, stream } as OpenAI.ChatCompletionCreateParams)
        .withResponse();
    for (const model of ['sonnet', 'flash']) {
      for (const stream of [false, true]) {
        const { data, response } = await ask(model, stream);
        if (stream) for await (const _chunk of data as AsyncIterable<unknown>) void _chunk;
        expect([model, stream, response.headers.get('x-router-ignored-params')]).toEqual([model, stream, 'top_k,repetition_penalty']);
      }
    }
    expect(anthropic.requests.at(-1)!.body).not.toHaveProperty('top_k');
    expect(gemini.requests.at(-1)!.body).not.toHaveProperty('top_k');
    expect(JSON.stringify(gemini.requests.at(-1)!.body)).not.toContain('top');

    openai.setBehavior(() => ({ kind: 'text', content: 'Hello!' }));
    const { response } = await ask('gpt', false);
    expect(response.headers.get('x-router-ignored-params')).toBeNull();
    expect(openai.requests.at(-1)).toMatchObject({ top_k: 5, repetition_penalty: 1.1, temperature: 0.2 });
  });
});
