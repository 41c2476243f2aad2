import type { ChatChunk, ChatRequest } from '../../libs/core/src';
import { closeUpstreamAgent, ProviderError, ProviderRegistry, type ChatProvider } from '../../libs/providers/src';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { GEMINI_FIXTURES_DIR, startFakeGemini, type FakeGemini } from '../fakes/fake-gemini.server';

const MODEL = 'gemini-2.5-flash';
const created = expect.any(Number);
const weatherTool: NonNullable<ChatRequest['tools']>[number] = {
  type: 'function',
  function: {
    name: 'get_weather',
    description: 'Weather for a place',
    parameters: { type: 'object', properties: { location: { type: 'string' }, unit: { type: 'string', enum: ['celsius', 'fahrenheit'] } }, required: ['location'], additionalProperties: false },
  },
};
/** Minted from (responseId, candidate, tool index, name, arguments): the same on every replay. */
const WEATHER_CALL_ID = 'call_f765eca91a2d097c072f0825';
const PARIS_CALL_ID = 'call_5c8496fe5836f709540de228';
const ROME_CALL_ID = 'call_a673cde6526b0bd955b5e53b';

let fake: FakeGemini;
let provider: ChatProvider;

beforeAll(async () => {
  fake = await startFakeGemini();
  provider = new ProviderRegistry([{ id: 'gemini', kind: 'gemini', baseUrl: fake.url, apiKey: 'AIza-test' }]).get('gemini');
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
const usage = (prompt: number, completion: number, { cached = 0, reasoning = 0 } = {}) => ({
  prompt_tokens: prompt,
  completion_tokens: completion,
  total_tokens: prompt + completion,
  prompt_tokens_details: { cached_tokens: cached },
  completion_tokens_details: { reasoning_tokens: reasoning },
});
const completion = (id: string, message: object, finish: string, u: object) => ({
  id,
  object: 'chat.completion',
  created,
  model: MODEL,
  choices: [{ index: 0, message: { role: 'assistant', refusal: null, ...message }, finish_reason: finish, logprobs: null }],
  usage: u,
});

describe('Gemini provider against the fake Gemini API', () => {
  describe('text', () => {
    it('completes, counting thoughts as reasoning tokens', async () => {
      expect(await provider.complete({ request: request('text') })).toEqual(
        completion('txtFixture01', { content: 'Hello! How can I help you today?' }, 'stop', usage(8, 30, { reasoning: 21 })),
      );
    });
    it('streams', async () => {
      expect(await collect(provider.stream({ request: request('text') }))).toEqual([
        chunk('txtFixture01', { role: 'assistant', content: '' }),
        chunk('txtFixture01', { content: 'Hello!' }),
        chunk('txtFixture01', { content: ' How can I help' }),
        chunk('txtFixture01', { content: ' you today?' }),
        chunk('txtFixture01', {}, 'stop'),
        usageChunk('txtFixture01', usage(8, 30, { reasoning: 21 })),
      ]);
    });
  });

  describe('a tool call after streamed text', () => {
    const args = '{"location":"San Francisco, CA","unit":"celsius"}';
    it('completes with a minted id and finish_reason tool_calls', async () => {
      expect(await provider.complete({ request: request('tool-call', { tools: [weatherTool] }) })).toEqual(
        completion(
          'toolFixture01',
          { content: "I'll check the weather.", tool_calls: [{ id: WEATHER_CALL_ID, type: 'function', function: { name: 'get_weather', arguments: args } }] },
          'tool_calls',
          usage(60, 25),
        ),
      );
    });
    it('streams the whole call in one delta with the same id', async () => {
      expect(await collect(provider.stream({ request: request('tool-call', { tools: [weatherTool] }) }))).toEqual([
        chunk('toolFixture01', { role: 'assistant', content: '' }),
        chunk('toolFixture01', { content: "I'll check" }),
        chunk('toolFixture01', { content: ' the weather.' }),
        chunk('toolFixture01', { tool_calls: [{ index: 0, id: WEATHER_CALL_ID, type: 'function', function: { name: 'get_weather', arguments: args } }] }),
        chunk('toolFixture01', {}, 'tool_calls'),
        usageChunk('toolFixture01', usage(60, 25)),
      ]);
    });
  });

  describe('two parallel tool calls', () => {
    const id = 'parallelFixture01';
    it('completes', async () => {
      expect(await provider.complete({ request: request('parallel-tools', { tools: [weatherTool] }) })).toEqual(
        completion(
          id,
          {
            content: null,
            tool_calls: [
              { id: PARIS_CALL_ID, type: 'function', function: { name: 'get_weather', arguments: '{"location":"Paris"}' } },
              { id: ROME_CALL_ID, type: 'function', function: { name: 'get_weather', arguments: '{"location":"Rome"}' } },
            ],
          },
          'tool_calls',
          usage(70, 18),
        ),
      );
    });
    it('streams both with their own index', async () => {
      expect(await collect(provider.stream({ request: request('parallel-tools', { tools: [weatherTool] }) }))).toEqual([
        chunk(id, { role: 'assistant', content: '' }),
        chunk(id, { tool_calls: [{ index: 0, id: PARIS_CALL_ID, type: 'function', function: { name: 'get_weather', arguments: '{"location":"Paris"}' } }] }),
        chunk(id, { tool_calls: [{ index: 1, id: ROME_CALL_ID, type: 'function', function: { name: 'get_weather', arguments: '{"location":"Rome"}' } }] }),
        chunk(id, {}, 'tool_calls'),
        usageChunk(id, usage(70, 18)),
      ]);
    });
  });

  describe('usage with cached tokens', () => {
    it('completes', async () => {
      expect(await provider.complete({ request: request('cached-usage') })).toEqual(
        completion('cachedFixture01', { content: 'Cached answer.' }, 'stop', usage(2100, 4, { cached: 2048 })),
      );
    });
    it('streams', async () => {
      expect(await collect(provider.stream({ request: request('cached-usage') }))).toEqual([
        chunk('cachedFixture01', { role: 'assistant', content: '' }),
        chunk('cachedFixture01', { content: 'Cached answer.' }),
        chunk('cachedFixture01', {}, 'stop'),
        usageChunk('cachedFixture01', usage(2100, 4, { cached: 2048 })),
      ]);
    });
  });

  describe('max tokens reached inside a tool call (Gemini drops the partial call)', () => {
    it('completes with finish_reason length', async () => {
      expect(await provider.complete({ request: request('max-tokens-in-tool', { max_tokens: 16, tools: [weatherTool] }) })).toEqual(
        completion('maxFixture01', { content: null }, 'length', usage(300, 16, { reasoning: 16 })),
      );
    });
    it('streams finish_reason length', async () => {
      expect(await collect(provider.stream({ request: request('max-tokens-in-tool', { max_tokens: 16, tools: [weatherTool] }) }))).toEqual([
        chunk('maxFixture01', { role: 'assistant', content: '' }),
        chunk('maxFixture01', {}, 'length'),
        usageChunk('maxFixture01', usage(300, 16, { reasoning: 16 })),
      ]);
    });
  });

  describe('response_format json_schema', () => {
    const format: Partial<ChatRequest> = {
      response_format: {
        type: 'json_schema',
        json_schema: { name: 'city_info', strict: true, schema: { type: 'object', properties: { city: { type: 'string' }, population: { type: 'integer' } }, required: ['city', 'population'], additionalProperties: false } },
      },
    };
    it('completes', async () => {
      expect(await provider.complete({ request: request('json-schema', format) })).toEqual(
        completion('jsonFixture01', { content: '{"city": "Paris", "population": 2102650}' }, 'stop', usage(40, 15)),
      );
      expect(fake.requests[fake.requests.length - 1].body).toMatchObject({
        generationConfig: {
          responseMimeType: 'application/json',
          responseSchema: { type: 'object', properties: { city: { type: 'string' }, population: { type: 'integer' } }, required: ['city', 'population'] },
        },
      });
    });
    it('streams', async () => {
      expect(await collect(provider.stream({ request: request('json-schema', format) }))).toEqual([
        chunk('jsonFixture01', { role: 'assistant', content: '' }),
        chunk('jsonFixture01', { content: '{"city": "Par' }),
        chunk('jsonFixture01', { content: 'is", "population": 2102650}' }),
        chunk('jsonFixture01', {}, 'stop'),
        usageChunk('jsonFixture01', usage(40, 15)),
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
      expect(seen).toEqual([chunk('errFixture01', { role: 'assistant', content: '' }), chunk('errFixture01', { content: 'Partial' })]);
      expect(caught).toBeInstanceOf(ProviderError);
      expect(caught).toMatchObject({ kind: 'server_error', upstreamStatus: 200, midStream: true });
      expect((caught as Error).message).toMatch(/^An internal error has occurred/);
    });

    it.each(['complete', 'stream'] as const)('429 RESOURCE_EXHAUSTED -> rate_limited with the RetryInfo delay (%s)', async (mode) => {
      const call = { request: request('rate-limited') };
      const err = await (mode === 'complete' ? provider.complete(call) : collect(provider.stream(call))).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ProviderError);
      expect(err).toMatchObject({
        kind: 'rate_limited',
        upstreamStatus: 429,
        retryAfterMs: 37000,
        midStream: false,
        message: 'You exceeded your current quota, please check your plan and billing details.',
      });
    });

    it.each(['complete', 'stream'] as const)('503 UNAVAILABLE -> overloaded with retry-after (%s)', async (mode) => {
      const call = { request: request('overloaded') };
      const err = await (mode === 'complete' ? provider.complete(call) : collect(provider.stream(call))).catch((e: unknown) => e);
      expect(err).toMatchObject({ kind: 'overloaded', upstreamStatus: 503, retryAfterMs: 5000, message: 'The model is overloaded. Please try again later.' });
    });

    it('refuses parameters it cannot honour before calling upstream', async () => {
      const before = fake.requests.length;
      await expect(provider.complete({ request: request('text', { logprobs: true }) })).rejects.toMatchObject({ status: 400, param: 'logprobs' });
      await expect(collect(provider.stream({ request: request('text', { tools: [weatherTool], parallel_tool_calls: false }) }))).rejects.toMatchObject({
        status: 400,
        param: 'parallel_tool_calls',
      });
      expect(fake.requests.length).toBe(before);
    });
  });

  describe('the translated upstream request', () => {
    it('streams from :streamGenerateContent?alt=sse with the key header and Gemini-shaped body', async () => {
      await collect(
        provider.stream({
          request: {
            model: MODEL,
            stream: true,
            messages: [
              { role: 'system', content: 'You are terse.' },
              { role: 'user', content: 'Weather in Paris?' },
              { role: 'assistant', content: null, tool_calls: [{ id: 'call_prev', type: 'function', function: { name: 'get_weather', arguments: '{"location":"Paris"}' } }] },
              { role: 'tool', tool_call_id: 'call_prev', content: '{"temperature":18,"sky":"sunny"}' },
              { role: 'user', content: [{ type: 'text', text: 'And here? [fixture:text]' }, { type: 'image_url', image_url: { url: 'data:image/jpeg;base64,/9j/4AAQ' } }] },
            ],
            tools: [weatherTool],
            tool_choice: { type: 'function', function: { name: 'get_weather' } },
            max_completion_tokens: 300,
            temperature: 0.3,
            top_p: 0.9,
            stop: ['###'],
            seed: 42,
          },
        }),
      );
      const last = fake.requests[fake.requests.length - 1];
      expect(last.path).toBe('/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse');
      expect(last.headers['x-goog-api-key']).toBe('AIza-test');
      expect(last.headers.authorization).toBeUndefined();
      expect(last.body).toEqual({
        contents: [
          { role: 'user', parts: [{ text: 'Weather in Paris?' }] },
          // a call this provider never returned: Google's dummy signature
          { role: 'model', parts: [{ functionCall: { name: 'get_weather', args: { location: 'Paris' } }, thoughtSignature: 'skip_thought_signature_validator' }] },
          {
            role: 'user',
            parts: [
              { functionResponse: { name: 'get_weather', response: { temperature: 18, sky: 'sunny' } } },
              { text: 'And here? [fixture:text]' },
              { inlineData: { mimeType: 'image/jpeg', data: '/9j/4AAQ' } },
            ],
          },
        ],
        systemInstruction: { parts: [{ text: 'You are terse.' }] },
        tools: [
          {
            functionDeclarations: [
              {
                name: 'get_weather',
                description: 'Weather for a place',
                parameters: { type: 'object', properties: { location: { type: 'string' }, unit: { type: 'string', enum: ['celsius', 'fahrenheit'] } }, required: ['location'] },
              },
            ],
          },
        ],
        toolConfig: { functionCallingConfig: { mode: 'ANY', allowedFunctionNames: ['get_weather'] } },
        generationConfig: { maxOutputTokens: 300, temperature: 0.3, topP: 0.9, stopSequences: ['###'], seed: 42 },
      });
    });

    it('completes through :generateContent, stripping a models/ prefix', async () => {
      await provider.complete({ request: { ...request('text'), model: 'models/gemini-2.5-flash', n: 2 } });
      const last = fake.requests[fake.requests.length - 1];
      expect(last.path).toBe('/v1beta/models/gemini-2.5-flash:generateContent');
      expect(last.body).toEqual({ contents: [{ role: 'user', parts: [{ text: 'Hello [fixture:text]' }] }], generationConfig: { candidateCount: 2 } });
    });
  });

  describe('thought signatures', () => {
    const G3 = 'gemini-3-flash-preview';
    const issued = (JSON.parse(readFileSync(join(GEMINI_FIXTURES_DIR, 'thinking-tool-call.json'), 'utf8')) as {
      candidates: Array<{ content: { parts: Array<{ thoughtSignature: string }> } }>;
    }).candidates[0].content.parts[0].thoughtSignature;
    async function firstTurnCallId(on: ChatProvider, streamed: boolean): Promise<string> {
      const req = { ...request('thinking-tool-call'), model: G3, tools: [weatherTool] };
      return streamed
        ? (await collect(on.stream({ request: { ...req, stream: true } }))).flatMap((c) => c.choices[0]?.delta.tool_calls ?? [])[0].id!
        : (await on.complete({ request: req })).choices[0].message.tool_calls![0].id;
    }
    const secondTurn = (id: string): ChatRequest => ({
      model: G3,
      tools: [weatherTool],
      messages: [
        { role: 'user', content: 'Weather in SF?' },
        { role: 'assistant', content: null, tool_calls: [{ id, type: 'function', function: { name: 'get_weather', arguments: '{"location":"San Francisco, CA","unit":"celsius"}' } }] },
        { role: 'tool', tool_call_id: id, content: '{"temperature":18}' },
      ],
    });
    const sentSignature = () => (fake.requests.at(-1)!.body as { contents: Array<{ parts: Array<{ thoughtSignature?: string }> }> }).contents[1].parts[0].thoughtSignature;

    it.each([false, true])('hands the signature back with the call it came with (streamed first turn: %s)', async (streamed) => {
      const id = await firstTurnCallId(provider, streamed);
      const answer = await provider.complete({ request: secondTurn(id) });
      expect(answer.choices[0].message.content).toBe('Hello! How can I help you today?');
      expect(sentSignature()).toBe(issued);
    });

    it('after a restart (a new provider without the signature) sends the dummy, and Gemini 3 still answers', async () => {
      const id = await firstTurnCallId(provider, false);
      const restarted = new ProviderRegistry([{ id: 'gemini', kind: 'gemini', baseUrl: fake.url, apiKey: 'AIza-test' }]).get('gemini');
      const answer = await restarted.complete({ request: secondTurn(id) });
      expect(answer.choices[0].message.content).toBe('Hello! How can I help you today?');
      expect(sentSignature()).toBe('skip_thought_signature_validator');
    });
  });
});
