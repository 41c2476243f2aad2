import { ChatCompletionStream } from 'openai/lib/ChatCompletionStream';
import type { ChatCompletion, ChatCompletionCreateParamsNonStreaming, ChatCompletionMessageParam, ChatCompletionTool } from 'openai/resources/chat/completions';
import type { ChatReasoningFields } from '../../libs/core/src';
import { startFakeAnthropic, type FakeUpstream } from '../fakes/fake-anthropic.server';
import { startFakeOpenAI, type FakeOpenAI } from '../fakes/fake-openai.server';
import { rejection } from '../support/sdk-rejection';
import { startStack, type Stack } from '../support/stack';

/**
 * A tool cycle begun on a model without Claude's thinking cannot continue on one whose thinking is
 * always on (Opus 5.5): Anthropic refuses a tool result whose assistant turn does not start with its
 * thinking. The router leaves such models out of that request (and of its fallbacks), though the route
 * prefers them; a turn that carries its thinking can still go there. Through the official openai SDK.
 */
describe('a tool continuation without thinking blocks is routed past always-thinking models', () => {
  let anthropic: FakeUpstream;
  let openai: FakeOpenAI;
  let stack: Stack;

  const tools: ChatCompletionTool[] = [{ type: 'function', function: { name: 'get_weather', parameters: { type: 'object', properties: { location: { type: 'string' } }, required: ['location'] } } }];
  const REPEATS = 12;

  beforeAll(async () => {
    anthropic = await startFakeAnthropic();
    // A tool call for a new question, an answer to a tool result; a failure when the user asks for one.
    openai = await startFakeOpenAI((body) => {
      const messages = body.messages as Array<{ role: string; content: unknown }>;
      if (messages.at(-1)?.role !== 'tool') return { kind: 'tool_call', name: 'get_weather', arguments: '{"location":"SF"}' };
      if (messages.some((m) => m.role === 'user' && String(m.content).includes('[fail]'))) return { kind: 'error', status: 500 };
      return { kind: 'text', content: 'It is 18 degrees.' };
    });
    // The route takes the cheapest model whose sampled quality clears the floor: with a floor of 0 and
    // gpt forty times dearer, Opus 5.5 whenever it is eligible.
    const yaml = `
providers:
  - { id: claude, preset: anthropic, base_url: "${anthropic.url}" }
  - { id: oai, kind: openai-compatible, base_url: "${openai.url}" }
models:
  - { id: opus5, catalog: claude-opus-5-5 }
  - { id: gpt, provider: oai, upstream: gpt-4o-mini, input_per_1m: 160, output_per_1m: 800, context_window: 128000 }
routes:
  - { name: agent, candidates: [opus5, gpt], quality_floor: 0 }
`;
    stack = await startStack({ yaml, queue: 'in-process', env: { ANTHROPIC_API_KEY: 'sk-ant-test' } });
  });
  afterAll(async () => {
    await stack.close();
    await anthropic.close();
    await openai.close();
  });

  async function send(streamed: boolean, body: Omit<ChatCompletionCreateParamsNonStreaming, 'stream'>): Promise<{ completion: ChatCompletion; headers: Headers }> {
    if (!streamed) {
      const { data, response } = await stack.client.chat.completions.create(body).withResponse();
      return { completion: data, headers: response.headers };
    }
    // Streamed: the SDK's own stream helper adds up the chunks.
    const { data, response } = await stack.client.chat.completions.create({ ...body, stream: true }).withResponse();
    return { completion: await ChatCompletionStream.fromReadableStream(data.toReadableStream()).finalChatCompletion(), headers: response.headers };
  }

  /** What an application sends next: its conversation, the assistant message as received, the tool's result. */
  function continueWith(messages: ChatCompletionMessageParam[], answer: ChatCompletion): ChatCompletionMessageParam[] {
    const message = answer.choices[0].message;
    return [...messages, message as ChatCompletionMessageParam, { role: 'tool', tool_call_id: message.tool_calls![0].id, content: '{"temperature":18}' }];
  }

  /** A tool call made by gpt (named directly): its assistant message carries no thinking. */
  async function cycleBegunOnGpt(question: string): Promise<ChatCompletionMessageParam[]> {
    const ask: ChatCompletionMessageParam = { role: 'user', content: question };
    const { completion } = await send(false, { model: 'gpt', messages: [ask], tools });
    expect(completion.choices[0].finish_reason).toBe('tool_calls');
    return continueWith([ask], completion);
  }

  it('routes a plain request to Opus 5.5: the route prefers it', async () => {
    for (let i = 0; i < 3; i++) {
      const { headers } = await send(false, { model: 'agent', messages: [{ role: 'user', content: 'Hello' }] });
      expect(headers.get('x-router-model')).toBe('opus5');
      expect(headers.has('x-router-excluded')).toBe(false);
    }
  });

  describe.each([false, true])('streamed: %s', (streamed) => {
    it('serves every continuation of a cycle begun without thinking from gpt, and says a constraint decided', async () => {
      const messages = await cycleBegunOnGpt('Weather in SF?');
      const claudeCalls = anthropic.requests.length;
      for (let i = 0; i < REPEATS; i++) {
        const { completion, headers } = await send(streamed, { model: 'agent', messages, tools });
        expect(completion.choices[0].message.content).toBe('It is 18 degrees.');
        expect([headers.get('x-router-model'), headers.get('x-router-reason'), headers.get('x-router-models')]).toEqual(['gpt', 'constraint', 'gpt']);
        expect(headers.get('x-router-excluded')).toBe('opus5=missing_thinking_blocks');
      }
      expect(anthropic.requests.length).toBe(claudeCalls);
    });
  });

  describe.each([false, true])('streamed: %s', (streamed) => {
    it('holds a continuation whose tool results are followed by the user\'s text to the same rule (one user turn for Anthropic)', async () => {
      const messages: ChatCompletionMessageParam[] = [...(await cycleBegunOnGpt('Weather in SF?')), { role: 'user', content: 'And in Paris?' }];
      const claudeCalls = anthropic.requests.length;
      for (let i = 0; i < 3; i++) {
        const { headers } = await send(streamed, { model: 'agent', messages, tools });
        expect([headers.get('x-router-model'), headers.get('x-router-reason'), headers.get('x-router-excluded')]).toEqual(['gpt', 'constraint', 'opus5=missing_thinking_blocks']);
      }
      expect(anthropic.requests.length).toBe(claudeCalls);
      const err = await rejection(stack.client.chat.completions.create({ model: 'opus5', messages, tools, stream: streamed }));
      expect([err.status, err.code, err.param]).toEqual([400, 'missing_thinking_blocks', 'messages']);
      expect(err.message).toContain('messages[1] has tool calls without the thinking they were made with');
    });

    it('sends a later turn, after the cycle ended with an answer, to Opus 5.5 again: only the current cycle needs its thinking', async () => {
      const cycle = await cycleBegunOnGpt('Weather in SF?');
      const answered = await send(false, { model: 'gpt', messages: cycle, tools });
      expect(answered.completion.choices[0].message.content).toBe('It is 18 degrees.');
      const messages: ChatCompletionMessageParam[] = [...cycle, answered.completion.choices[0].message as ChatCompletionMessageParam, { role: 'user', content: 'Thanks. And tomorrow?' }];
      const claudeCalls = anthropic.requests.length;
      const { completion, headers } = await send(streamed, { model: 'agent', messages, tools });
      expect(headers.get('x-router-model')).toBe('opus5');
      expect(headers.has('x-router-excluded')).toBe(false);
      expect(completion.choices[0].message.content).toBe('Hello! How can I help you today?');
      expect(anthropic.requests.length).toBe(claudeCalls + 1);
    });
  });

  it('does not fall back to an always-thinking model, even one the request lists', async () => {
    const messages = await cycleBegunOnGpt('Weather in SF? [fail]');
    const claudeCalls = anthropic.requests.length;
    const err = await rejection(stack.client.chat.completions.create({ model: 'agent', messages, tools, x_router: { fallbacks: ['opus5'] } } as ChatCompletionCreateParamsNonStreaming));
    expect(err.status).toBeGreaterThanOrEqual(500);
    expect(anthropic.requests.length).toBe(claudeCalls);
  });

  it('still sends a continuation that carries its thinking to Opus 5.5', async () => {
    const ask: ChatCompletionMessageParam = { role: 'user', content: 'Weather in SF? [fixture:thinking-tool-call]' };
    const first = await send(false, { model: 'agent', messages: [ask], tools });
    expect(first.headers.get('x-router-model')).toBe('opus5');
    expect((first.completion.choices[0].message as ChatReasoningFields).thinking_blocks?.length).toBeGreaterThan(0);
    for (const streamed of [false, true]) {
      const second = await send(streamed, { model: 'agent', messages: continueWith([ask], first.completion), tools });
      expect(second.headers.get('x-router-model')).toBe('opus5');
      expect(second.completion.choices[0].message.content).toBe('Hello! How can I help you today?');
    }
  });

  it('answers a clear 400 naming messages when the only model always thinks, without calling it', async () => {
    const messages = await cycleBegunOnGpt('Weather in SF?');
    const claudeCalls = anthropic.requests.length;
    for (const stream of [false, true]) {
      const err = await rejection(stack.client.chat.completions.create({ model: 'opus5', messages, tools, stream }));
      expect([err.status, err.type, err.code, err.param]).toEqual([400, 'invalid_request_error', 'missing_thinking_blocks', 'messages']);
      expect(err.message).toContain('messages[1] has tool calls without the thinking they were made with (thinking_blocks), and model "opus5" always thinks');
    }
    expect(anthropic.requests.length).toBe(claudeCalls);
  });
});
