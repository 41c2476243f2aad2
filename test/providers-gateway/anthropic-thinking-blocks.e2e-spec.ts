import type { ChatCompletion, ChatCompletionCreateParamsNonStreaming, ChatCompletionMessageParam, ChatCompletionTool } from 'openai/resources/chat/completions';
import type { Response, ResponseCreateParamsNonStreaming, ResponseInputItem } from 'openai/resources/responses/responses';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ChatReasoningFields, ChatThinkingBlock } from '../../libs/core/src';
import { ANTHROPIC_FIXTURES_DIR, startFakeAnthropic, type FakeUpstream } from '../fakes/fake-anthropic.server';
import { startFakeOpenAI, type FakeOpenAI } from '../fakes/fake-openai.server';
import { rejection } from '../support/sdk-rejection';
import { startStack, type Stack } from '../support/stack';

/**
 * Tool use on an always-thinking Claude model (Opus 5.5) through the gateway, with the official openai
 * SDK used as an application does: the assistant message appended to the conversation as received,
 * then the tool's result. Anthropic answers 400 when that assistant turn comes back without its
 * thinking blocks, or with a block it did not issue
 * (https://platform.claude.com/docs/build-with-claude/thinking-tool-workflows); the fake does the same.
 */
describe('Anthropic thinking blocks through the gateway, with the official openai SDK', () => {
  let anthropic: FakeUpstream;
  let openai: FakeOpenAI;
  let stack: Stack;

  const tools: ChatCompletionTool[] = [
    { type: 'function', function: { name: 'get_weather', parameters: { type: 'object', properties: { location: { type: 'string' }, unit: { type: 'string' } }, required: ['location'] } } },
  ];
  const ask: ChatCompletionMessageParam = { role: 'user', content: 'Weather in SF? [fixture:thinking-tool-call]' };
  const fixture = JSON.parse(readFileSync(join(ANTHROPIC_FIXTURES_DIR, 'thinking-tool-call.json'), 'utf8')) as { content: Array<{ type: string; thinking?: string }> };
  // Opus 5.5 returns its thinking blocks empty unless asked for a summary (`thinking.display`, which the
  // gateway sends for a Responses request's reasoning.summary only): the blocks as a chat answer has them.
  const summarizedBlocks = fixture.content.filter((b) => b.type === 'thinking' || b.type === 'redacted_thinking') as ChatThinkingBlock[];
  const issuedBlocks = summarizedBlocks.map((b) => (b.type === 'thinking' ? { ...b, thinking: '' } : b));
  const summaryText = fixture.content.find((b) => b.type === 'thinking')!.thinking!;

  beforeAll(async () => {
    anthropic = await startFakeAnthropic();
    // deep-upstream shows some reasoning, then stalls before its answer (a mid-stream failure).
    openai = await startFakeOpenAI((body) =>
      body.model === 'deep-upstream' ? { kind: 'stall', content: '', afterChunks: 0, reasoning: ['Which city?'] } : { kind: 'text', content: 'It is 18 degrees.' },
    );
    const yaml = `
providers:
  - { id: claude, preset: anthropic, base_url: "${anthropic.url}" }
  - { id: oai, kind: openai-compatible, base_url: "${openai.url}" }
models:
  - { id: opus5, catalog: claude-opus-5-5 }
  - { id: haiku45, catalog: claude-haiku-4-5 }
  - { id: gpt, provider: oai, upstream: gpt-4o-mini, input_per_1m: 0.15, output_per_1m: 0.6, context_window: 128000 }
  - { id: deep, provider: oai, upstream: deep-upstream, input_per_1m: 0.15, output_per_1m: 0.6, context_window: 128000 }
routes:
  - { name: deep-then-opus, candidates: [deep], failover: { fallbacks: [opus5], retries: 0, timeouts: { idle_ms: 300, ttft_ms: 60000 } } }
`;
    stack = await startStack({ yaml, queue: 'in-process', env: { ANTHROPIC_API_KEY: 'sk-ant-test' } });
  });
  afterAll(async () => {
    await stack.close();
    await anthropic.close();
    await openai.close();
  });

  /** Streamed through the SDK's own helper, which accumulates the deltas into the final message. */
  async function complete(streamed: boolean, body: Omit<ChatCompletionCreateParamsNonStreaming, 'stream'>): Promise<ChatCompletion> {
    return streamed ? stack.client.chat.completions.stream(body).finalChatCompletion() : stack.client.chat.completions.create(body);
  }

  /** What an application appends after a tool call: the assistant message as received, then the tool's result. */
  function continueWith(messages: ChatCompletionMessageParam[], answer: ChatCompletion, assistant = answer.choices[0].message as ChatCompletionMessageParam): ChatCompletionMessageParam[] {
    const call = answer.choices[0].message.tool_calls![0];
    return [...messages, assistant, { role: 'tool', tool_call_id: call.id, content: '{"temperature":18}' }];
  }

  const sentAssistantTurn = () => (anthropic.requests.at(-1)!.body as { messages: Array<{ role: string; content: Array<{ type: string }> }> }).messages[1];

  describe.each([false, true])('streamed: %s', (streamed) => {
    it('returns the thinking blocks on the assistant message, and a tool round trip that echoes the message succeeds', async () => {
      const first = await complete(streamed, { model: 'opus5', messages: [ask], tools });
      expect(first.choices[0].finish_reason).toBe('tool_calls');
      const message = first.choices[0].message as typeof first.choices[0]['message'] & ChatReasoningFields;
      expect(message.thinking_blocks).toEqual(issuedBlocks);
      // Streamed, the SDK's helper keeps only the last reasoning_content fragment: it is for display.
      if (!streamed) expect(message.reasoning_content ?? '').toBe('');

      const second = await complete(streamed, { model: 'opus5', messages: continueWith([ask], first), tools });
      expect(second.choices[0].message.content).toBe('Hello! How can I help you today?');
      expect(sentAssistantTurn().content).toEqual([
        ...issuedBlocks,
        { type: 'text', text: "I'll check the weather." },
        { type: 'tool_use', id: 'toolu_01ThinkWeather', name: 'get_weather', input: { location: 'San Francisco, CA', unit: 'celsius' } },
      ]);
    });

    it('answers a round trip that drops the thinking blocks with a clear OpenAI-format 400, without calling Anthropic (which would refuse it)', async () => {
      const first = await complete(streamed, { model: 'opus5', messages: [ask], tools });
      const { content, tool_calls } = first.choices[0].message;
      const dropped = continueWith([ask], first, { role: 'assistant', content, tool_calls });
      const calls = anthropic.requests.length;
      const err = await rejection(complete(streamed, { model: 'opus5', messages: dropped, tools }));
      expect([err.status, err.type, err.code, err.param]).toEqual([400, 'invalid_request_error', 'missing_thinking_blocks', 'messages']);
      expect(err.message).toContain('messages[1] has tool calls without the thinking they were made with (thinking_blocks), and model "opus5" always thinks');
      expect(anthropic.requests.length).toBe(calls);
    });

    it('answers a round trip whose thinking was altered with a clear OpenAI-format 400', async () => {
      const first = await complete(streamed, { model: 'opus5', messages: [ask], tools });
      const altered = { ...first.choices[0].message, thinking_blocks: issuedBlocks.map((b) => (b.type === 'thinking' ? { ...b, thinking: `${b.thinking} (edited)` } : b)) };
      const err = await rejection(complete(streamed, { model: 'opus5', messages: continueWith([ask], first, altered as ChatCompletionMessageParam), tools }));
      expect(err.status).toBe(400);
      expect(err.message).toContain('Invalid `signature` in `thinking` block');
    });

    it('sends none of the thinking to a Claude model whose thinking is off that continues the conversation (it would refuse it)', async () => {
      const first = await complete(streamed, { model: 'opus5', messages: [ask], tools });
      const second = await complete(streamed, { model: 'haiku45', messages: continueWith([ask], first), tools });
      expect(second.choices[0].message.content).toBe('Hello! How can I help you today?');
      expect((anthropic.requests.at(-1)!.body as { model: string }).model).toBe('claude-haiku-4-5-20251001');
      expect(sentAssistantTurn().content.map((b) => b.type)).toEqual(['text', 'tool_use']);
    });

    it('sends none of the thinking to an OpenAI-compatible model that continues the conversation', async () => {
      const first = await complete(streamed, { model: 'opus5', messages: [ask], tools });
      const second = await complete(streamed, { model: 'gpt', messages: continueWith([ask], first), tools });
      expect(second.choices[0].message.content).toBe('It is 18 degrees.');
      const assistant = (openai.requests.at(-1)!.messages as Array<Record<string, unknown>>)[1];
      expect(assistant).toMatchObject({ role: 'assistant', tool_calls: [{ id: 'toolu_01ThinkWeather' }] });
      expect(Object.keys(assistant)).not.toEqual(expect.arrayContaining(['thinking_blocks']));
      expect(assistant.reasoning_content).toBeUndefined();
    });
  });

  it('after a failover that restarts the answer (the first model had sent only reasoning), the answering model\'s thinking blocks reach the client and continue the tool cycle', async () => {
    const stream = stack.client.chat.completions.stream({ model: 'deep-then-opus', messages: [ask], tools });
    let shown = '';
    stream.on('chunk', (chunk) => (shown += (chunk.choices[0]?.delta as ChatReasoningFields | undefined)?.reasoning_content ?? ''));
    const first = await stream.finalChatCompletion();
    expect(first.choices[0].finish_reason).toBe('tool_calls');
    expect((first.choices[0].message as ChatReasoningFields).thinking_blocks).toEqual(issuedBlocks);
    // What the client was shown: the first model's reasoning, then Claude's.
    expect(shown).toBe('Which city?');
    // Claude answered the client's own request, not a continuation of an empty answer.
    expect((anthropic.requests.at(-1)!.body as { messages: unknown[] }).messages).toHaveLength(1);
    const second = await complete(true, { model: 'opus5', messages: continueWith([ask], first), tools });
    expect(second.choices[0].message.content).toBe('Hello! How can I help you today?');
  });

  it('streams reasoning_content as it comes and the whole blocks once, so a client adding up deltas gets them too', async () => {
    const stream = await stack.client.chat.completions.create({ model: 'opus5', messages: [ask], tools, stream: true });
    let reasoning = '';
    const blocks: ChatThinkingBlock[] = [];
    const kinds: string[] = [];
    for await (const chunk of stream) {
      const delta = (chunk.choices[0]?.delta ?? {}) as ChatReasoningFields;
      reasoning += delta.reasoning_content ?? '';
      blocks.push(...(delta.thinking_blocks ?? []));
      kinds.push(chunk.choices[0]?.finish_reason ? 'finish' : delta.thinking_blocks ? 'blocks' : 'other');
    }
    expect(reasoning).toBe('');
    expect(blocks).toEqual(issuedBlocks);
    // Once, whole, just before the finish chunk, however early the Responses stream gets them.
    expect(kinds.slice(kinds.indexOf('blocks'))).toEqual(['blocks', 'finish']);
  });

  describe.each([false, true])('Responses API, streamed: %s', (streamed) => {
    const responseTools = [{ type: 'function' as const, name: 'get_weather', parameters: { type: 'object', properties: { location: { type: 'string' } } }, strict: false }];
    const question = { role: 'user' as const, content: 'Weather in SF? [fixture:thinking-tool-call]' };

    /** Streamed through the SDK's own helper, which accumulates the events into the final response. */
    async function respond(body: Omit<ResponseCreateParamsNonStreaming, 'stream'>): Promise<Response> {
      return streamed ? stack.client.responses.stream(body).finalResponse() : stack.client.responses.create(body);
    }

    /** What a stateless client sends next (store: false): the input so far, the output as received, the tool's result. */
    function continueWith(answer: Response, output: ResponseInputItem[] = answer.output as ResponseInputItem[]): ResponseInputItem[] {
      const call = answer.output.find((item) => item.type === 'function_call');
      if (call?.type !== 'function_call') throw new Error('expected a function call');
      return [question, ...output, { type: 'function_call_output', call_id: call.call_id, output: '{"temperature":18}' }];
    }

    it('returns the thinking as a reasoning item with encrypted_content, and a tool round trip that echoes the output succeeds', async () => {
      const first = await respond({ model: 'opus5', input: [question], tools: responseTools, store: false, include: ['reasoning.encrypted_content'], reasoning: { summary: 'auto' } });
      expect(first.output.map((item) => item.type)).toEqual(['reasoning', 'message', 'function_call']);
      expect(first.output_text).toBe("I'll check the weather.");
      const reasoning = first.output[0];
      if (reasoning.type !== 'reasoning') throw new Error('expected a reasoning item');
      expect(reasoning.id).toMatch(/^rs_/);
      expect(reasoning.summary).toEqual([{ type: 'summary_text', text: summaryText }]);
      expect(anthropic.requests.at(-1)!.body).toMatchObject({ thinking: { type: 'adaptive', display: 'summarized' } });
      expect(reasoning.encrypted_content).toEqual(expect.any(String));
      expect(first.reasoning).toMatchObject({ summary: 'auto' });

      const second = await respond({ model: 'opus5', input: continueWith(first), tools: responseTools, store: false, include: ['reasoning.encrypted_content'] });
      expect(second.output_text).toBe('Hello! How can I help you today?');
      expect(sentAssistantTurn().content).toEqual([
        ...summarizedBlocks,
        { type: 'text', text: "I'll check the weather." },
        { type: 'tool_use', id: 'toolu_01ThinkWeather', name: 'get_weather', input: { location: 'San Francisco, CA', unit: 'celsius' } },
      ]);
    });

    it('writes encrypted_content without include asking for it: a client that does not ask can continue the cycle too', async () => {
      const first = await respond({ model: 'opus5', input: [question], tools: responseTools });
      expect(first.output[0]).toMatchObject({ type: 'reasoning', encrypted_content: expect.any(String) });
      // No summary without reasoning.summary, as OpenAI answers.
      expect(first.output[0]).toMatchObject({ summary: [] });
      expect(first.reasoning).toMatchObject({ summary: null });
      const second = await respond({ model: 'opus5', input: continueWith(first), tools: responseTools });
      expect(second.output_text).toBe('Hello! How can I help you today?');
    });

    it('answers a round trip that drops the reasoning item with the clear 400, without calling Anthropic', async () => {
      const first = await respond({ model: 'opus5', input: [question], tools: responseTools, store: false });
      const calls = anthropic.requests.length;
      const err = await rejection(respond({ model: 'opus5', tools: responseTools, input: continueWith(first, first.output.filter((item) => item.type !== 'reasoning') as ResponseInputItem[]) }));
      expect([err.status, err.code]).toEqual([400, 'missing_thinking_blocks']);
      expect(err.message).toContain('and model "opus5" always thinks: Anthropic refuses a tool result whose assistant turn does not start with its thinking');
      // Named as the client sent it: the turn's first item (its message item), not the chat request's messages[1].
      expect(err.param).toBe('input[1]');
      expect(err.message).toMatch(/^400 input\[1\] begins a turn with function calls but comes without the reasoning item they were made with/);
      expect(err.message).toContain("Send the response's output items back as you received them, reasoning items included");
      expect(err.message).not.toMatch(/messages|thinking_blocks/);
      expect(anthropic.requests.length).toBe(calls);
    });

    it('answers a reasoning item whose encrypted_content was altered with a 400 naming it', async () => {
      const first = await respond({ model: 'opus5', input: [question], tools: responseTools });
      const output = first.output.map((item) => (item.type === 'reasoning' ? { ...item, encrypted_content: `${item.encrypted_content!.slice(0, -10)}x` } : item)) as ResponseInputItem[];
      const err = await rejection(respond({ model: 'opus5', tools: responseTools, input: continueWith(first, output) }));
      expect([err.status, err.param]).toEqual([400, 'input[1].encrypted_content']);
    });
  });

  it('streams no Responses reasoning summary events unless reasoning.summary asks', async () => {
    const typesOf = async (body: Omit<ResponseCreateParamsNonStreaming, 'stream'>) => {
      const types: string[] = [];
      for await (const event of await stack.client.responses.create({ ...body, stream: true })) types.push(event.type);
      return types;
    };
    const body = {
      model: 'opus5',
      input: [{ role: 'user' as const, content: 'Weather in SF? [fixture:thinking-tool-call]' }],
      tools: [{ type: 'function' as const, name: 'get_weather', parameters: { type: 'object', properties: { location: { type: 'string' } } }, strict: false }],
    };
    const plain = await typesOf(body);
    expect(plain.filter((t) => t.startsWith('response.reasoning_summary'))).toEqual([]);
    expect(plain.indexOf('response.output_item.added')).toBeLessThan(plain.indexOf('response.content_part.added'));
    const summarized = await typesOf({ ...body, reasoning: { summary: 'detailed' } });
    expect(summarized.filter((t) => t.startsWith('response.reasoning_summary'))).toEqual([
      'response.reasoning_summary_part.added',
      ...summarized.filter((t) => t === 'response.reasoning_summary_text.delta'),
      'response.reasoning_summary_text.done',
      'response.reasoning_summary_part.done',
    ]);
    expect(summarized.filter((t) => t === 'response.reasoning_summary_text.delta').length).toBeGreaterThan(0);
  });

  /**
   * Asks the fake directly for a tool result answering `assistant` (its blocks, then a tool call): its
   * error message, if it refuses. `userText` follows the tool result in its user turn; `later` are
   * messages after that turn. The blocks' prefix is, unless `first` replaces its message, the one the
   * gateway's last request to the fake sent (where the fake issued them): its tools and first message.
   */
  async function fakeRefusal(model: string, assistant: ChatThinkingBlock[], userText?: string, later: unknown[] = [], first?: unknown): Promise<string | undefined> {
    const issuedAfter = [...anthropic.requests].reverse().find((r) => r.headers['x-api-key'] !== undefined)!.body as { tools: unknown; messages: unknown[] };
    const res = await fetch(`${anthropic.url}/v1/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        model,
        max_tokens: 100,
        tools: issuedAfter.tools,
        messages: [
          first ?? issuedAfter.messages[0],
          { role: 'assistant', content: [...assistant, { type: 'tool_use', id: 'toolu_1', name: 'get_weather', input: {} }] },
          { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_1', content: '18C' }, ...(userText ? [{ type: 'text', text: userText }] : [])] },
          ...later,
        ],
      }),
    });
    return res.status === 400 ? ((await res.json()) as { error: { message: string } }).error.message : undefined;
  }

  it('has a fake Anthropic that refuses thinking in a tool-result turn when thinking is off, and its absence when always on, as the real API does', async () => {
    await complete(false, { model: 'opus5', messages: [ask], tools }); // the fake has issued the fixture's blocks
    expect(await fakeRefusal('claude-haiku-4-5-20251001', issuedBlocks)).toContain('When thinking is disabled, an `assistant` message in the final position cannot contain `thinking`');
    // What the gateway's missing_thinking_blocks stands for.
    expect(await fakeRefusal('claude-opus-5-5', [])).toContain('a final `assistant` message must start with a thinking block');
    expect(await fakeRefusal('claude-opus-5-5', issuedBlocks)).toBeUndefined();
  });

  it('has a fake Anthropic that refuses, as preserved thinking does, a block whose prefix changed since it was issued', async () => {
    await complete(false, { model: 'opus5', messages: [ask], tools });
    const edited = { role: 'user', content: [{ type: 'text', text: 'Weather in SF, please? [fixture:thinking-tool-call]' }] };
    expect(await fakeRefusal('claude-opus-5-5', issuedBlocks, undefined, [], edited)).toBe(
      'messages.1.content.0: Invalid `signature` in `thinking` block. The block is bound to a different conversation. Remove the block, or set `thinking.block_binding.prefix_mismatch_behavior` to "drop_block".',
    );
    // The prefix as it was: valid, whatever comes after the block.
    expect(await fakeRefusal('claude-opus-5-5', issuedBlocks)).toBeUndefined();
  });

  it('has a fake Anthropic that holds a tool result followed by the user\'s text to the same rule, and a later turn after the cycle ended to none', async () => {
    await complete(false, { model: 'opus5', messages: [ask], tools });
    // The user turn still returns a tool result: the tool-use cycle (one assistant turn) goes on.
    expect(await fakeRefusal('claude-opus-5-5', [], 'And in Paris?')).toContain('a final `assistant` message must start with a thinking block');
    expect(await fakeRefusal('claude-opus-5-5', issuedBlocks, 'And in Paris?')).toBeUndefined();
    // The cycle ended with an answer: its thinking is no longer required.
    const later = [{ role: 'assistant', content: [{ type: 'text', text: 'It is 18C.' }] }, { role: 'user', content: 'And in Paris?' }];
    expect(await fakeRefusal('claude-opus-5-5', [], undefined, later)).toBeUndefined();
  });
});
