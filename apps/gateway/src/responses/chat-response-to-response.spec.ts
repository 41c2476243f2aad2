import type { ChatResponse } from '../../../../libs/core/src';
import { chatResponseToResponse } from './chat-response-to-response';
import { parseResponsesRequest } from './parse-responses-request';
import { decodeThinkingBlocks } from './reasoning-encrypted-content';

const completion = (message: Record<string, unknown>, finish = 'stop'): ChatResponse =>
  ({
    id: 'resp_abc',
    object: 'chat.completion',
    created: 1_700_000_000,
    model: 'cheap',
    choices: [{ index: 0, message: { role: 'assistant', refusal: null, ...message }, logprobs: null, finish_reason: finish }],
    usage: { prompt_tokens: 10, completion_tokens: 5, total_tokens: 15 },
  }) as ChatResponse;

describe('chatResponseToResponse', () => {
  it('gives the text as one message item, with the usage, status and the request echoed', () => {
    const body = parseResponsesRequest({ model: 'auto', input: 'Hi', instructions: 'Be kind', temperature: 0.2, metadata: { a: 'b' } });
    expect(chatResponseToResponse(body, completion({ content: 'Hello!' }), 1_800_000_000)).toEqual({
      id: 'resp_abc',
      object: 'response',
      created_at: 1_800_000_000,
      status: 'completed',
      background: false,
      error: null,
      incomplete_details: null,
      instructions: 'Be kind',
      max_output_tokens: null,
      model: 'cheap',
      output: [{ type: 'message', id: 'msg_abc_0', status: 'completed', role: 'assistant', content: [{ type: 'output_text', text: 'Hello!', annotations: [] }] }],
      parallel_tool_calls: true,
      previous_response_id: null,
      reasoning: { effort: null, summary: null },
      store: false,
      temperature: 0.2,
      text: { format: { type: 'text' } },
      tool_choice: 'auto',
      tools: [],
      top_p: 1,
      truncation: 'disabled',
      usage: { input_tokens: 10, input_tokens_details: { cached_tokens: 0 }, output_tokens: 5, output_tokens_details: { reasoning_tokens: 0 }, total_tokens: 15 },
      metadata: { a: 'b' },
    });
  });

  it('gives each function call an item after the text, with its call id, and no message when there is no text', () => {
    const body = parseResponsesRequest({ model: 'm', input: 'x', tools: [{ type: 'function', name: 'f', parameters: null, strict: null }] });
    const calls = [
      { id: 'call_1', type: 'function', function: { name: 'f', arguments: '{"a":1}' } },
      { id: 'call_2', type: 'function', function: { name: 'f', arguments: '{"a":2}' } },
    ];
    const withText = chatResponseToResponse(body, completion({ content: 'Calling.', tool_calls: calls }, 'tool_calls'), 1);
    expect(withText.output.map((item) => [item.type, item.id])).toEqual([
      ['message', 'msg_abc_0'],
      ['function_call', 'fc_abc_1'],
      ['function_call', 'fc_abc_2'],
    ]);
    const only = chatResponseToResponse(body, completion({ content: null, tool_calls: calls.slice(0, 1) }, 'tool_calls'), 1);
    expect(only.output).toEqual([{ type: 'function_call', id: 'fc_abc_0', call_id: 'call_1', name: 'f', arguments: '{"a":1}', status: 'completed' }]);
    expect(only.status).toBe('completed');
    expect(only.tools).toEqual([{ type: 'function', name: 'f', description: null, parameters: null, strict: null }]);
  });

  it('says incomplete, for max_output_tokens, when the answer was cut by the limit', () => {
    const body = parseResponsesRequest({ model: 'm', input: 'x', max_output_tokens: 5 });
    const response = chatResponseToResponse(body, completion({ content: 'A long' }, 'length'), 1);
    expect(response).toMatchObject({ status: 'incomplete', incomplete_details: { reason: 'max_output_tokens' }, max_output_tokens: 5 });
    expect(response.output[0]).toMatchObject({ type: 'message', status: 'incomplete' });
  });

  it('gives a refusal as a refusal part', () => {
    const body = parseResponsesRequest({ model: 'm', input: 'x' });
    expect(chatResponseToResponse(body, completion({ content: null, refusal: 'I cannot help.' }), 1).output).toEqual([
      { type: 'message', id: 'msg_abc_0', status: 'completed', role: 'assistant', content: [{ type: 'refusal', refusal: 'I cannot help.' }] },
    ]);
  });

  describe('reasoning', () => {
    const blocks = [
      { type: 'thinking', thinking: 'Need the weather.', signature: 'sig1' },
      { type: 'redacted_thinking', data: 'opaque' },
    ];
    const calls = [{ id: 'toolu_1', type: 'function', function: { name: 'f', arguments: '{}' } }];

    it('puts a reasoning item first, its readable thinking the summary and the blocks, exactly, its encrypted_content (whatever include says)', () => {
      const body = parseResponsesRequest({ model: 'm', input: 'x', reasoning: { summary: 'auto' } });
      const response = chatResponseToResponse(body, completion({ content: 'Checking.', tool_calls: calls, reasoning_content: 'Need the weather.', thinking_blocks: blocks }, 'tool_calls'), 1);
      expect(response.output.map((item) => [item.type, item.id])).toEqual([
        ['reasoning', 'rs_abc_0'],
        ['message', 'msg_abc_1'],
        ['function_call', 'fc_abc_2'],
      ]);
      const reasoning = response.output[0];
      if (reasoning.type !== 'reasoning') throw new Error('expected a reasoning item');
      expect(reasoning).toEqual({ type: 'reasoning', id: 'rs_abc_0', summary: [{ type: 'summary_text', text: 'Need the weather.' }], encrypted_content: expect.any(String) });
      expect(decodeThinkingBlocks(reasoning.encrypted_content, 'p')).toEqual(blocks);
      expect(response.reasoning).toEqual({ effort: null, summary: 'auto' });
    });

    it('writes no summary when the request asked for none (as OpenAI), the item and its encrypted_content still', () => {
      const answer = completion({ content: 'Checking.', reasoning_content: 'Need the weather.', thinking_blocks: blocks });
      for (const reasoning of [undefined, { effort: 'low' }, { summary: null }]) {
        const response = chatResponseToResponse(parseResponsesRequest({ model: 'm', input: 'x', reasoning }), answer, 1);
        expect(response.output[0]).toEqual({ type: 'reasoning', id: 'rs_abc_0', summary: [], encrypted_content: expect.any(String) });
        expect(response.reasoning?.summary).toBeNull();
      }
      // generate_summary is summary's deprecated name.
      const old = chatResponseToResponse(parseResponsesRequest({ model: 'm', input: 'x', reasoning: { generate_summary: 'concise' } }), answer, 1);
      expect(old.output[0]).toMatchObject({ summary: [{ type: 'summary_text', text: 'Need the weather.' }] });
    });

    it('gives thinking that was all redacted an empty summary, and reasoning without blocks (DeepSeek’s) no encrypted_content', () => {
      const body = parseResponsesRequest({ model: 'm', input: 'x', reasoning: { summary: 'detailed' } });
      const redacted = chatResponseToResponse(body, completion({ content: 'Hi', thinking_blocks: [blocks[1]] }), 1).output[0];
      expect(redacted).toMatchObject({ type: 'reasoning', summary: [] });
      expect(decodeThinkingBlocks((redacted as { encrypted_content: string }).encrypted_content, 'p')).toEqual([blocks[1]]);
      expect(chatResponseToResponse(body, completion({ content: 'Hi', reasoning_content: 'Hmm.' }), 1).output[0]).toEqual({ type: 'reasoning', id: 'rs_abc_0', summary: [{ type: 'summary_text', text: 'Hmm.' }] });
      expect(chatResponseToResponse(body, completion({ content: 'Hi', thinking_blocks: [] }), 1).output.map((item) => item.type)).toEqual(['message']);
    });
  });
});
