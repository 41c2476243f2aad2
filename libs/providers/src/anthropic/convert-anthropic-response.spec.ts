import { convertAnthropicResponse } from './convert-anthropic-response';

const usage = { input_tokens: 10, output_tokens: 5 };
const openAIUsage = { prompt_tokens: 10, completion_tokens: 5, total_tokens: 15, prompt_tokens_details: { cached_tokens: 0 } };

describe('convertAnthropicResponse', () => {
  it('joins text blocks and maps stop reason and usage; thinking goes on the message to show and to echo', () => {
    expect(
      convertAnthropicResponse(
        {
          id: 'msg_1',
          model: 'claude-sonnet-4-20250514',
          content: [
            { type: 'thinking', thinking: 'hmm', signature: 's' },
            { type: 'text', text: 'Hello' },
            { type: 'text', text: ' world' },
          ],
          stop_reason: 'end_turn',
          usage,
        },
        { created: 1700000000 },
      ),
    ).toEqual({
      id: 'msg_1',
      object: 'chat.completion',
      created: 1700000000,
      model: 'claude-sonnet-4-20250514',
      choices: [
        {
          index: 0,
          message: { role: 'assistant', content: 'Hello world', refusal: null, reasoning_content: 'hmm', thinking_blocks: [{ type: 'thinking', thinking: 'hmm', signature: 's' }] },
          finish_reason: 'stop',
          logprobs: null,
        },
      ],
      usage: openAIUsage,
    });
  });

  it('returns tool_use blocks as tool_calls', () => {
    const res = convertAnthropicResponse(
      {
        id: 'msg_2',
        model: 'm',
        content: [{ type: 'tool_use', id: 'toolu_1', name: 'get_weather', input: { city: 'Paris' } }],
        stop_reason: 'tool_use',
        usage,
      },
      { created: 1 },
    );
    expect(res.choices[0]).toEqual({
      index: 0,
      message: {
        role: 'assistant',
        content: null,
        refusal: null,
        tool_calls: [{ id: 'toolu_1', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } }],
      },
      finish_reason: 'tool_calls',
      logprobs: null,
    });
  });

  it('returns the json_schema fallback tool input as content with finish_reason stop', () => {
    const res = convertAnthropicResponse(
      { id: 'msg_3', model: 'm', content: [{ type: 'tool_use', id: 'toolu_9', name: 'answer', input: { answer: '42' } }], stop_reason: 'tool_use', usage },
      { created: 1, jsonTool: 'answer' },
    );
    expect(res.choices[0].message).toEqual({ role: 'assistant', content: '{"answer":"42"}', refusal: null });
    expect(res.choices[0].finish_reason).toBe('stop');
  });

  it('keeps every thinking block of a tool call, in order and as received, redacted ones included', () => {
    const res = convertAnthropicResponse(
      {
        id: 'msg_4',
        model: 'claude-opus-5-5',
        content: [
          { type: 'redacted_thinking', data: 'EmwKAhgBEgy3va' },
          { type: 'thinking', thinking: 'The user wants the weather.', signature: 'sig-1' },
          { type: 'text', text: 'Checking.' },
          { type: 'tool_use', id: 'toolu_1', name: 'get_weather', input: { city: 'Paris' } },
        ],
        stop_reason: 'tool_use',
        usage,
      },
      { created: 1 },
    );
    expect(res.choices[0].message).toEqual({
      role: 'assistant',
      content: 'Checking.',
      refusal: null,
      tool_calls: [{ id: 'toolu_1', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } }],
      reasoning_content: 'The user wants the weather.',
      thinking_blocks: [
        { type: 'redacted_thinking', data: 'EmwKAhgBEgy3va' },
        { type: 'thinking', thinking: 'The user wants the weather.', signature: 'sig-1' },
      ],
    });
  });

  it('adds no reasoning fields to an answer without thinking, and no reasoning_content for redacted thinking alone', () => {
    const plain = convertAnthropicResponse({ id: 'm', model: 'm', content: [{ type: 'text', text: 'Hi' }], stop_reason: 'end_turn', usage }, { created: 1 });
    expect(Object.keys(plain.choices[0].message).sort()).toEqual(['content', 'refusal', 'role']);
    const redacted = convertAnthropicResponse({ id: 'm', model: 'm', content: [{ type: 'redacted_thinking', data: 'x' }, { type: 'text', text: 'Hi' }], stop_reason: 'end_turn', usage }, { created: 1 });
    expect(redacted.choices[0].message).toEqual({ role: 'assistant', content: 'Hi', refusal: null, thinking_blocks: [{ type: 'redacted_thinking', data: 'x' }] });
  });
});
