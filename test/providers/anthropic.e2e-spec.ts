import type { ChatChunk, ChatRequest } from '../../libs/core/src';
import { closeUpstreamAgent, ProviderError, ProviderRegistry, type ChatProvider } from '../../libs/providers/src';
import { startFakeAnthropic, type FakeUpstream } from '../fakes/fake-anthropic.server';

const MODEL = 'claude-sonnet-4-20250514';
const created = expect.any(Number);
const weatherTool: NonNullable<ChatRequest['tools']>[number] = {
  type: 'function',
  function: { name: 'get_weather', description: 'Weather for a place', parameters: { type: 'object', properties: { location: { type: 'string' } }, required: ['location'] } },
};

let fake: FakeUpstream;
let provider: ChatProvider;

beforeAll(async () => {
  fake = await startFakeAnthropic();
  provider = new ProviderRegistry([{ id: 'claude', kind: 'anthropic', baseUrl: fake.url, apiKey: 'sk-ant-test' }]).get('claude');
});
afterAll(async () => {
  await fake.close();
  await closeUpstreamAgent();
});

function request(fixture: string, extra: Partial<ChatRequest> = {}): ChatRequest {
  return { model: MODEL, messages: [{ role: 'user', content: `Hello [fixture:${fixture}]` }], ...extra } as ChatRequest;
}

async function collect(iterable: AsyncIterable<ChatChunk>): Promise<ChatChunk[]> {
  const out: ChatChunk[] = [];
  for await (const c of iterable) out.push(c);
  return out;
}

const chunk = (id: string, delta: object, finish: string | null = null) => ({
  id,
  object: 'chat.completion.chunk',
  created,
  model: MODEL,
  choices: [{ index: 0, delta, finish_reason: finish, logprobs: null }],
});
const usageChunk = (id: string, usage: object) => ({ id, object: 'chat.completion.chunk', created, model: MODEL, choices: [], usage });
const usage = (prompt: number, completion: number, cached = 0) => ({
  prompt_tokens: prompt,
  completion_tokens: completion,
  total_tokens: prompt + completion,
  prompt_tokens_details: { cached_tokens: cached },
});
const completion = (id: string, message: object, finish: string, u: object) => ({
  id,
  object: 'chat.completion',
  created,
  model: MODEL,
  choices: [{ index: 0, message: { role: 'assistant', refusal: null, ...message }, finish_reason: finish, logprobs: null }],
  usage: u,
});

describe('Anthropic provider against the fake Messages API', () => {
  describe('text', () => {
    it('completes', async () => {
      expect(await provider.complete({ request: request('text') })).toEqual(
        completion('msg_01TextFixture', { content: 'Hello! How can I help you today?' }, 'stop', usage(12, 11)),
      );
    });
    it('streams', async () => {
      expect(await collect(provider.stream({ request: request('text') }))).toEqual([
        chunk('msg_01TextFixture', { role: 'assistant', content: '' }),
        chunk('msg_01TextFixture', { content: 'Hello!' }),
        chunk('msg_01TextFixture', { content: ' How can I help you today?' }),
        chunk('msg_01TextFixture', {}, 'stop'),
        usageChunk('msg_01TextFixture', usage(12, 11)),
      ]);
    });
  });

  describe('a tool call split over many input_json_delta events', () => {
    const id = 'msg_01ToolFixture';
    it('completes', async () => {
      expect(await provider.complete({ request: request('tool-call', { tools: [weatherTool] }) })).toEqual(
        completion(
          id,
          {
            content: "I'll check the weather.",
            tool_calls: [{ id: 'toolu_01WeatherA', type: 'function', function: { name: 'get_weather', arguments: '{"location":"San Francisco, CA","unit":"celsius"}' } }],
          },
          'tool_calls',
          usage(472, 89),
        ),
      );
    });
    it('streams the name first, then every argument fragment', async () => {
      const args = (a: string) => chunk(id, { tool_calls: [{ index: 0, function: { arguments: a } }] });
      expect(await collect(provider.stream({ request: request('tool-call', { tools: [weatherTool] }) }))).toEqual([
        chunk(id, { role: 'assistant', content: '' }),
        chunk(id, { content: "I'll check" }),
        chunk(id, { content: ' the weather.' }),
        chunk(id, { tool_calls: [{ index: 0, id: 'toolu_01WeatherA', type: 'function', function: { name: 'get_weather', arguments: '' } }] }),
        args('{"location'),
        args('": "San'),
        args(' Francisc'),
        args('o, CA"'),
        args(', "unit": '),
        args('"celsius'),
        args('"}'),
        chunk(id, {}, 'tool_calls'),
        usageChunk(id, usage(472, 89)),
      ]);
    });
  });

  describe('two parallel tool calls', () => {
    const id = 'msg_01ParallelFixture';
    it('completes', async () => {
      expect(await provider.complete({ request: request('parallel-tools', { tools: [weatherTool] }) })).toEqual(
        completion(
          id,
          {
            content: null,
            tool_calls: [
              { id: 'toolu_01Paris', type: 'function', function: { name: 'get_weather', arguments: '{"location":"Paris"}' } },
              { id: 'toolu_02Rome', type: 'function', function: { name: 'get_weather', arguments: '{"location":"Rome"}' } },
            ],
          },
          'tool_calls',
          usage(510, 120),
        ),
      );
    });
    it('streams both with their own index', async () => {
      expect(await collect(provider.stream({ request: request('parallel-tools', { tools: [weatherTool] }) }))).toEqual([
        chunk(id, { role: 'assistant', content: '' }),
        chunk(id, { tool_calls: [{ index: 0, id: 'toolu_01Paris', type: 'function', function: { name: 'get_weather', arguments: '' } }] }),
        chunk(id, { tool_calls: [{ index: 0, function: { arguments: '{"location":' } }] }),
        chunk(id, { tool_calls: [{ index: 0, function: { arguments: ' "Paris"}' } }] }),
        chunk(id, { tool_calls: [{ index: 1, id: 'toolu_02Rome', type: 'function', function: { name: 'get_weather', arguments: '' } }] }),
        chunk(id, { tool_calls: [{ index: 1, function: { arguments: '{"locat' } }] }),
        chunk(id, { tool_calls: [{ index: 1, function: { arguments: 'ion": "Rome"}' } }] }),
        chunk(id, {}, 'tool_calls'),
        usageChunk(id, usage(510, 120)),
      ]);
    });
  });

  describe('usage with cached tokens', () => {
    const id = 'msg_01CachedFixture';
    it('completes', async () => {
      expect(await provider.complete({ request: request('cached-usage') })).toEqual(completion(id, { content: 'Cached answer.' }, 'stop', usage(2025, 4, 1800)));
    });
    it('streams', async () => {
      const chunks = await collect(provider.stream({ request: request('cached-usage') }));
      expect(chunks[chunks.length - 1]).toEqual(usageChunk(id, usage(2025, 4, 1800)));
    });
  });

  describe('max_tokens reached inside a tool call', () => {
    const id = 'msg_01MaxTokensFixture';
    it('completes with finish_reason length', async () => {
      expect(await provider.complete({ request: request('max-tokens-in-tool', { max_tokens: 16 }) })).toEqual(
        completion(id, { content: null, tool_calls: [{ id: 'toolu_01Cut', type: 'function', function: { name: 'write_file', arguments: '{"path":"notes.txt"}' } }] }, 'length', usage(300, 16)),
      );
    });
    it('streams the partial arguments then finish_reason length', async () => {
      expect(await collect(provider.stream({ request: request('max-tokens-in-tool', { max_tokens: 16 }) }))).toEqual([
        chunk(id, { role: 'assistant', content: '' }),
        chunk(id, { tool_calls: [{ index: 0, id: 'toolu_01Cut', type: 'function', function: { name: 'write_file', arguments: '' } }] }),
        chunk(id, { tool_calls: [{ index: 0, function: { arguments: '{"path": "notes.txt", ' } }] }),
        chunk(id, { tool_calls: [{ index: 0, function: { arguments: '"content": "Once upon a ti' } }] }),
        chunk(id, {}, 'length'),
        usageChunk(id, usage(300, 16)),
      ]);
    });
  });

  describe('response_format json_schema through the forced tool', () => {
    const id = 'msg_01JsonFixture';
    const format: Partial<ChatRequest> = {
      response_format: { type: 'json_schema', json_schema: { name: 'city_info', schema: { type: 'object', properties: { city: { type: 'string' }, population: { type: 'integer' } } } } },
    };
    it('completes with the JSON as content', async () => {
      expect(await provider.complete({ request: request('json-schema', format) })).toEqual(
        completion(id, { content: '{"city":"Paris","population":2102650}' }, 'stop', usage(380, 30)),
      );
    });
    it('streams the JSON as content', async () => {
      expect(await collect(provider.stream({ request: request('json-schema', format) }))).toEqual([
        chunk(id, { role: 'assistant', content: '' }),
        chunk(id, { content: '{"city": "Par' }),
        chunk(id, { content: 'is", "population": 2102650}' }),
        chunk(id, {}, 'stop'),
        usageChunk(id, usage(380, 30)),
      ]);
    });
  });

  it('releases the upstream when the consumer stops early', async () => {
    for (let i = 0; i < 3; i++) {
      for await (const c of provider.stream({ request: request('text') })) {
        expect(c.object).toBe('chat.completion.chunk');
        break;
      }
    }
    expect((await provider.complete({ request: request('text') })).object).toBe('chat.completion');
  });

  describe('errors', () => {
    it('an error event after HTTP 200 is thrown mid-stream after the content already sent', async () => {
      const seen: ChatChunk[] = [];
      let caught: unknown;
      try {
        for await (const c of provider.stream({ request: request('error-after-200') })) seen.push(c);
      } catch (err) {
        caught = err;
      }
      expect(seen).toEqual([chunk('msg_01ErrorFixture', { role: 'assistant', content: '' }), chunk('msg_01ErrorFixture', { content: 'Partial' })]);
      expect(caught).toBeInstanceOf(ProviderError);
      expect(caught).toMatchObject({ kind: 'overloaded', message: 'Overloaded', upstreamStatus: 200, midStream: true });
    });

    it.each(['complete', 'stream'] as const)('429 with retry-after -> rate_limited (%s)', async (mode) => {
      const call = { request: request('rate-limited') };
      const err = await (mode === 'complete' ? provider.complete(call) : collect(provider.stream(call))).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ProviderError);
      expect(err).toMatchObject({
        kind: 'rate_limited',
        upstreamStatus: 429,
        retryAfterMs: 17000,
        midStream: false,
        message: 'This request would exceed the rate limit for your organization of 50 requests per minute.',
      });
    });

    it.each(['complete', 'stream'] as const)('529 -> overloaded (%s)', async (mode) => {
      const call = { request: request('overloaded') };
      const err = await (mode === 'complete' ? provider.complete(call) : collect(provider.stream(call))).catch((e: unknown) => e);
      expect(err).toMatchObject({ kind: 'overloaded', upstreamStatus: 529, message: 'Overloaded', midStream: false });
      expect((err as ProviderError).retryable).toBe(true);
    });

    it("sends a history with white-space-only assistant text (other providers' models write it before tool calls) and a prefill ending in white space", async () => {
      const history: ChatRequest['messages'] = [
        { role: 'user', content: 'Weather in Paris? [fixture:text]' },
        { role: 'assistant', content: '\n\n', tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'get_weather', arguments: '{"location":"Paris"}' } }] },
        { role: 'tool', tool_call_id: 'call_1', content: 'sunny' },
        { role: 'assistant', content: 'It is ' },
      ];
      const before = fake.requests.length;
      const answer = await provider.complete({ request: { model: MODEL, messages: history, tools: [weatherTool] } as ChatRequest });
      expect(answer.choices[0].finish_reason).toBe('stop');
      const sent = fake.requests[before].body as { messages: Array<{ role: string; content: Array<{ type: string; text?: string }> }> };
      expect(sent.messages[1].content.map((b) => b.type)).toEqual(['tool_use']);
      expect(sent.messages[3].content).toEqual([{ type: 'text', text: 'It is' }]);
    });

    it('refuses parameters it cannot honour before calling upstream', async () => {
      const before = fake.requests.length;
      await expect(provider.complete({ request: request('text', { n: 2 }) })).rejects.toMatchObject({ status: 400, param: 'n' });
      await expect(collect(provider.stream({ request: request('text', { logprobs: true }) }))).rejects.toMatchObject({ status: 400, param: 'logprobs' });
      expect(fake.requests.length).toBe(before);
    });
  });

  describe('the translated upstream request', () => {
    it('sends headers, system, tools and parameters in Anthropic form', async () => {
      await collect(
        provider.stream({
          request: {
            model: MODEL,
            stream: true,
            messages: [
              { role: 'system', content: 'You are terse.' },
              { role: 'user', content: 'Weather in Paris?' },
              { role: 'assistant', content: null, tool_calls: [{ id: 'toolu_x', type: 'function', function: { name: 'get_weather', arguments: '{"location":"Paris"}' } }] },
              { role: 'tool', tool_call_id: 'toolu_x', content: '18C and sunny' },
              { role: 'user', content: [{ type: 'text', text: 'And this? [fixture:text]' }, { type: 'image_url', image_url: { url: 'data:image/jpeg;base64,/9j/4AAQ' } }] },
            ],
            tools: [weatherTool],
            tool_choice: 'required',
            parallel_tool_calls: false,
            max_completion_tokens: 300,
            temperature: 0.3,
            stop: ['###'],
            user: 'end-user-1',
          },
        }),
      );
      const last = fake.requests[fake.requests.length - 1];
      expect(last.path).toBe('/v1/messages');
      expect(last.headers['x-api-key']).toBe('sk-ant-test');
      expect(last.headers['anthropic-version']).toBe('2023-06-01');
      expect(last.headers.authorization).toBeUndefined();
      expect(last.body).toEqual({
        model: MODEL,
        max_tokens: 300,
        system: [{ type: 'text', text: 'You are terse.' }],
        messages: [
          { role: 'user', content: [{ type: 'text', text: 'Weather in Paris?' }] },
          { role: 'assistant', content: [{ type: 'tool_use', id: 'toolu_x', name: 'get_weather', input: { location: 'Paris' } }] },
          {
            role: 'user',
            content: [
              { type: 'tool_result', tool_use_id: 'toolu_x', content: '18C and sunny' },
              { type: 'text', text: 'And this? [fixture:text]' },
              { type: 'image', source: { type: 'base64', media_type: 'image/jpeg', data: '/9j/4AAQ' } },
            ],
          },
        ],
        temperature: 0.3,
        stop_sequences: ['###'],
        metadata: { user_id: 'end-user-1' },
        tools: [{ name: 'get_weather', description: 'Weather for a place', input_schema: { type: 'object', properties: { location: { type: 'string' } }, required: ['location'] } }],
        tool_choice: { type: 'any', disable_parallel_tool_use: true },
        stream: true,
      });
    });

    it('answers a request with both temperature and top_p, sending temperature (current Claude models refuse both)', async () => {
      const answer = await provider.complete({ request: request('text', { temperature: 0.3, top_p: 0.8 }) });
      expect(answer.choices[0].message.content).toEqual(expect.any(String));
      const last = fake.requests[fake.requests.length - 1];
      expect(last.body).toMatchObject({ temperature: 0.3 });
      expect(last.body).not.toHaveProperty('top_p');
    });

    it('sends the json_schema fallback tool, forced', async () => {
      await provider.complete({
        request: request('json-schema', { response_format: { type: 'json_schema', json_schema: { name: 'city_info', description: 'A city', schema: { type: 'object', properties: { city: { type: 'string' } } } } } }),
      });
      const last = fake.requests[fake.requests.length - 1];
      expect(last.body).toEqual({
        model: MODEL,
        max_tokens: 4096,
        messages: [{ role: 'user', content: [{ type: 'text', text: 'Hello [fixture:json-schema]' }] }],
        tools: [{ name: 'city_info', description: 'A city', input_schema: { type: 'object', properties: { city: { type: 'string' } } } }],
        tool_choice: { type: 'tool', name: 'city_info' },
      });
    });
  });
});
