import type { ChatMessage } from '../../../../libs/core/src';
import { convertEchoedThinking } from '../../../../libs/providers/src/anthropic/convert-echoed-thinking';
import { toolTurnWithoutThinking } from './tool-turn-without-thinking';

const ask: ChatMessage = { role: 'user', content: 'Weather in SF?' };
const call = { id: 'call_1', type: 'function' as const, function: { name: 'get_weather', arguments: '{"location":"SF"}' } };
const second = { ...call, id: 'call_2' };
const toolCall = (extra: Record<string, unknown> = {}): ChatMessage => ({ role: 'assistant', content: null, tool_calls: [call, second], ...extra }) as ChatMessage;
const result = (id = 'call_1'): ChatMessage => ({ role: 'tool', tool_call_id: id, content: '18C' });
const signed = { type: 'thinking', thinking: 'Look it up.', signature: 'sig' };

describe('toolTurnWithoutThinking', () => {
  it('finds the assistant turn whose tool calls the request answers when it carries no thinking', () => {
    expect(toolTurnWithoutThinking([ask, toolCall(), result()])).toBe(1);
    expect(toolTurnWithoutThinking([ask, toolCall(), result('call_1'), result('call_2')])).toBe(1);
    // Only the last cycle counts: an earlier one's turn had its thinking, this one has none.
    expect(toolTurnWithoutThinking([ask, toolCall({ thinking_blocks: [signed] }), result(), { role: 'assistant', content: 'Done.' }, ask, toolCall(), result()])).toBe(5);
  });

  it('finds it when the user writes after the tool results: Anthropic gets them in one user turn that still returns tool results', () => {
    const more: ChatMessage = { role: 'user', content: 'And in Paris?' };
    expect(toolTurnWithoutThinking([ask, toolCall(), result(), more])).toBe(1);
    expect(toolTurnWithoutThinking([ask, toolCall(), result('call_1'), result('call_2'), more, { role: 'user', content: 'Quickly.' }])).toBe(1);
    // System and developer messages go to Anthropic's top-level system: they do not end the turn either.
    expect(toolTurnWithoutThinking([ask, toolCall(), result(), { role: 'system', content: 'Be brief.' }, more])).toBe(1);
    expect(toolTurnWithoutThinking([ask, toolCall(), result(), { role: 'developer', content: 'Be brief.' }])).toBe(1);
    expect(toolTurnWithoutThinking([ask, toolCall({ thinking_blocks: [signed] }), result(), more])).toBe(-1);
  });

  it('is -1 when the request does not answer tool results', () => {
    expect(toolTurnWithoutThinking([])).toBe(-1);
    expect(toolTurnWithoutThinking([ask])).toBe(-1);
    expect(toolTurnWithoutThinking([ask, { role: 'system', content: 'Be brief.' }])).toBe(-1);
    expect(toolTurnWithoutThinking([ask, toolCall(), result(), { role: 'assistant', content: 'It is' }])).toBe(-1);
    // A later turn, after the cycle ended with an answer: only the current cycle's thinking is required.
    expect(toolTurnWithoutThinking([ask, toolCall(), result(), { role: 'assistant', content: 'It is 18C.' }, { role: 'user', content: 'And in Paris?' }])).toBe(-1);
    expect(toolTurnWithoutThinking([ask, toolCall()])).toBe(-1);
    // Tool messages after something other than a tool call (a malformed conversation: the provider says so).
    expect(toolTurnWithoutThinking([result()])).toBe(-1);
    expect(toolTurnWithoutThinking([ask, result()])).toBe(-1);
    expect(toolTurnWithoutThinking([ask, { role: 'assistant', content: 'Hi', tool_calls: [] }, result()])).toBe(-1);
  });

  it('is -1 when the turn carries thinking the Anthropic adapter sends back', () => {
    expect(toolTurnWithoutThinking([ask, toolCall({ thinking_blocks: [signed] }), result()])).toBe(-1);
    expect(toolTurnWithoutThinking([ask, toolCall({ thinking_blocks: [{ type: 'redacted_thinking', data: 'abc' }] }), result()])).toBe(-1);
    expect(toolTurnWithoutThinking([ask, toolCall({ reasoning_details: [{ type: 'reasoning.text', text: 'Look it up.', signature: 'sig' }] }), result()])).toBe(-1);
    expect(toolTurnWithoutThinking([ask, toolCall({ reasoning_details: [{ type: 'reasoning.summary', summary: 's' }, { type: 'reasoning.encrypted', data: 'abc' }] }), result()])).toBe(-1);
    // Malformed blocks are sent on, so that the adapter's 400 names them.
    expect(toolTurnWithoutThinking([ask, toolCall({ thinking_blocks: [{ type: 'thinking' }] }), result()])).toBe(-1);
  });

  it('counts thinking that cannot go back as none: empty blocks, unsigned or summary reasoning details', () => {
    expect(toolTurnWithoutThinking([ask, toolCall({ thinking_blocks: [] }), result()])).toBe(1);
    expect(toolTurnWithoutThinking([ask, toolCall({ thinking_blocks: null, reasoning_content: 'thought' }), result()])).toBe(1);
    expect(toolTurnWithoutThinking([ask, toolCall({ reasoning_details: [{ type: 'reasoning.text', text: 'unsigned' }, null, { type: 'reasoning.summary', summary: 's' }] }), result()])).toBe(1);
    // thinking_blocks win over reasoning_details, as in the adapter.
    expect(toolTurnWithoutThinking([ask, toolCall({ thinking_blocks: [], reasoning_details: [{ type: 'reasoning.encrypted', data: 'abc' }] }), result()])).toBe(1);
  });

  it('agrees with what the Anthropic adapter would send back (convertEchoedThinking)', () => {
    const turns: Record<string, unknown>[] = [
      {},
      { thinking_blocks: [signed] },
      { thinking_blocks: [] },
      { thinking_blocks: null },
      { reasoning_details: [{ type: 'reasoning.text', text: 't', signature: 'sig' }] },
      { reasoning_details: [{ type: 'reasoning.text', text: 't', signature: '' }] },
      { reasoning_details: [{ type: 'reasoning.encrypted', data: 'abc' }] },
      { reasoning_details: [{ type: 'reasoning.summary', summary: 's' }] },
      { thinking_blocks: [], reasoning_details: [{ type: 'reasoning.encrypted', data: 'abc' }] },
    ];
    for (const extra of turns) {
      const turn = toolCall(extra);
      expect([extra, toolTurnWithoutThinking([ask, turn, result()]) === 1]).toEqual([extra, convertEchoedThinking(turn, 'messages[1]').length === 0]);
    }
  });
});
