import { zodResponseFormat } from 'openai/helpers/zod';
import { z } from 'zod';
import { startFakeOpenAI, type FakeOpenAI } from '../fakes/fake-openai.server';
import { eventually, routerYaml, startStack, type Stack } from '../support/stack';

describe('the official openai SDK against the gateway', () => {
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

  it('answers a plain completion with exact usage and router headers', async () => {
    upstream.setBehavior(() => ({ kind: 'text', content: 'Bonjour, comment puis-je aider ?' }));
    const { data, response } = await stack.client.chat.completions.create({ model: 'strong', messages: [{ role: 'user', content: 'Salut' }] }).withResponse();
    expect(data.choices[0].message.content).toBe('Bonjour, comment puis-je aider ?');
    expect(data.model).toBe('strong');
    expect(data.usage).toEqual({ prompt_tokens: 12, completion_tokens: 8, total_tokens: 20 });
    expect(response.headers.get('x-request-id')).toBe(data.id);
    expect(response.headers.get('x-router-model')).toBe('strong');
    // 12 input tokens at $5/M + 8 output tokens at $15/M
    expect(Number(response.headers.get('x-router-cost-usd'))).toBeCloseTo((12 * 5 + 8 * 15) / 1e6, 10);
    expect(upstream.requests.at(-1)).toMatchObject({ model: 'strong-upstream', stream: false });
    const record = await eventually(async () => {
      const row = await stack.gateway.runtime.requests.findById(data.id);
      if (!row) throw new Error('not yet recorded');
      return row;
    });
    expect(record).toMatchObject({ route: 'strong', model_id: 'strong', status: 'success', http_status: 200, prompt_tokens: 12, completion_tokens: 8 });
  });

  it('streams chunks as the upstream sends them, with the usage chunk when asked', async () => {
    upstream.setBehavior(() => ({ kind: 'text', content: 'one two three four', chunks: 4, chunkDelayMs: 150 }));
    const stream = await stack.client.chat.completions.create({
      model: 'auto',
      messages: [{ role: 'user', content: 'count' }],
      stream: true,
      stream_options: { include_usage: true },
    });
    let text = '';
    let firstContentAt = 0;
    let usage;
    let lastChunk: { model: string; x_router?: { cost_usd?: number } } | undefined;
    const ids = new Set<string>();
    for await (const chunk of stream) {
      lastChunk = chunk as typeof chunk & { x_router?: { cost_usd?: number } };
      ids.add(chunk.id);
      const piece = chunk.choices[0]?.delta?.content;
      if (piece && !firstContentAt) firstContentAt = Date.now();
      text += piece ?? '';
      if (chunk.usage) usage = chunk.usage;
    }
    expect(text).toBe('one two three four');
    expect(usage).toEqual({ prompt_tokens: 12, completion_tokens: 5, total_tokens: 17 });
    // The cost travels in the usage chunk's extension field, since headers left before it was known.
    const model = lastChunk?.model === 'cheap' ? { in: 0.1, out: 0.4 } : { in: 5, out: 15 };
    expect(lastChunk?.x_router?.cost_usd).toBeCloseTo((12 * model.in + 5 * model.out) / 1e6, 12);
    expect(ids.size).toBe(1);
    // Not buffered: the client saw content before the upstream had written its last chunk.
    const upstreamTimes = upstream.chunkTimes.at(-1)!;
    expect(firstContentAt).toBeLessThan(upstreamTimes[upstreamTimes.length - 1]);
    expect(upstream.requests.at(-1)).toMatchObject({ stream: true, stream_options: { include_usage: true } });
  });

  it('leaves the usage chunk out when the client did not ask for it', async () => {
    upstream.setBehavior(() => ({ kind: 'text', content: 'hi there' }));
    const stream = await stack.client.chat.completions.create({ model: 'cheap', messages: [{ role: 'user', content: 'x' }], stream: true });
    const chunks = [];
    for await (const chunk of stream) chunks.push(chunk);
    expect(chunks.some((c) => c.usage)).toBe(false);
    expect(chunks.at(-1)?.choices[0].finish_reason).toBe('stop');
  });

  it('passes tool calls through, streamed and not', async () => {
    upstream.setBehavior(() => ({ kind: 'tool_call', name: 'get_weather', arguments: '{"city":"Paris","unit":"c"}' }));
    const tools = [{ type: 'function' as const, function: { name: 'get_weather', parameters: { type: 'object', properties: { city: { type: 'string' } } } } }];
    const result = await stack.client.chat.completions.create({ model: 'cheap', messages: [{ role: 'user', content: 'weather?' }], tools });
    expect(result.choices[0].finish_reason).toBe('tool_calls');
    expect(result.choices[0].message.tool_calls).toEqual([{ id: 'call_fake1', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris","unit":"c"}' } }]);
    const stream = await stack.client.chat.completions.create({ model: 'cheap', messages: [{ role: 'user', content: 'weather?' }], tools, stream: true });
    let args = '';
    let name = '';
    for await (const chunk of stream) {
      const call = chunk.choices[0]?.delta?.tool_calls?.[0];
      if (call?.function?.name) name = call.function.name;
      args += call?.function?.arguments ?? '';
    }
    expect(name).toBe('get_weather');
    expect(JSON.parse(args)).toEqual({ city: 'Paris', unit: 'c' });
  });

  it('supports json_schema structured output parsed by the SDK helper', async () => {
    upstream.setBehavior(() => ({ kind: 'text', content: '{"city":"Lyon","population":522000}' }));
    const City = z.object({ city: z.string(), population: z.number() });
    const parsed = await stack.client.chat.completions.parse({
      model: 'auto',
      messages: [{ role: 'user', content: 'A French city' }],
      response_format: zodResponseFormat(City, 'city'),
    });
    expect(parsed.choices[0].message.parsed).toEqual({ city: 'Lyon', population: 522000 });
    expect(upstream.requests.at(-1)).toMatchObject({ response_format: { type: 'json_schema', json_schema: { name: 'city' } } });
  });

  it('lists routes and models', async () => {
    const models = await stack.client.models.list();
    expect(models.data.map((m) => m.id)).toEqual(['auto', 'cheap', 'strong']);
  });

  it('takes feedback on a request and reports per route and model', async () => {
    upstream.setBehavior(() => ({ kind: 'text', content: 'ok' }));
    const done = await stack.client.chat.completions.create({ model: 'auto', messages: [{ role: 'user', content: 'x' }] });
    const accepted = await stack.client.post('/feedback', { body: { request_id: done.id, score: false } });
    expect(accepted).toMatchObject({ request_id: done.id, score: 0, status: 'accepted' });
    const score = await eventually(async () => {
      const s = await stack.gateway.runtime.arms.findScore(done.id);
      if (!s || s.feedback === null) throw new Error('feedback not applied yet');
      return s;
    });
    expect(score).toMatchObject({ validator_reward: 1, feedback: 0, reward: 0.5 });
    await expect(stack.client.post('/feedback', { body: { request_id: 'nope', score: 1 } })).rejects.toMatchObject({ status: 404 });
    await expect(stack.client.post('/feedback', { body: { request_id: done.id, score: 7 } })).rejects.toMatchObject({ status: 400 });

    const report = (await stack.client.get('/router/report')) as {
      scoring: { dead_letter_jobs: number | null };
      routes: Array<{ route: string; decision: { favoured_model: string }; models: Array<{ model: string; requests: number; traffic_share: number; mean_reward: number | null }> }>;
    };
    expect(report.scoring).toEqual({ dead_letter_jobs: 0 });
    const auto = report.routes.find((r) => r.route === 'auto')!;
    expect(auto.models.map((m) => m.model)).toEqual(['cheap', 'strong']);
    expect(auto.models.reduce((n, m) => n + m.requests, 0)).toBe(3);
    expect(auto.models.reduce((n, m) => n + m.traffic_share, 0)).toBeCloseTo(1, 6);
    expect(['cheap', 'strong']).toContain(auto.decision.favoured_model);
  });
});
