import type { ChatMessage } from '../../../core/src';
import { dropThinkingBlocks } from './drop-thinking-blocks';

describe('dropThinkingBlocks', () => {
  it("removes Claude's echoed thinking, and the reasoning_content shown beside it, from assistant messages", () => {
    const messages = [
      { role: 'user', content: 'Weather?' },
      {
        role: 'assistant',
        content: null,
        reasoning_content: 'The user wants the weather.',
        thinking_blocks: [{ type: 'thinking', thinking: 'The user wants the weather.', signature: 'sig' }],
        tool_calls: [{ id: 'toolu_1', type: 'function', function: { name: 'get_weather', arguments: '{}' } }],
      },
      { role: 'tool', tool_call_id: 'toolu_1', content: '18C' },
    ] as ChatMessage[];
    expect(dropThinkingBlocks(messages)).toEqual([
      messages[0],
      { role: 'assistant', content: null, tool_calls: [{ id: 'toolu_1', type: 'function', function: { name: 'get_weather', arguments: '{}' } }] },
      messages[2],
    ]);
    expect((messages[1] as { thinking_blocks?: unknown }).thinking_blocks).toBeDefined(); // the client's request is not changed
  });

  it("keeps a host's own reasoning_content on a message without thinking_blocks, and returns the same array when there is nothing to drop", () => {
    const messages = [{ role: 'user', content: 'Hi' }, { role: 'assistant', content: 'Hello', reasoning_content: 'DeepSeek thought' }] as ChatMessage[];
    expect(dropThinkingBlocks(messages)).toBe(messages);
  });
});
