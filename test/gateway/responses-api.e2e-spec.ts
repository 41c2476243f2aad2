import { zodTextFormat } from 'openai/helpers/zod';
import type { ResponseCreateParamsNonStreaming, ResponseInputItem, ResponseStreamEvent } from 'openai/resources/responses/responses';
import { z } from 'zod';
import { startFakeAnthropic, type FakeUpstream } from '../fakes/fake-anthropic.server';
import { startFakeOpenAI, type FakeOpenAI } from '../fakes/fake-openai.server';
import { rejection } from '../support/sdk-rejection';
import { eventually, routerYaml, startStack, type Stack } from '../support/stack';

/**
 * `POST /v1/responses` with the official openai SDK (`client.responses.create` / `.stream`): the
 * Responses API translated onto the chat pipeline, against a fake OpenAI-compatible upstream that
 * speaks Chat Completions and a fake Anthropic Messages API.
 */
describe('the Responses API through the gateway, with the official openai SDK', () => {
  let upstream: FakeOpenAI;
  let stack: Stack;

  beforeAll(async () => {
    upstream = await startFakeOpenAI();
    stack = await startStack({ yaml: routerYaml(upstream.url), queue: 'in-process' });
  });
  afterAll(async () => {
    await stack.close();
    await upstream.close();
  });

  const recorded = (id: string) =>
    eventually(async () => {
      const row = await stack.gateway.runtime.requests.findById(id);
      if (!row) throw new Error('not yet recorded');
      return row;
    });
  const scored = (id: string) =>
    eventually(async () => {
      const score = await stack.gateway.runtime.arms.findScore(id);
      if (!score) throw new Error('not yet scored');
      return score;
    });

  it('answers a text request as a Responses object, routed, recorded and scored like a chat request', async () => {
    upstream.setBehavior(() => ({ kind: 'text', content: 'Bonjour, comment puis-je aider ?' }));
    const { data, response } = await stack.client.responses
      .create({ model: 'strong', instructions: 'Answer in French.', input: 'Salut', max_output_tokens: 200, temperature: 0.3, metadata: { tier: 'free' } })
      .withResponse();
    expect(data.output_text).toBe('Bonjour, comment puis-je aider ?');
    expect(data).toMatchObject({
      object: 'response',
      status: 'completed',
      model: 'strong',
      error: null,
      incomplete_details: null,
      instructions: 'Answer in French.',
      max_output_tokens: 200,
      temperature: 0.3,
      previous_response_id: null,
      metadata: { tier: 'free' },
      usage: { input_tokens: 12, input_tokens_details: { cached_tokens: 0 }, output_tokens: 8, output_tokens_details: { reasoning_tokens: 0 }, total_tokens: 20 },
    });
    expect(data.id).toMatch(/^resp_[0-9a-f]{24}$/);
    expect(data.output).toEqual([
      { type: 'message', id: expect.stringMatching(/^msg_/), status: 'completed', role: 'assistant', content: [{ type: 'output_text', text: 'Bonjour, comment puis-je aider ?', annotations: [] }] },
    ]);
    expect(response.headers.get('x-request-id')).toBe(data.id);
    expect(response.headers.get('x-router-model')).toBe('strong');
    expect(response.headers.get('x-router-route')).toBe('strong');
    expect(Number(response.headers.get('x-router-cost-usd'))).toBeCloseTo((12 * 5 + 8 * 15) / 1e6, 10);
    // The upstream was asked in Chat Completions: instructions first, as a system message; no store, no metadata.
    const sent = upstream.requests.at(-1)!;
    expect(sent).toMatchObject({
      model: 'strong-upstream',
      messages: [
        { role: 'system', content: 'Answer in French.' },
        { role: 'user', content: 'Salut' },
      ],
      max_completion_tokens: 200,
      temperature: 0.3,
    });
    expect(sent.store).toBeUndefined();
    expect(sent.metadata).toBeUndefined();
    const record = await recorded(data.id);
    expect(record).toMatchObject({ route: 'strong', model_id: 'strong', status: 'success', http_status: 200, streamed: false, prompt_tokens: 12, completion_tokens: 8 });
    // created_at is when the gateway took the request (the upstream's own timestamp is not the response's).
    expect(data.created_at).toBe(Math.floor(new Date(record.created_at).getTime() / 1000));
    expect(await scored(data.id)).toMatchObject({ validator_reward: 1 });
    // The response's id is the request id feedback names.
    expect(await stack.client.post('/feedback', { body: { request_id: data.id, score: false } })).toMatchObject({ request_id: data.id, status: 'accepted' });
    expect(
      await eventually(async () => {
        const score = await stack.gateway.runtime.arms.findScore(data.id);
        if (score?.feedback == null) throw new Error('feedback not applied yet');
        return score;
      }),
    ).toMatchObject({ validator_reward: 1, feedback: 0 });
  });

  it('streams text as Responses events, in order and numbered, through create({ stream: true })', async () => {
    upstream.setBehavior(() => ({ kind: 'text', content: 'one two three four', chunks: 4 }));
    const { data: stream, response } = await stack.client.responses.create({ model: 'cheap', input: [{ role: 'user', content: 'count' }], stream: true }).withResponse();
    const events: ResponseStreamEvent[] = [];
    for await (const event of stream) events.push(event);
    const types = events.map((e) => e.type).filter((type, i, all) => type !== 'response.output_text.delta' || all[i - 1] !== type);
    expect(types).toEqual([
      'response.created',
      'response.in_progress',
      'response.output_item.added',
      'response.content_part.added',
      'response.output_text.delta',
      'response.output_text.done',
      'response.content_part.done',
      'response.output_item.done',
      'response.completed',
    ]);
    expect(events.map((e) => e.sequence_number)).toEqual(events.map((_, i) => i));
    const deltas = events.filter((e): e is Extract<ResponseStreamEvent, { type: 'response.output_text.delta' }> => e.type === 'response.output_text.delta');
    expect(deltas.map((d) => d.delta).join('')).toBe('one two three four');
    expect(deltas.length).toBe(4);
    const added = events.find((e) => e.type === 'response.output_item.added') as Extract<ResponseStreamEvent, { type: 'response.output_item.added' }>;
    expect(deltas.every((d) => d.item_id === added.item.id && d.output_index === 0 && d.content_index === 0)).toBe(true);
    const done = events.find((e) => e.type === 'response.output_text.done') as Extract<ResponseStreamEvent, { type: 'response.output_text.done' }>;
    expect(done.text).toBe('one two three four');
    const completed = events.at(-1) as Extract<ResponseStreamEvent, { type: 'response.completed' }>;
    expect(completed.response).toMatchObject({ id: response.headers.get('x-request-id'), status: 'completed', model: 'cheap', usage: { input_tokens: 12, output_tokens: 5, total_tokens: 17 } });
    expect(response.headers.get('content-type')).toMatch(/^text\/event-stream/);
    expect(response.headers.get('x-router-model')).toBe('cheap');
    expect(response.headers.get('x-router-reason')).toBe('only_candidate');
    expect(completed.response.output).toEqual([{ type: 'message', id: added.item.id, status: 'completed', role: 'assistant', content: [{ type: 'output_text', text: 'one two three four', annotations: [] }] }]);
    // The cost of the whole request travels beside the final response, as on a chat stream's last chunk.
    expect((completed as unknown as { x_router: { cost_usd: number } }).x_router.cost_usd).toBeCloseTo((12 * 0.1 + 5 * 0.4) / 1e6, 12);
    expect(upstream.requests.at(-1)).toMatchObject({ stream: true });
    expect(await recorded(completed.response.id)).toMatchObject({ status: 'success', streamed: true, model_id: 'cheap', completion_tokens: 5 });
  });

  it('works with the SDK stream helper: text deltas as they come, and finalResponse()', async () => {
    upstream.setBehavior(() => ({ kind: 'text', content: 'Paris is the capital.', chunks: 3 }));
    const stream = stack.client.responses.stream({ model: 'auto', input: 'Capital of France?' });
    let snapshot = '';
    stream.on('response.output_text.delta', (event) => (snapshot = event.snapshot));
    const final = await stream.finalResponse();
    expect(final.output_text).toBe('Paris is the capital.');
    expect(snapshot).toBe('Paris is the capital.');
    expect(final.status).toBe('completed');
    expect(['cheap', 'strong']).toContain(final.model);
  });

  it('round-trips a function call: the call as an output item, its output sent back as an input item', async () => {
    upstream.setBehavior((body) => {
      const messages = body.messages as Array<{ role: string }>;
      return messages.at(-1)?.role === 'tool' ? { kind: 'text', content: 'It is 18°C in Paris.' } : { kind: 'tool_call', name: 'get_weather', arguments: '{"city":"Paris"}' };
    });
    const tools = [{ type: 'function' as const, name: 'get_weather', description: 'Weather now', parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] }, strict: false }];
    const input: ResponseInputItem[] = [{ role: 'user', content: [{ type: 'input_text', text: 'Weather in Paris?' }] }];
    const first = await stack.client.responses.create({ model: 'cheap', input, tools, tool_choice: 'required', parallel_tool_calls: false });
    expect(first.output).toEqual([{ type: 'function_call', id: expect.stringMatching(/^fc_/), call_id: 'call_fake1', name: 'get_weather', arguments: '{"city":"Paris"}', status: 'completed' }]);
    expect(first.output_text).toBe('');
    expect(first.tools).toEqual([{ type: 'function', name: 'get_weather', description: 'Weather now', parameters: tools[0].parameters, strict: false }]);
    expect(first.tool_choice).toBe('required');
    expect(upstream.requests.at(-1)).toMatchObject({
      tools: [{ type: 'function', function: { name: 'get_weather', description: 'Weather now', parameters: tools[0].parameters, strict: false } }],
      tool_choice: 'required',
      parallel_tool_calls: false,
    });

    const call = first.output[0];
    if (call.type !== 'function_call') throw new Error('expected a function call');
    const second = await stack.client.responses.create({
      model: 'cheap',
      tools,
      input: [...input, call, { type: 'function_call_output', call_id: call.call_id, output: '{"celsius":18}' }],
    });
    expect(second.output_text).toBe('It is 18°C in Paris.');
    expect(upstream.requests.at(-1)!.messages).toEqual([
      { role: 'user', content: [{ type: 'text', text: 'Weather in Paris?' }] },
      { role: 'assistant', content: null, tool_calls: [{ id: 'call_fake1', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } }] },
      { role: 'tool', tool_call_id: 'call_fake1', content: '{"celsius":18}' },
    ]);
    // Scored as a chat answer is: the call's arguments checked against the tool's parameters.
    expect(await scored(first.id)).toMatchObject({ validator_reward: 1 });
  });

  it('streams a function call as output_item.added, function_call_arguments deltas and done', async () => {
    upstream.setBehavior(() => ({ kind: 'tool_call', name: 'get_weather', arguments: '{"city":"Paris","unit":"c"}' }));
    const tools = [{ type: 'function' as const, name: 'get_weather', parameters: { type: 'object', properties: { city: { type: 'string' } } }, strict: null }];
    const stream = stack.client.responses.stream({ model: 'cheap', input: 'weather?', tools });
    const events: ResponseStreamEvent[] = [];
    stream.on('event', (event) => events.push(event));
    const final = await stream.finalResponse();
    const types = [...new Set(events.map((e) => e.type))];
    expect(types).toEqual([
      'response.created',
      'response.in_progress',
      'response.output_item.added',
      'response.function_call_arguments.delta',
      'response.function_call_arguments.done',
      'response.output_item.done',
      'response.completed',
    ]);
    const args = events.flatMap((e) => (e.type === 'response.function_call_arguments.delta' ? [e.delta] : [])).join('');
    expect(JSON.parse(args)).toEqual({ city: 'Paris', unit: 'c' });
    expect(final.output).toEqual([expect.objectContaining({ type: 'function_call', call_id: 'call_fake1', name: 'get_weather', arguments: '{"city":"Paris","unit":"c"}', status: 'completed' })]);
  });

  it('maps text.format json_schema to response_format, parsed by the SDK helper, and scores the JSON against the schema', async () => {
    upstream.setBehavior(() => ({ kind: 'text', content: '{"city":"Lyon","population":522000}' }));
    const City = z.object({ city: z.string(), population: z.number() });
    const parsed = await stack.client.responses.parse({ model: 'strong', input: 'A French city', text: { format: zodTextFormat(City, 'city') } });
    expect(parsed.output_parsed).toEqual({ city: 'Lyon', population: 522000 });
    expect(parsed.text?.format).toMatchObject({ type: 'json_schema', name: 'city', strict: true });
    expect(upstream.requests.at(-1)).toMatchObject({ response_format: { type: 'json_schema', json_schema: { name: 'city', strict: true, schema: { type: 'object', required: ['city', 'population'] } } } });
    expect(await scored(parsed.id)).toMatchObject({ validator_reward: 1 });

    // An answer that breaks the schema is refused inline and scored as a failure, as a chat answer is.
    upstream.setBehavior(() => ({ kind: 'text', content: '{"city":"Lyon"}' }));
    const broken = await stack.client.responses
      .create({
        model: 'cheap',
        input: 'A French city',
        text: { format: { type: 'json_schema', name: 'city', schema: { type: 'object', properties: { city: { type: 'string' }, population: { type: 'number' } }, required: ['city', 'population'] }, strict: false } },
      })
      .then(
        () => ({ status: 200, requestID: '' }),
        (err: unknown) => err as { status: number; requestID: string },
      );
    expect(broken).toMatchObject({ status: 502, requestID: expect.stringMatching(/^resp_/) });
    expect(await scored(`${broken.requestID}-a1`)).toMatchObject({ model_id: 'cheap', validator_reward: 0 });
  });

  it('says incomplete when the answer hit max_output_tokens', async () => {
    upstream.setBehavior(() => ({ kind: 'text', content: 'A long answer that', finishReason: 'length' }));
    const result = await stack.client.responses.create({ model: 'cheap', input: 'Tell me everything', max_output_tokens: 5 });
    expect(result).toMatchObject({ status: 'incomplete', incomplete_details: { reason: 'max_output_tokens' }, max_output_tokens: 5 });
    expect(result.output[0]).toMatchObject({ type: 'message', status: 'incomplete' });
    expect(upstream.requests.at(-1)).toMatchObject({ max_completion_tokens: 5 });

    const events: string[] = [];
    const stream = await stack.client.responses.create({ model: 'cheap', input: 'Tell me everything', stream: true });
    for await (const event of stream) events.push(event.type);
    expect(events.at(-1)).toBe('response.incomplete');
  });

  it('ends a stream that fails midway with an error event and response.failed, and records the failure', async () => {
    upstream.setBehavior(() => ({ kind: 'cut', content: 'one two three four five six', afterChunks: 2 }));
    const { data: stream, response } = await stack.client.responses.create({ model: 'cheap', input: 'count', stream: true }).withResponse();
    const events: ResponseStreamEvent[] = [];
    for await (const event of stream) events.push(event);
    expect(events.map((e) => e.type).slice(-2)).toEqual(['error', 'response.failed']);
    const failed = events.at(-1) as Extract<ResponseStreamEvent, { type: 'response.failed' }>;
    expect(failed.response.status).toBe('failed');
    expect(failed.response.error).toMatchObject({ code: 'upstream_unreachable' });
    expect(failed.response.output).toEqual([expect.objectContaining({ type: 'message', status: 'incomplete' })]);
    const id = response.headers.get('x-request-id')!;
    expect(await recorded(id)).toMatchObject({ status: 'error', http_status: 200, streamed: true, error_type: 'upstream_unreachable' });
  });

  it('refuses what a stateless gateway cannot do with a 400 naming the param', async () => {
    await expect(stack.client.responses.create({ model: 'cheap', input: 'again', previous_response_id: 'resp_123' })).rejects.toMatchObject({
      status: 400,
      type: 'invalid_request_error',
      param: 'previous_response_id',
      code: 'unsupported_parameter',
    });
    await expect(stack.client.responses.create({ model: 'cheap', input: 'x', conversation: 'conv_1' })).rejects.toMatchObject({ status: 400, param: 'conversation' });
    await expect(stack.client.responses.create({ model: 'cheap', input: 'x', background: true })).rejects.toMatchObject({ status: 400, param: 'background' });
    await expect(stack.client.responses.create({ model: 'cheap', input: 'x', tools: [{ type: 'web_search' }] })).rejects.toMatchObject({ status: 400, param: 'tools[0].type' });
    // store is accepted (and nothing is kept).
    upstream.setBehavior(() => ({ kind: 'text', content: 'ok' }));
    const stored = await stack.client.responses.create({ model: 'cheap', input: 'x', store: true });
    expect(stored.output_text).toBe('ok');
    expect(upstream.requests.at(-1)!.store).toBeUndefined();
  });

  it('answers bad input with a 400 in OpenAI format, never a 500, and records it', async () => {
    const bad = async (body: Record<string, unknown>) => {
      const res = await fetch(`${stack.gateway.url}/v1/responses`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${stack.client.apiKey}` }, body: JSON.stringify(body) });
      return { status: res.status, body: (await res.json()) as { error: { type: string; message: string; param: string | null; code: string | null } }, id: res.headers.get('x-request-id') };
    };
    expect(await bad({ input: 'x' })).toMatchObject({ status: 400, body: { error: { type: 'invalid_request_error', param: 'model', code: 'missing_required_parameter' } } });
    expect(await bad({ model: 'cheap' })).toMatchObject({ status: 400, body: { error: { param: 'input', code: 'missing_required_parameter' } } });
    expect(await bad({ model: 'cheap', input: 42 })).toMatchObject({ status: 400, body: { error: { param: 'input' } } });
    expect(await bad({ model: 'cheap', input: [{ type: 'item_reference', id: 'msg_1' }] })).toMatchObject({ status: 400, body: { error: { param: 'input[0].type' } } });
    expect(await bad({ model: 'cheap', input: [{ role: 'user', content: [{ type: 'input_text' }] }] })).toMatchObject({ status: 400, body: { error: { param: 'input[0].content[0].text', code: 'missing_required_parameter' } } });
    expect(await bad({ model: 'cheap', input: [{ role: 'tool', content: 'x' }] })).toMatchObject({ status: 400, body: { error: { param: 'input[0].role' } } });
    expect(await bad({ model: 'cheap', input: [{ type: 'function_call_output', output: 'x' }] })).toMatchObject({ status: 400, body: { error: { param: 'input[0].call_id' } } });
    expect(await bad({ model: 'cheap', input: 'x', n: 2 })).toMatchObject({ status: 400, body: { error: { param: 'n', code: 'unknown_parameter' } } });
    // A chat parameter sent to the Responses API is its own unknown parameter, named as sent.
    expect(await bad({ model: 'cheap', input: 'x', max_tokens: 5 })).toMatchObject({ status: 400, body: { error: { param: 'max_tokens', code: 'unknown_parameter', message: "Unknown parameter: 'max_tokens'." } } });
    expect(await bad({ model: 'cheap', messages: [] })).toMatchObject({ status: 400, body: { error: { param: 'messages', code: 'unknown_parameter' } } });
    expect(await bad({ model: 'cheap', input: 'x', text: { format: { type: 'json_schema', name: 'a' } } })).toMatchObject({ status: 400, body: { error: { param: 'text.format.schema' } } });
    expect(await bad({ model: 'nope', input: 'x' })).toMatchObject({ status: 404, body: { error: { param: 'model', code: 'model_not_found' } } });
    const notJson = await fetch(`${stack.gateway.url}/v1/responses`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${stack.client.apiKey}` }, body: '{"model":' });
    expect(notJson.status).toBe(400);
    expect(await notJson.json()).toMatchObject({ error: { type: 'invalid_request_error', code: 'invalid_json' } });
    expect(await recorded(notJson.headers.get('x-request-id')!)).toMatchObject({ status: 'error', http_status: 400, error_type: 'invalid_json' });
    const refused = await bad({ model: 'cheap', input: 'x', previous_response_id: 'resp_1' });
    expect(refused.id).toMatch(/^resp_/);
    expect(await recorded(refused.id!)).toMatchObject({ status: 'error', http_status: 400, error_type: 'unsupported_parameter' });
  });

  it('keeps the status and error body the chat route gives for an upstream failure', async () => {
    upstream.setBehavior(() => ({ kind: 'error', status: 400, message: 'The prompt is too spicy.', type: 'invalid_request_error', code: 'spicy_prompt', param: 'messages' }));
    await expect(stack.client.responses.create({ model: 'strong', input: 'x' })).rejects.toMatchObject({ status: 400, code: 'spicy_prompt', message: expect.stringContaining('too spicy') });
    const chat = await stack.client.chat.completions.create({ model: 'strong', messages: [{ role: 'user', content: 'x' }] }).catch((err: unknown) => err);
    expect(chat).toMatchObject({ status: 400, code: 'spicy_prompt' });
  });

  /** The SDK's error for a Responses request, made not streamed and streamed (refused before the stream's headers). */
  const refusedBoth = (body: Omit<ResponseCreateParamsNonStreaming, 'stream'>) =>
    Promise.all([rejection(stack.client.responses.create({ ...body, stream: false })), rejection(stack.client.responses.create({ ...body, stream: true }))]);

  it('names the Responses parameter, not the chat one, in an error about the chat request (validation, an upstream 400), streamed and not', async () => {
    // Chat refuses an empty tool content: its messages[2].content is the client's input[2].output.
    const input: ResponseInputItem[] = [{ role: 'user', content: 'Weather?' }, { type: 'function_call', call_id: 'c1', name: 'get_weather', arguments: '{}' }, { type: 'function_call_output', call_id: 'c1', output: [] }];
    for (const err of await refusedBoth({ model: 'cheap', input })) {
      expect(err).toMatchObject({ status: 400, type: 'invalid_request_error', param: 'input[2].output', message: expect.stringContaining("'input[2].output'") });
      expect(err.message).not.toContain('messages');
    }
    const validation = (await rejection(stack.client.responses.create({ model: 'cheap', input }))).requestID!;
    expect(await recorded(validation)).toMatchObject({ status: 'error', http_status: 400 });

    // An upstream's 400 names its chat request's parameters; the client reads its own.
    upstream.setBehavior(() => ({ kind: 'error', status: 400, message: "Invalid 'messages[1].content': too long for max_tokens.", type: 'invalid_request_error', code: 'too_long', param: 'messages[1].content' }));
    for (const err of await refusedBoth({ model: 'strong', instructions: 'Be brief.', input: [{ role: 'user', content: 'x' }], max_output_tokens: 10 })) {
      expect(err).toMatchObject({ status: 400, code: 'too_long', param: 'input[0].content', error: { message: "Invalid 'input[0].content': too long for max_output_tokens." } });
    }
    // The chat route says what it always said.
    const chat = await rejection(stack.client.chat.completions.create({ model: 'strong', messages: [{ role: 'system', content: 'Be brief.' }, { role: 'user', content: 'x' }] }));
    expect(chat).toMatchObject({ status: 400, param: 'messages[1].content', error: { message: "Invalid 'messages[1].content': too long for max_tokens." } });
  });

  it('answers 404 to retrieving, listing input items of, or deleting a response: none is kept', async () => {
    upstream.setBehavior(() => ({ kind: 'text', content: 'ok' }));
    const made = await stack.client.responses.create({ model: 'cheap', input: 'x' });
    await expect(stack.client.responses.retrieve(made.id)).rejects.toMatchObject({ status: 404, type: 'invalid_request_error', code: 'response_not_found', message: expect.stringContaining('stateless') });
    await expect(stack.client.responses.delete(made.id)).rejects.toMatchObject({ status: 404 });
    await expect(stack.client.responses.inputItems.list(made.id)).rejects.toMatchObject({ status: 404 });
    // Still behind the key check.
    const anonymous = await fetch(`${stack.gateway.url}/v1/responses/${made.id}`);
    expect(anonymous.status).toBe(401);
  });
});

describe('the Responses API served by the native Anthropic adapter', () => {
  let anthropic: FakeUpstream;
  let stack: Stack;

  beforeAll(async () => {
    anthropic = await startFakeAnthropic();
    const yaml = `
providers:
  - { id: claude-api, preset: anthropic, base_url: "${anthropic.url}" }
models:
  - { id: sonnet, catalog: claude-sonnet-4 }
`;
    stack = await startStack({ yaml, queue: 'in-process', env: { ANTHROPIC_API_KEY: 'sk-ant-test' } });
  });
  afterAll(async () => {
    await stack.close();
    await anthropic.close();
  });

  it('translates Responses -> chat -> Messages API and back, not streamed and streamed', async () => {
    const { data, response } = await stack.client.responses.create({ model: 'sonnet', instructions: 'Be kind.', input: 'Hi [fixture:text]', max_output_tokens: 300 }).withResponse();
    expect(data.output_text).toBe('Hello! How can I help you today?');
    expect(data.usage).toMatchObject({ input_tokens: 12, output_tokens: 11, total_tokens: 23 });
    expect(response.headers.get('x-router-provider')).toBe('claude-api');
    const sent = anthropic.requests.at(-1)!.body as { system: unknown; max_tokens: number; messages: Array<{ role: string }> };
    expect(JSON.stringify(sent.system)).toContain('Be kind.');
    expect(sent.max_tokens).toBe(300);
    expect(sent.messages.map((m) => m.role)).toEqual(['user']);

    const final = await stack.client.responses.stream({ model: 'sonnet', input: 'Hi [fixture:text]' }).finalResponse();
    expect(final.output_text).toBe('Hello! How can I help you today?');
    expect(final.usage).toMatchObject({ input_tokens: 12, output_tokens: 11 });
  });

  it('gives an Anthropic tool use as a message item then a function_call item, streamed the same', async () => {
    const tools = [{ type: 'function' as const, name: 'get_weather', parameters: { type: 'object', properties: { location: { type: 'string' }, unit: { type: 'string' } } }, strict: null }];
    const result = await stack.client.responses.create({ model: 'sonnet', input: 'Weather in SF? [fixture:tool-call]', tools });
    expect(result.output.map((item) => item.type)).toEqual(['message', 'function_call']);
    expect(result.output_text).toBe("I'll check the weather.");
    expect(result.output[1]).toMatchObject({ type: 'function_call', call_id: 'toolu_01WeatherA', name: 'get_weather', status: 'completed' });
    const call = result.output[1] as { arguments: string };
    expect(JSON.parse(call.arguments)).toEqual({ location: 'San Francisco, CA', unit: 'celsius' });

    const streamed = await stack.client.responses.stream({ model: 'sonnet', input: 'Weather in SF? [fixture:tool-call]', tools }).finalResponse();
    expect(streamed.output.map((item) => item.type)).toEqual(['message', 'function_call']);
    expect(streamed.output_text).toBe(result.output_text);
    expect(streamed.output[1]).toMatchObject({ call_id: 'toolu_01WeatherA', name: 'get_weather' });
    expect(JSON.parse((streamed.output[1] as { arguments: string }).arguments)).toEqual({ location: 'San Francisco, CA', unit: 'celsius' });
  });

  /** A streamed response's events, through create({ stream: true }). */
  async function streamEvents(body: Omit<ResponseCreateParamsNonStreaming, 'stream'>): Promise<ResponseStreamEvent[]> {
    const events: ResponseStreamEvent[] = [];
    for await (const event of await stack.client.responses.create({ ...body, stream: true })) events.push(event);
    return events;
  }
  const completedOf = (events: ResponseStreamEvent[]) => (events.at(-1) as Extract<ResponseStreamEvent, { type: 'response.completed' }>).response;
  /** The stream's item events in order: type, output index, item type. */
  const itemEvents = (events: ResponseStreamEvent[]) =>
    events.flatMap((e) => (e.type === 'response.output_item.added' || e.type === 'response.output_item.done' ? [[e.type, e.output_index, e.item.type]] : []));
  /** Output items without their ids (which come from each response's own id). */
  const withoutIds = (output: Array<{ id?: string }>) => output.map(({ id: _id, ...item }) => item);

  it('puts the reasoning item first when the thinking was all redacted (no readable text), streamed as not, and the chat stream is as before', async () => {
    const body = { model: 'sonnet', input: 'Think hard [fixture:redacted-thinking]' };
    const plain = await stack.client.responses.create(body);
    expect(plain.output.map((item) => item.type)).toEqual(['reasoning', 'message']);
    expect(plain.output[0]).toMatchObject({ type: 'reasoning', summary: [], encrypted_content: expect.any(String) });
    expect(plain.output_text).toBe('The answer is 42.');

    const events = await streamEvents(body);
    const added = events.flatMap((e) => (e.type === 'response.output_item.added' ? [[e.output_index, e.item.type]] : []));
    expect(added).toEqual([
      [0, 'reasoning'],
      [1, 'message'],
    ]);
    // The reasoning item is added, and done with its encrypted_content, before the message item is added, as OpenAI orders them.
    expect(itemEvents(events)).toEqual([
      ['response.output_item.added', 0, 'reasoning'],
      ['response.output_item.done', 0, 'reasoning'],
      ['response.output_item.added', 1, 'message'],
      ['response.output_item.done', 1, 'message'],
    ]);
    expect(events.find((e) => e.type === 'response.output_item.done' && e.output_index === 0)).toMatchObject({ item: plain.output[0].type === 'reasoning' ? { encrypted_content: plain.output[0].encrypted_content } : {} });
    expect(events.filter((e) => e.type.startsWith('response.reasoning_summary'))).toEqual([]);
    expect(events.map((e) => e.sequence_number)).toEqual(events.map((_, i) => i));
    expect(withoutIds(completedOf(events).output)).toEqual(withoutIds(plain.output));

    // The chat stream of the same answer carries nothing new: its deltas as they always were.
    const res = await fetch(`${stack.gateway.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${stack.client.apiKey}` },
      body: JSON.stringify({ model: 'sonnet', stream: true, messages: [{ role: 'user', content: body.input }] }),
    });
    const deltas = (await res.text())
      .split('\n\n')
      .filter((block) => block.startsWith('data: {'))
      .map((block) => (JSON.parse(block.slice('data: '.length)) as { choices: Array<{ delta: Record<string, unknown> }> }).choices[0]?.delta)
      .filter((delta) => delta !== undefined);
    expect(deltas).toEqual([{ role: 'assistant', content: '' }, { content: 'The answer' }, { content: ' is 42.' }, { thinking_blocks: [{ type: 'redacted_thinking', data: expect.any(String) }] }, {}]);
  });

  it('writes the reasoning summary only when reasoning.summary asks, as OpenAI, streamed as not', async () => {
    const tools = [{ type: 'function' as const, name: 'get_weather', parameters: { type: 'object', properties: { location: { type: 'string' } } }, strict: null }];
    const body = { model: 'sonnet', input: 'Weather in SF? [fixture:thinking-tool-call]', tools };
    const thinking = 'The user asks for the weather in San Francisco. I should call get_weather with the location, in celsius.';
    for (const [reasoning, summary] of [
      [undefined, []],
      [{ summary: null }, []],
      [{ summary: 'auto' as const }, [{ type: 'summary_text', text: thinking }]],
      [{ summary: 'detailed' as const }, [{ type: 'summary_text', text: thinking }]],
    ] as const) {
      const plain = await stack.client.responses.create({ ...body, ...(reasoning ? { reasoning } : {}) });
      expect(plain.output.map((item) => item.type)).toEqual(['reasoning', 'message', 'function_call']);
      expect(plain.output[0]).toMatchObject({ summary, encrypted_content: expect.any(String) });
      expect(plain.reasoning).toMatchObject({ summary: reasoning && 'summary' in reasoning ? reasoning.summary : null });
      const events = await streamEvents({ ...body, ...(reasoning ? { reasoning } : {}) });
      // The reasoning item as the non-streamed one (the fixture's streamed call arguments are spaced otherwise).
      expect(completedOf(events).output.map((item) => item.type)).toEqual(['reasoning', 'message', 'function_call']);
      expect(withoutIds(completedOf(events).output.slice(0, 1))).toEqual(withoutIds(plain.output.slice(0, 1)));
      // The reasoning item closes (its summary, then the item with its encrypted_content) before the message item opens.
      expect(itemEvents(events).slice(0, 3)).toEqual([
        ['response.output_item.added', 0, 'reasoning'],
        ['response.output_item.done', 0, 'reasoning'],
        ['response.output_item.added', 1, 'message'],
      ]);
      const summaryEvents = events.filter((e) => e.type.startsWith('response.reasoning_summary')).map((e) => e.type);
      if (summary.length === 0) expect(summaryEvents).toEqual([]);
      else expect(summaryEvents).toEqual(['response.reasoning_summary_part.added', ...summaryEvents.slice(1, -2), 'response.reasoning_summary_text.done', 'response.reasoning_summary_part.done']);
    }
  });

  it("names the Responses parameter in the adapter's 400s, streamed and not, without calling Anthropic", async () => {
    const calls = anthropic.requests.length;
    const refusedBoth = (body: Omit<ResponseCreateParamsNonStreaming, 'stream'>) =>
      Promise.all([rejection(stack.client.responses.create({ ...body, stream: false })), rejection(stack.client.responses.create({ ...body, stream: true }))]);
    // The image is the second part of the first input item (messages[1].content[1] of the chat request, after the instructions).
    const image: ResponseInputItem[] = [{ role: 'user', content: [{ type: 'input_text', text: 'What is this?' }, { type: 'input_image', image_url: 'ftp://example.com/cat.png', detail: 'auto' }] }];
    for (const err of await refusedBoth({ model: 'sonnet', instructions: 'Be brief.', input: image })) {
      expect(err).toMatchObject({ status: 400, param: 'input[0].content[1]', message: expect.stringContaining('http(s) URLs') });
    }
    const tools = [{ type: 'function' as const, name: 'city', parameters: { type: 'object', properties: {} }, strict: null }];
    const format = { type: 'json_schema' as const, name: 'city', schema: { type: 'object', properties: { name: { type: 'string' } } } };
    for (const err of await refusedBoth({ model: 'sonnet', input: 'A city', tools, text: { format } })) {
      expect(err).toMatchObject({ status: 400, param: 'text.format', error: { message: 'text.format.name "city" collides with a tool of the same name.' } });
    }
    // Claude's thinking takes no temperature but 1: the effort that would turn it on is refused.
    for (const err of await refusedBoth({ model: 'sonnet', input: 'x', reasoning: { effort: 'low' }, temperature: 0.2 })) {
      expect(err).toMatchObject({
        status: 400,
        param: 'reasoning.effort',
        code: 'unsupported_parameter',
        error: { message: "reasoning.effort (Claude's thinking) cannot be combined with a temperature other than 1 on this Anthropic model." },
      });
    }
    // The adapter refuses before any call; a Responses client sent no chat request to name.
    expect(anthropic.requests.length).toBe(calls);
  });
});
