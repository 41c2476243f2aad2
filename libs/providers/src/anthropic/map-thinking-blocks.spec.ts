import { reasoningFields, toClientThinkingBlock } from './map-thinking-blocks';

describe('toClientThinkingBlock', () => {
  it('keeps a thinking block with its signature and a redacted one with its data', () => {
    expect(toClientThinkingBlock({ type: 'thinking', thinking: 'hmm', signature: 'sig' })).toEqual({ type: 'thinking', thinking: 'hmm', signature: 'sig' });
    expect(toClientThinkingBlock({ type: 'redacted_thinking', data: 'opaque' })).toEqual({ type: 'redacted_thinking', data: 'opaque' });
  });

  it('is undefined for other blocks', () => {
    expect(toClientThinkingBlock({ type: 'text', text: 'hi' })).toBeUndefined();
    expect(toClientThinkingBlock({ type: 'server_tool_use', id: 'x' })).toBeUndefined();
  });
});

describe('reasoningFields', () => {
  it('joins the readable thinking and lists every block', () => {
    const blocks = [
      { type: 'thinking' as const, thinking: 'a', signature: '1' },
      { type: 'redacted_thinking' as const, data: 'r' },
      { type: 'thinking' as const, thinking: 'b', signature: '2' },
    ];
    expect(reasoningFields(blocks)).toEqual({ reasoning_content: 'ab', thinking_blocks: blocks });
  });

  it('is empty without thinking', () => {
    expect(reasoningFields([])).toEqual({});
  });
});
