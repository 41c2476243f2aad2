import type { ChatCompletion, ChatCompletionMessageParam, ChatCompletionTool } from 'openai/resources/chat/completions';
import type { ResponseInputItem, ResponseStreamEvent } from 'openai/resources/responses/responses';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CONTINUE_INSTRUCTION } from '../../apps/gateway/src/chat/continuation';
import type { ChatReasoningFields, ChatThinkingBlock } from '../../libs/core/src';
import { ANTHROPIC_FIXTURES_DIR, startFakeAnthropic, type FakeUpstream } from '../fakes/fake-anthropic.server';
import { startFakeOpenAI, type FakeOpenAI } from '../fakes/fake-openai.server';
import { rejection } from '../support/sdk-rejection';
import { startStack, type Stack } from '../support/stack';

/**
 * Claude's thinking blocks when a stream breaks mid-answer and another model continues it
 * (docs/fallbacks.md, Mid-stream failover). The continuation's own blocks were made after the
 * continuation request's transcript (the partial answer as an assistant turn, then the instruction to
 * continue), which the client never sends: a model with preserved thinking (Opus 5.5) refuses them
 * in the client's next turn, as the fake does ("bound to a different conversation"). The blocks of the
 * model that began the answer were made after the client's own conversation: they reach the client,
 * and the next turn (a tool result) continues on a model that always thinks.
 */
describe('thinking blocks after a mid-answer failover, with the official openai SDK', () => {
  let anthropic: FakeUpstream;
  let openai: FakeOpenAI;
  let stack: Stack;

  const tools: ChatCompletionTool[] = [{ type: 'function', function: { name: 'get_weather', parameters: { type: 'object', properties: { location: { type: 'string' } }, required: ['location'] } } }];
  const ask: ChatCompletionMessageParam = { role: 'user', content: 'Weather in SF? [fixture:thinking-then-overloaded]' };
  /**
   * The block the broken stream completed before its text (thinking-then-overloaded.sse.txt), as Opus
   * 5.5 sends it without a request for summarized thinking: its text empty, its signature whole.
   */
  const begun: ChatThinkingBlock[] = [{ type: 'thinking', thinking: '', signature: 'ErUBCkYIBRgCIkBrokenStreamThinkingSignatureZ9y8x7w6v5u4t3s2r1qA==' }];
  /** The blocks a Claude continuation answers with (thinking-tool-call), their text empty as above. */
  const continuation = (JSON.parse(readFileSync(join(ANTHROPIC_FIXTURES_DIR, 'thinking-tool-call.json'), 'utf8')) as { content: ChatThinkingBlock[] }).content
    .filter((b) => b.type === 'thinking' || b.type === 'redacted_thinking')
    .map((b) => (b.type === 'thinking' ? { ...b, thinking: '' } : b));

  beforeAll(async () => {
    const lastUserText = (body: unknown) => {
      const user = ((body as { messages: Array<{ role: string; content: unknown }> }).messages ?? []).filter((m) => m.role === 'user').at(-1);
      return Array.isArray(user?.content) ? (user.content as Array<{ text?: string }>).map((b) => b.text ?? '').join('') : String(user?.content ?? '');
    };
    // A continuation request (its last user message is the gateway's instruction) is answered with thinking and a tool call.
    anthropic = await startFakeAnthropic({ fixture: (body) => (lastUserText(body) === CONTINUE_INSTRUCTION ? 'thinking-tool-call' : undefined) });
    openai = await startFakeOpenAI(() => ({ kind: 'tool_call', name: 'get_weather', arguments: '{"location":"San Francisco"}' }));
    const yaml = `
providers:
  - { id: claude, preset: anthropic, base_url: "${anthropic.url}" }
  - { id: oai, kind: openai-compatible, base_url: "${openai.url}" }
models:
  - { id: opus5, catalog: claude-opus-5-5 }
  - { id: opus5b, catalog: claude-opus-5-5 }
  - { id: gpt, provider: oai, upstream: gpt-4o-mini, input_per_1m: 0.15, output_per_1m: 0.6, context_window: 128000 }
routes:
  - { name: opus-then-gpt, candidates: [opus5], failover: { fallbacks: [gpt], retries: 0 } }
  - { name: opus-then-opus, candidates: [opus5], failover: { fallbacks: [opus5b], retries: 0 } }
`;
    stack = await startStack({ yaml, queue: 'in-process', env: { ANTHROPIC_API_KEY: 'sk-ant-test' } });
  });
  afterAll(async () => {
    await stack.close();
    await anthropic.close();
    await openai.close();
  });

  /** Streamed through the SDK's helper; also what the stream's deltas were, in order (`blocks`, `finish`, or `other`). */
  async function streamed(model: string, messages: ChatCompletionMessageParam[]): Promise<{ answer: ChatCompletion; kinds: string[] }> {
    const kinds: string[] = [];
    const stream = stack.client.chat.completions.stream({ model, messages, tools });
    stream.on('chunk', (chunk) => kinds.push(chunk.choices[0]?.finish_reason ? 'finish' : (chunk.choices[0]?.delta as ChatReasoningFields | undefined)?.thinking_blocks ? 'blocks' : 'other'));
    return { answer: await stream.finalChatCompletion(), kinds };
  }

  function continueWith(answer: ChatCompletion, assistant = answer.choices[0].message as ChatCompletionMessageParam): ChatCompletionMessageParam[] {
    return [ask, assistant, { role: 'tool', tool_call_id: answer.choices[0].message.tool_calls![0].id, content: '{"temperature":18}' }];
  }

  const sentAssistantTurn = () => (anthropic.requests.at(-1)!.body as { messages: Array<{ role: string; content: Array<{ type: string }> }> }).messages[1];

  it('gives the client the blocks of the model that began the answer when another provider continued it with a tool call, and the cycle continues on Opus 5.5', async () => {
    const { answer, kinds } = await streamed('opus-then-gpt', [ask]);
    expect(answer.choices[0].finish_reason).toBe('tool_calls');
    expect(answer.choices[0].message.content).toBe('Let me check that for you.');
    expect(answer.choices[0].message.tool_calls![0]).toMatchObject({ type: 'function', function: { name: 'get_weather', arguments: '{"location":"San Francisco"}' } });
    expect((answer.choices[0].message as ChatReasoningFields).thinking_blocks).toEqual(begun);
    // Where the chat stream always sends them: once, just before the finish.
    expect(kinds.slice(kinds.indexOf('blocks'))).toEqual(['blocks', 'finish']);

    const next = await stack.client.chat.completions.create({ model: 'opus5', messages: continueWith(answer), tools });
    expect(next.choices[0].message.content).toBe('Hello! How can I help you today?');
    expect(sentAssistantTurn().content.map((b) => b.type)).toEqual(['thinking', 'text', 'tool_use']);
  });

  it("leaves out a Claude continuation's own blocks (made after the continuation request), which Opus 5.5 would refuse in the next turn, and gives the first model's", async () => {
    const { answer } = await streamed('opus-then-opus', [ask]);
    expect(answer.choices[0].finish_reason).toBe('tool_calls');
    expect(answer.choices[0].message.content).toBe("Let me check that for you.I'll check the weather.");
    // The continuation did think (its blocks came with its answer to the continuation request)...
    const sent = anthropic.requests.at(-1)!.body as { messages: Array<{ role: string; content: unknown }> };
    expect(sent.messages.map((m) => m.role)).toEqual(['user', 'assistant', 'user']);
    // ...but the client gets the blocks made for its own conversation.
    expect((answer.choices[0].message as ChatReasoningFields).thinking_blocks).toEqual(begun);
    const next = await stack.client.chat.completions.create({ model: 'opus5', messages: continueWith(answer), tools });
    expect(next.choices[0].message.content).toBe('Hello! How can I help you today?');

    // What passing the continuation's blocks on would have done: Anthropic's 400, the prefix they were made after being gone.
    const withContinuationBlocks = { ...answer.choices[0].message, thinking_blocks: continuation } as ChatCompletionMessageParam;
    const err = await rejection(stack.client.chat.completions.create({ model: 'opus5', messages: continueWith(answer, withContinuationBlocks), tools }));
    expect(err.status).toBe(400);
    expect(err.message).toContain('The block is bound to a different conversation');
  });

  it('streams the Responses reasoning item, closed with the first model\'s blocks before the message item, and the cycle continues', async () => {
    const question = { role: 'user' as const, content: 'Weather in SF? [fixture:thinking-then-overloaded]' };
    const responseTools = [{ type: 'function' as const, name: 'get_weather', parameters: tools[0].type === 'function' ? tools[0].function.parameters! : {}, strict: false }];
    const events: ResponseStreamEvent[] = [];
    for await (const event of await stack.client.responses.create({ model: 'opus-then-gpt', input: [question], tools: responseTools, stream: true })) events.push(event);
    const completed = events.at(-1);
    if (completed?.type !== 'response.completed') throw new Error(`expected response.completed, got ${completed?.type}`);
    const output = completed.response.output;
    expect(output.map((item) => item.type)).toEqual(['reasoning', 'message', 'function_call']);
    const items = events.flatMap((e) => (e.type === 'response.output_item.added' || e.type === 'response.output_item.done' ? [[e.type, e.output_index]] : []));
    expect(items.slice(0, 3)).toEqual([
      ['response.output_item.added', 0],
      ['response.output_item.done', 0],
      ['response.output_item.added', 1],
    ]);
    expect(output[0]).toMatchObject({ type: 'reasoning', encrypted_content: expect.any(String) });

    const call = output[2];
    if (call.type !== 'function_call') throw new Error('expected a function call');
    const next = await stack.client.responses.create({
      model: 'opus5',
      tools: responseTools,
      input: [question, ...(output as ResponseInputItem[]), { type: 'function_call_output', call_id: call.call_id, output: '{"temperature":18}' }],
    });
    expect(next.output_text).toBe('Hello! How can I help you today?');
    expect(sentAssistantTurn().content[0]).toEqual(begun[0]);
  });
});
