import type { ChatChunk } from '../../../../libs/core/src';
import { StreamAccumulator } from './stream-accumulator';

type ToolCallDelta = Record<string, unknown> & { index: number };
const chunk = (delta: Record<string, unknown>, finish: string | null = null): ChatChunk =>
  ({ id: 'c', object: 'chat.completion.chunk', created: 1, model: 'm', choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }] }) as ChatChunk;
const calls = (...deltas: ToolCallDelta[]) => chunk({ tool_calls: deltas });

describe('StreamAccumulator', () => {
  it('joins text and function calls by index', () => {
    const acc = new StreamAccumulator();
    acc.add(chunk({ role: 'assistant', content: 'Hel' }));
    acc.add(chunk({ content: 'lo' }));
    acc.add(calls({ index: 0, id: 'a', type: 'function', function: { name: 'get_weather', arguments: '' } }));
    acc.add(calls({ index: 0, function: { arguments: '{"city":' } }, { index: 1, id: 'b', type: 'function', function: { name: 'now', arguments: '{}' } }));
    acc.add(calls({ index: 0, function: { arguments: '"Oslo"}' } }));
    acc.add(chunk({}, 'tool_calls'));
    expect(acc.content).toBe('Hello');
    expect(acc.calls()).toEqual([
      { name: 'get_weather', arguments: '{"city":"Oslo"}' },
      { name: 'now', arguments: '{}' },
    ]);
    expect(acc.finishReason).toBe('tool_calls');
  });

  it("joins custom tool calls' free-text input, streamed as OpenAI does (type custom, custom.name, custom.input)", () => {
    const acc = new StreamAccumulator();
    acc.add(calls({ index: 0, id: 'call_1', type: 'custom', custom: { name: 'run_sql', input: '' } }));
    acc.add(calls({ index: 0, custom: { input: 'SELECT count(*) ' } }));
    acc.add(calls({ index: 0, custom: { input: 'FROM users' } }));
    acc.add(calls({ index: 1, id: 'call_2', type: 'function', function: { name: 'now', arguments: '{}' } }));
    expect(acc.calls()).toEqual([
      { type: 'custom', name: 'run_sql', input: 'SELECT count(*) FROM users' },
      { name: 'now', arguments: '{}' },
    ]);
  });
});
