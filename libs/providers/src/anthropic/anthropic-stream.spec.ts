import { THOUGHT_BEFORE, type ChatChunk, type ChatReasoningFields } from '../../../core/src';
import type { SseEvent } from '../http/sse';
import { ProviderError } from '../provider';
import { transformAnthropicStream, type AnthropicStreamContext } from './anthropic-stream';

async function run(events: object[], context: AnthropicStreamContext = { created: 7 }): Promise<ChatChunk[]> {
  async function* source(): AsyncGenerator<SseEvent> {
    for (const e of events) yield { event: (e as { type: string }).type, data: JSON.stringify(e) };
  }
  const out: ChatChunk[] = [];
  for await (const c of transformAnthropicStream(source(), context)) out.push(c);
  return out;
}

const start = { type: 'message_start', message: { id: 'msg_1', type: 'message', role: 'assistant', model: 'claude-x', content: [], stop_reason: null, usage: { input_tokens: 20, output_tokens: 1, cache_read_input_tokens: 8 } } };
const base = { id: 'msg_1', object: 'chat.completion.chunk', created: 7, model: 'claude-x' };
const delta = (d: object, finish: string | null = null) => ({ ...base, choices: [{ index: 0, delta: d, finish_reason: finish, logprobs: null }] });

describe('transformAnthropicStream', () => {
  it('streams text, tool calls with index/id/name first, then argument fragments, a finish chunk and usage', async () => {
    const chunks = await run([
      start,
      { type: 'ping' },
      { type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } },
      { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: 'Let me check.' } },
      { type: 'content_block_stop', index: 0 },
      { type: 'content_block_start', index: 1, content_block: { type: 'tool_use', id: 'toolu_a', name: 'get_weather', input: {} } },
      { type: 'content_block_delta', index: 1, delta: { type: 'input_json_delta', partial_json: '' } },
      { type: 'content_block_delta', index: 1, delta: { type: 'input_json_delta', partial_json: '{"city": ' } },
      { type: 'content_block_delta', index: 1, delta: { type: 'input_json_delta', partial_json: '"Paris"}' } },
      { type: 'content_block_stop', index: 1 },
      { type: 'content_block_start', index: 2, content_block: { type: 'tool_use', id: 'toolu_b', name: 'get_time', input: {} } },
      { type: 'content_block_delta', index: 2, delta: { type: 'input_json_delta', partial_json: '{}' } },
      { type: 'content_block_stop', index: 2 },
      { type: 'message_delta', delta: { stop_reason: 'tool_use', stop_sequence: null }, usage: { output_tokens: 42 } },
      { type: 'message_stop' },
    ]);
    expect(chunks).toEqual([
      delta({ role: 'assistant', content: '' }),
      delta({ content: 'Let me check.' }),
      delta({ tool_calls: [{ index: 0, id: 'toolu_a', type: 'function', function: { name: 'get_weather', arguments: '' } }] }),
      delta({ tool_calls: [{ index: 0, function: { arguments: '{"city": ' } }] }),
      delta({ tool_calls: [{ index: 0, function: { arguments: '"Paris"}' } }] }),
      delta({ tool_calls: [{ index: 1, id: 'toolu_b', type: 'function', function: { name: 'get_time', arguments: '' } }] }),
      delta({ tool_calls: [{ index: 1, function: { arguments: '{}' } }] }),
      delta({}, 'tool_calls'),
      { ...base, choices: [], usage: { prompt_tokens: 28, completion_tokens: 42, total_tokens: 70, prompt_tokens_details: { cached_tokens: 8 } } },
    ]);
  });

  it('sends the json_schema fallback tool input as content and finishes with stop', async () => {
    const chunks = await run(
      [
        start,
        { type: 'content_block_start', index: 0, content_block: { type: 'tool_use', id: 'toolu_j', name: 'answer', input: {} } },
        { type: 'content_block_delta', index: 0, delta: { type: 'input_json_delta', partial_json: '{"answer"' } },
        { type: 'content_block_delta', index: 0, delta: { type: 'input_json_delta', partial_json: ':"42"}' } },
        { type: 'message_delta', delta: { stop_reason: 'tool_use' }, usage: { output_tokens: 9 } },
        { type: 'message_stop' },
      ],
      { created: 7, jsonTool: 'answer' },
    );
    expect(chunks.slice(1, 4)).toEqual([delta({ content: '{"answer"' }), delta({ content: ':"42"}' }), delta({}, 'stop')]);
  });

  it('skips unknown event types', async () => {
    const chunks = await run([start, { type: 'brand_new_event', x: 1 }, { type: 'message_delta', delta: { stop_reason: 'end_turn' }, usage: { output_tokens: 1 } }, { type: 'message_stop' }]);
    expect(chunks).toHaveLength(3);
  });

  it('throws an error event as a mid-stream ProviderError', async () => {
    const err = await run([
      start,
      { type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } },
      { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: 'Hi' } },
      { type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } },
    ]).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ProviderError);
    expect(err).toMatchObject({ kind: 'overloaded', message: 'Overloaded', midStream: true });
  });

  it('reports a stream cut before message_stop', async () => {
    const err = await run([start]).catch((e: unknown) => e);
    expect(err).toMatchObject({ kind: 'malformed_response', midStream: true });
  });

  it('streams thinking as reasoning_content and sends the ended blocks, signatures included, in one chunk before the finish', async () => {
    const chunks = await run([
      start,
      { type: 'content_block_start', index: 0, content_block: { type: 'redacted_thinking', data: 'EmwKAhgB' } },
      { type: 'content_block_stop', index: 0 },
      { type: 'content_block_start', index: 1, content_block: { type: 'thinking', thinking: '', signature: '' } },
      { type: 'content_block_delta', index: 1, delta: { type: 'thinking_delta', thinking: 'The user wants ' } },
      { type: 'content_block_delta', index: 1, delta: { type: 'thinking_delta', thinking: 'the weather.' } },
      { type: 'content_block_delta', index: 1, delta: { type: 'signature_delta', signature: 'sig-1' } },
      { type: 'content_block_stop', index: 1 },
      { type: 'content_block_start', index: 2, content_block: { type: 'tool_use', id: 'toolu_a', name: 'get_weather', input: {} } },
      { type: 'content_block_delta', index: 2, delta: { type: 'input_json_delta', partial_json: '{}' } },
      { type: 'content_block_stop', index: 2 },
      { type: 'message_delta', delta: { stop_reason: 'tool_use', stop_sequence: null }, usage: { output_tokens: 42 } },
      { type: 'message_stop' },
    ]);
    const ended = [
      { type: 'redacted_thinking', data: 'EmwKAhgB' },
      { type: 'thinking', thinking: 'The user wants the weather.', signature: 'sig-1' },
    ];
    expect(chunks.slice(1, -1)).toEqual([
      delta({ reasoning_content: 'The user wants ' }),
      delta({ reasoning_content: 'the weather.' }),
      // The answer's first delta carries, out of its JSON, every block completed before it.
      delta({ tool_calls: [{ index: 0, id: 'toolu_a', type: 'function', function: { name: 'get_weather', arguments: '' } }], [THOUGHT_BEFORE]: ended }),
      delta({ tool_calls: [{ index: 0, function: { arguments: '{}' } }] }),
      delta({ thinking_blocks: ended }),
      delta({}, 'tool_calls'),
    ]);
  });

  it('carries on the first answer delta only the blocks completed before the answer; one completed after it (between tool calls) comes only before the finish', async () => {
    const chunks = await run([
      start,
      { type: 'content_block_start', index: 0, content_block: { type: 'thinking', thinking: '', signature: '' } },
      { type: 'content_block_delta', index: 0, delta: { type: 'thinking_delta', thinking: 'First.' } },
      { type: 'content_block_delta', index: 0, delta: { type: 'signature_delta', signature: 'sig-1' } },
      { type: 'content_block_stop', index: 0 },
      { type: 'content_block_start', index: 1, content_block: { type: 'text', text: '' } },
      { type: 'content_block_delta', index: 1, delta: { type: 'text_delta', text: 'Checking.' } },
      { type: 'content_block_stop', index: 1 },
      { type: 'content_block_start', index: 2, content_block: { type: 'thinking', thinking: '', signature: '' } },
      { type: 'content_block_delta', index: 2, delta: { type: 'thinking_delta', thinking: 'Second.' } },
      { type: 'content_block_delta', index: 2, delta: { type: 'signature_delta', signature: 'sig-2' } },
      { type: 'content_block_stop', index: 2 },
      { type: 'content_block_start', index: 3, content_block: { type: 'tool_use', id: 'toolu_a', name: 'get_weather', input: {} } },
      { type: 'content_block_stop', index: 3 },
      { type: 'message_delta', delta: { stop_reason: 'tool_use', stop_sequence: null }, usage: { output_tokens: 42 } },
      { type: 'message_stop' },
    ]);
    const first = { type: 'thinking', thinking: 'First.', signature: 'sig-1' };
    const second = { type: 'thinking', thinking: 'Second.', signature: 'sig-2' };
    expect(chunks.slice(1, -1)).toEqual([
      delta({ reasoning_content: 'First.' }),
      delta({ content: 'Checking.', [THOUGHT_BEFORE]: [first] }),
      delta({ reasoning_content: 'Second.' }),
      delta({ tool_calls: [{ index: 0, id: 'toolu_a', type: 'function', function: { name: 'get_weather', arguments: '' } }] }),
      delta({ thinking_blocks: [first, second] }),
      delta({}, 'tool_calls'),
    ]);
  });

  it('carries thinking that was all redacted on the first text delta, out of its JSON, so a writer knows of it before the text', async () => {
    const chunks = await run([
      start,
      { type: 'content_block_start', index: 0, content_block: { type: 'redacted_thinking', data: 'EmwKAhgB' } },
      { type: 'content_block_stop', index: 0 },
      { type: 'content_block_start', index: 1, content_block: { type: 'text', text: '' } },
      { type: 'content_block_delta', index: 1, delta: { type: 'text_delta', text: 'Hi' } },
      { type: 'content_block_delta', index: 1, delta: { type: 'text_delta', text: ' there' } },
      { type: 'content_block_stop', index: 1 },
      { type: 'message_delta', delta: { stop_reason: 'end_turn', stop_sequence: null }, usage: { output_tokens: 9 } },
      { type: 'message_stop' },
    ]);
    expect(chunks.slice(1, -1)).toEqual([
      delta({ content: 'Hi', [THOUGHT_BEFORE]: [{ type: 'redacted_thinking', data: 'EmwKAhgB' }] }),
      delta({ content: ' there' }),
      delta({ thinking_blocks: [{ type: 'redacted_thinking', data: 'EmwKAhgB' }] }),
      delta({}, 'stop'),
    ]);
    expect(chunks.map((c) => (c.choices[0]?.delta as ChatReasoningFields | undefined)?.[THOUGHT_BEFORE])).toEqual([undefined, [{ type: 'redacted_thinking', data: 'EmwKAhgB' }], undefined, undefined, undefined, undefined]);
    // What a Chat Completions client reads is as before: the mark is not in the JSON.
    expect(JSON.parse(JSON.stringify(chunks[1]))).toEqual(delta({ content: 'Hi' }));
    expect(chunks.map((c) => JSON.stringify(c)).join('')).not.toContain('thought');
  });

  it('sends no thinking block that did not end, and nothing about thinking when there was none', async () => {
    const cut = await run([
      start,
      { type: 'content_block_start', index: 0, content_block: { type: 'thinking', thinking: 'partial', signature: '' } },
      { type: 'message_delta', delta: { stop_reason: 'max_tokens' }, usage: { output_tokens: 9 } },
      { type: 'message_stop' },
    ]);
    expect(cut.slice(1, -1)).toEqual([delta({ reasoning_content: 'partial' }), delta({}, 'length')]);
  });
});
