import type { ChatCompletion, ChatCompletionCreateParamsNonStreaming, ChatCompletionMessageParam, ChatCompletionTool } from 'openai/resources/chat/completions';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startFakeGemini, GEMINI_FIXTURES_DIR, type FakeGemini } from '../fakes/fake-gemini.server';
import { startFakeOpenAI, type FakeOpenAI } from '../fakes/fake-openai.server';
import { startStack, type Stack } from '../support/stack';

/**
 * Multi-turn tool use on Gemini thinking models through the gateway, with the official openai SDK used
 * as OpenAI documents it (the assistant's tool_calls and a `tool` message sent back; nothing else).
 * Gemini 3 answers 400 when a function call of the current turn comes back without its thoughtSignature
 * (https://ai.google.dev/gemini-api/docs/thought-signatures); the fake Gemini does the same for models
 * named gemini-3*, and refuses signatures it never issued.
 */
describe('Gemini thought signatures through the gateway, with the official openai SDK', () => {
  let openai: FakeOpenAI;
  let gemini: FakeGemini;
  let stack: Stack;

  const tools: ChatCompletionTool[] = [
    {
      type: 'function',
      function: { name: 'get_weather', parameters: { type: 'object', properties: { location: { type: 'string' }, unit: { type: 'string' } }, required: ['location'] } },
    },
  ];
  const fixtureSignature = (fixture: string, position = 0): string => {
    const body = JSON.parse(readFileSync(join(GEMINI_FIXTURES_DIR, `${fixture}.json`), 'utf8')) as {
      candidates: Array<{ content: { parts: Array<{ thoughtSignature?: string }> } }>;
    };
    return body.candidates[0].content.parts[position].thoughtSignature!;
  };

  beforeAll(async () => {
    openai = await startFakeOpenAI(() => ({ kind: 'tool_call', name: 'get_weather', arguments: '{"location":"San Francisco, CA"}' }));
    gemini = await startFakeGemini();
    const yaml = `
providers:
  - { id: oai, kind: openai-compatible, base_url: "${openai.url}" }
  - { id: google, preset: gemini, base_url: "${gemini.url}" }
models:
  - { id: gpt, provider: oai, upstream: gpt-4o-mini, input_per_1m: 0.15, output_per_1m: 0.6, context_window: 128000 }
  - { id: g3, provider: google, upstream: gemini-3-flash-preview, input_per_1m: 0.5, output_per_1m: 3, context_window: 1048576 }
  - { id: g3-pro, provider: google, upstream: gemini-3-pro-preview, input_per_1m: 2, output_per_1m: 12, context_window: 1048576 }
  - { id: flash, catalog: gemini-2.5-flash }
`;
    stack = await startStack({ yaml, queue: 'in-process', env: { GEMINI_API_KEY: 'AIza-test' } });
  });
  afterAll(async () => {
    await stack.close();
    await openai.close();
    await gemini.close();
  });

  async function complete(streamed: boolean, body: Omit<ChatCompletionCreateParamsNonStreaming, 'stream'>): Promise<ChatCompletion> {
    return streamed ? stack.client.chat.completions.stream(body).finalChatCompletion() : stack.client.chat.completions.create(body);
  }

  /** What an application appends after a tool-calling answer: the assistant turn, then one tool result per call. */
  function continueWith(messages: ChatCompletionMessageParam[], answer: ChatCompletion, result: (location: string) => string): ChatCompletionMessageParam[] {
    const message = answer.choices[0].message;
    const calls = (message.tool_calls ?? []).flatMap((call) => (call.type === 'function' ? [call] : []));
    return [
      ...messages,
      { role: 'assistant', content: message.content, tool_calls: calls.map((call) => ({ id: call.id, type: 'function', function: { name: call.function.name, arguments: call.function.arguments } })) },
      ...calls.map((call) => ({ role: 'tool' as const, tool_call_id: call.id, content: result((JSON.parse(call.function.arguments) as { location: string }).location) })),
    ];
  }

  type SentPart = { functionCall?: { name: string; args: unknown }; thoughtSignature?: string; functionResponse?: unknown };
  const sentModelParts = (): SentPart[][] =>
    (gemini.requests.at(-1)!.body as { contents: Array<{ role: string; parts: SentPart[] }> }).contents.filter((c) => c.role === 'model').map((c) => c.parts);

  describe.each([false, true])('streamed: %s', (streamed) => {
    it('continues a tool-use conversation on Gemini 3, sending the signature back on the functionCall part', async () => {
      const messages: ChatCompletionMessageParam[] = [{ role: 'user', content: 'Weather in SF? [fixture:thinking-tool-call]' }];
      const first = await complete(streamed, { model: 'g3', messages, tools });
      expect(first.choices[0].finish_reason).toBe('tool_calls');
      const call = first.choices[0].message.tool_calls![0];
      // an id any OpenAI-compatible upstream accepts later in the conversation (OpenAI: at most 40 characters)
      expect(call.id).toMatch(/^call_[A-Za-z0-9_-]{1,35}$/);

      const second = await complete(streamed, { model: 'g3', messages: continueWith(messages, first, () => '{"temperature":18}'), tools });
      expect(second.choices[0].message.content).toBe('Hello! How can I help you today?');
      expect(sentModelParts()).toEqual([
        [{ functionCall: { name: 'get_weather', args: { location: 'San Francisco, CA', unit: 'celsius' } }, thoughtSignature: fixtureSignature('thinking-tool-call') }],
      ]);
    });

    it('signs only the first of parallel calls, as Gemini did', async () => {
      const messages: ChatCompletionMessageParam[] = [{ role: 'user', content: 'Paris and Rome? [fixture:thinking-parallel-tools]' }];
      const first = await complete(streamed, { model: 'g3', messages, tools });
      expect(first.choices[0].message.tool_calls).toHaveLength(2);
      const second = await complete(streamed, { model: 'g3', messages: continueWith(messages, first, (city) => `{"city":"${city}","temperature":20}`), tools });
      expect(second.choices[0].message.content).toBe('Hello! How can I help you today?');
      expect(sentModelParts()).toEqual([
        [
          { functionCall: { name: 'get_weather', args: { location: 'Paris' } }, thoughtSignature: fixtureSignature('thinking-parallel-tools') },
          { functionCall: { name: 'get_weather', args: { location: 'Rome' } } },
        ],
      ]);
    });

    it('continues on Gemini 3 a conversation whose tool calls came from another provider', async () => {
      const messages: ChatCompletionMessageParam[] = [{ role: 'user', content: 'Weather in SF?' }];
      const first = await complete(streamed, { model: 'gpt', messages, tools });
      expect(first.choices[0].message.tool_calls![0].id).toBe('call_fake1');
      const second = await complete(streamed, { model: 'g3', messages: continueWith(messages, first, () => '{"temperature":18}'), tools });
      expect(second.choices[0].message.content).toBe('Hello! How can I help you today?');
      // Google's documented value for function calls whose signature is unknown
      expect(sentModelParts()).toEqual([[{ functionCall: { name: 'get_weather', args: { location: 'San Francisco, CA' } }, thoughtSignature: 'skip_thought_signature_validator' }]]);
    });

    it('does not hand one Gemini model the signature another one issued', async () => {
      const messages: ChatCompletionMessageParam[] = [{ role: 'user', content: 'Weather in SF? [fixture:thinking-tool-call]' }];
      const first = await complete(streamed, { model: 'g3', messages, tools });
      const second = await complete(streamed, { model: 'g3-pro', messages: continueWith(messages, first, () => '{"temperature":18}'), tools });
      expect(second.choices[0].message.content).toBe('Hello! How can I help you today?');
      expect(sentModelParts()[0][0].thoughtSignature).toBe('skip_thought_signature_validator');
    });

    it('carries Gemini 2.5 signatures too, and a conversation can move on to another provider with the same ids', async () => {
      const messages: ChatCompletionMessageParam[] = [{ role: 'user', content: 'Weather in SF? [fixture:tool-call]' }];
      const first = await complete(streamed, { model: 'flash', messages, tools });
      const history = continueWith(messages, first, () => '{"temperature":18}');
      await complete(streamed, { model: 'flash', messages: history, tools });
      expect(sentModelParts()[0]).toContainEqual({
        functionCall: { name: 'get_weather', args: { location: 'San Francisco, CA', unit: 'celsius' } },
        thoughtSignature: fixtureSignature('tool-call', 1),
      });
      openai.requests.length = 0;
      await complete(streamed, { model: 'gpt', messages: history, tools });
      const sent = openai.requests.at(-1)!.messages as Array<{ role: string; tool_calls?: Array<{ id: string }>; tool_call_id?: string }>;
      const callId = first.choices[0].message.tool_calls![0].id;
      expect(sent.find((m) => m.role === 'assistant')!.tool_calls![0].id).toBe(callId);
      expect(sent.find((m) => m.role === 'tool')!.tool_call_id).toBe(callId);
    });
  });

  it('has a fake Gemini 3 that refuses a function call without its signature, as the real API does', async () => {
    const sent = gemini.requests.length;
    const res = await fetch(`${gemini.url}/v1beta/models/gemini-3-flash-preview:generateContent`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        contents: [
          { role: 'user', parts: [{ text: 'Weather?' }] },
          { role: 'model', parts: [{ functionCall: { name: 'get_weather', args: {} } }] },
          { role: 'user', parts: [{ functionResponse: { name: 'get_weather', response: { t: 1 } } }] },
        ],
      }),
    });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: { message: string } }).error.message).toMatch(/^Function call is missing a thought_signature/);
    expect(gemini.requests.length).toBe(sent + 1);
  });
});
