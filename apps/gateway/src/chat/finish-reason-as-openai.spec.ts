import type { ChatChunk, ChatRequest, ChatResponse } from '../../../../libs/core/src';
import { namesFunction, stopInsteadOfToolCalls, stopInsteadOfToolCallsInChunk } from './finish-reason-as-openai';

const call = { id: 'call_1', type: 'function' as const, function: { name: 'f', arguments: '{}' } };

describe('finish reasons as OpenAI writes them', () => {
  it('knows a tool_choice that names the function from the others', () => {
    expect(namesFunction({ tool_choice: { type: 'function', function: { name: 'f' } } })).toBe(true);
    const others: Array<ChatRequest['tool_choice']> = [undefined, 'auto', 'required', 'none', { type: 'custom', custom: { name: 'g' } }, { type: 'allowed_tools', allowed_tools: { mode: 'required', tools: [] } }];
    for (const tool_choice of others) {
      expect(namesFunction({ tool_choice })).toBe(false);
    }
  });

  it("writes a 'tool_calls' finish 'stop', each choice's, leaving the others and the answer otherwise as it is", () => {
    const response = {
      id: 'chatcmpl-1',
      choices: [
        { index: 0, message: { role: 'assistant', content: null, tool_calls: [call] }, finish_reason: 'tool_calls', logprobs: null },
        { index: 1, message: { role: 'assistant', content: 'cut' }, finish_reason: 'length', logprobs: null },
      ],
    } as unknown as ChatResponse;
    const written = stopInsteadOfToolCalls(response);
    expect(written.choices.map((c) => c.finish_reason)).toEqual(['stop', 'length']);
    expect(written.choices[0].message).toBe(response.choices[0].message);
    expect(response.choices[0].finish_reason).toBe('tool_calls');
    const stopped = { ...response, choices: [response.choices[1]] };
    expect(stopInsteadOfToolCalls(stopped)).toBe(stopped);
  });

  it("writes a stream chunk's 'tool_calls' finish 'stop'; other chunks go as they are", () => {
    const finish = { id: 'c', object: 'chat.completion.chunk', created: 1, model: 'm', choices: [{ index: 0, delta: {}, finish_reason: 'tool_calls', logprobs: null }] } as ChatChunk;
    expect(stopInsteadOfToolCallsInChunk(finish).choices[0].finish_reason).toBe('stop');
    const delta = { ...finish, choices: [{ index: 0, delta: { tool_calls: [{ index: 0, id: 'call_1', function: { name: 'f', arguments: '' } }] }, finish_reason: null, logprobs: null }] } as ChatChunk;
    expect(stopInsteadOfToolCallsInChunk(delta)).toBe(delta);
    const usageOnly = { ...finish, choices: [] } as ChatChunk;
    expect(stopInsteadOfToolCallsInChunk(usageOnly)).toBe(usageOnly);
  });
});
