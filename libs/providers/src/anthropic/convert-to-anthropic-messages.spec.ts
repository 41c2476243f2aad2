import { GatewayError } from '../../../core/src';
import { convertToAnthropicMessages } from './convert-to-anthropic-messages';

describe('convertToAnthropicMessages', () => {
  it('hoists system and developer messages into system blocks', () => {
    expect(
      convertToAnthropicMessages([
        { role: 'system', content: 'Be brief.' },
        { role: 'developer', content: [{ type: 'text', text: 'Answer in French.' }] },
        { role: 'user', content: 'Hi' },
      ]),
    ).toEqual({
      system: [
        { type: 'text', text: 'Be brief.' },
        { type: 'text', text: 'Answer in French.' },
      ],
      messages: [{ role: 'user', content: [{ type: 'text', text: 'Hi' }] }],
    });
  });

  it('sends a prompt of system messages alone as the user turn, since the Messages API needs one message', () => {
    expect(
      convertToAnthropicMessages([
        { role: 'system', content: 'You write haiku.' },
        { role: 'developer', content: [{ type: 'text', text: 'One about autumn.' }] },
      ]),
    ).toEqual({
      system: [],
      messages: [{ role: 'user', content: [{ type: 'text', text: 'You write haiku.' }, { type: 'text', text: 'One about autumn.' }] }],
    });
  });

  it('converts text and images: data URLs to base64 sources, http URLs to url sources', () => {
    const { messages } = convertToAnthropicMessages([
      {
        role: 'user',
        content: [
          { type: 'text', text: 'What is this?' },
          { type: 'image_url', image_url: { url: 'data:image/png;base64,AAAA' } },
          { type: 'image_url', image_url: { url: 'https://example.com/cat.jpg', detail: 'high' } },
        ],
      },
    ]);
    expect(messages).toEqual([
      {
        role: 'user',
        content: [
          { type: 'text', text: 'What is this?' },
          { type: 'image', source: { type: 'base64', media_type: 'image/png', data: 'AAAA' } },
          { type: 'image', source: { type: 'url', url: 'https://example.com/cat.jpg' } },
        ],
      },
    ]);
  });

  it('turns assistant tool_calls into tool_use blocks and tool messages into one merged user turn', () => {
    const { messages } = convertToAnthropicMessages([
      { role: 'user', content: 'Weather in Paris and Rome?' },
      {
        role: 'assistant',
        content: 'Checking.',
        tool_calls: [
          { id: 'toolu_1', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } },
          { id: 'toolu_2', type: 'function', function: { name: 'get_weather', arguments: '' } },
        ],
      },
      { role: 'tool', tool_call_id: 'toolu_1', content: '18C' },
      { role: 'tool', tool_call_id: 'toolu_2', content: [{ type: 'text', text: '21C' }] },
      { role: 'user', content: 'Thanks!' },
    ]);
    expect(messages).toEqual([
      { role: 'user', content: [{ type: 'text', text: 'Weather in Paris and Rome?' }] },
      {
        role: 'assistant',
        content: [
          { type: 'text', text: 'Checking.' },
          { type: 'tool_use', id: 'toolu_1', name: 'get_weather', input: { city: 'Paris' } },
          { type: 'tool_use', id: 'toolu_2', name: 'get_weather', input: {} },
        ],
      },
      {
        role: 'user',
        content: [
          { type: 'tool_result', tool_use_id: 'toolu_1', content: '18C' },
          { type: 'tool_result', tool_use_id: 'toolu_2', content: [{ type: 'text', text: '21C' }] },
          { type: 'text', text: 'Thanks!' },
        ],
      },
    ]);
  });

  it("puts an assistant message's echoed thinking blocks first in its turn, verbatim, before its text and tool calls", () => {
    const thinking = [
      { type: 'redacted_thinking' as const, data: 'EmwKAhgB' },
      { type: 'thinking' as const, thinking: 'The user wants the weather.', signature: 'sig-1' },
    ];
    const echoed = {
      role: 'assistant' as const,
      content: 'Checking.',
      reasoning_content: 'The user wants the weather.',
      thinking_blocks: thinking,
      tool_calls: [{ id: 'toolu_1', type: 'function' as const, function: { name: 'get_weather', arguments: '{"city":"Paris"}' } }],
    };
    const { messages } = convertToAnthropicMessages([{ role: 'user', content: 'Weather in Paris?' }, echoed, { role: 'tool', tool_call_id: 'toolu_1', content: '18C' }]);
    expect(messages[1]).toEqual({
      role: 'assistant',
      content: [...thinking, { type: 'text', text: 'Checking.' }, { type: 'tool_use', id: 'toolu_1', name: 'get_weather', input: { city: 'Paris' } }],
    });
    const conversation = [{ role: 'user' as const, content: 'Weather in Paris?' }, echoed, { role: 'tool' as const, tool_call_id: 'toolu_1', content: '18C' }];
    expect(convertToAnthropicMessages(conversation, 'always').messages[1]).toEqual(messages[1]);
    // A model whose thinking is off refuses thinking in the turn a tool result answers.
    expect(convertToAnthropicMessages(conversation, 'off').messages[1]).toEqual({
      role: 'assistant',
      content: [{ type: 'text', text: 'Checking.' }, { type: 'tool_use', id: 'toolu_1', name: 'get_weather', input: { city: 'Paris' } }],
    });
  });

  it('keeps a system message that follows thinking sent back out of `system` (the prefix that thinking was made after), in a user turn where it stands', () => {
    const thinking = [{ type: 'thinking' as const, thinking: 'Weather tool.', signature: 'sig-1' }];
    const conversation = [
      { role: 'system' as const, content: 'You report the weather.' },
      { role: 'user' as const, content: 'Weather in Paris?' },
      { role: 'developer' as const, content: 'Use metric units.' },
      { role: 'assistant' as const, content: null, thinking_blocks: thinking, tool_calls: [{ id: 'toolu_1', type: 'function' as const, function: { name: 'get_weather', arguments: '{}' } }] },
      { role: 'tool' as const, tool_call_id: 'toolu_1', content: '18C' },
      { role: 'system' as const, content: 'Reminder: be brief.' },
      { role: 'user' as const, content: 'And tomorrow?' },
    ];
    const sent = convertToAnthropicMessages(conversation, 'always');
    // Before the thinking turn: the system prompt it was made after, unchanged.
    expect(sent.system).toEqual([
      { type: 'text', text: 'You report the weather.' },
      { type: 'text', text: 'Use metric units.' },
    ]);
    expect(sent.messages[2]).toEqual({
      role: 'user',
      content: [
        { type: 'tool_result', tool_use_id: 'toolu_1', content: '18C' },
        { type: 'text', text: 'Reminder: be brief.' },
        { type: 'text', text: 'And tomorrow?' },
      ],
    });
    // No thinking goes to the model (it does not think): every system message is hoisted, as before.
    const off = convertToAnthropicMessages(conversation, 'off');
    expect(off.system.map((b) => b.text)).toEqual(['You report the weather.', 'Use metric units.', 'Reminder: be brief.']);
    expect(off.messages[2].content).toHaveLength(2);
  });

  it('merges consecutive user messages and skips empty assistant text', () => {
    const { messages } = convertToAnthropicMessages([
      { role: 'user', content: 'a' },
      { role: 'user', content: 'b' },
      { role: 'assistant', content: '', tool_calls: [{ id: 't', type: 'function', function: { name: 'f', arguments: '{}' } }] },
    ]);
    expect(messages).toEqual([
      { role: 'user', content: [{ type: 'text', text: 'a' }, { type: 'text', text: 'b' }] },
      { role: 'assistant', content: [{ type: 'tool_use', id: 't', name: 'f', input: {} }] },
    ]);
  });

  it("leaves out an assistant turn's text that is only white space, which Anthropic refuses", () => {
    const { messages } = convertToAnthropicMessages([
      { role: 'user', content: 'Weather?' },
      { role: 'assistant', content: '\n\n', tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'weather', arguments: '{}' } }] },
      { role: 'tool', tool_call_id: 'call_1', content: 'sunny' },
      { role: 'assistant', content: [{ type: 'text', text: ' ' }, { type: 'text', text: 'It is sunny.' }] },
      { role: 'user', content: 'Thanks' },
    ]);
    expect(messages[1].content).toEqual([{ type: 'tool_use', id: 'call_1', name: 'weather', input: {} }]);
    expect(messages[3].content).toEqual([{ type: 'text', text: 'It is sunny.' }]);
  });

  it('leaves out user text that is empty or only white space, which Anthropic refuses and OpenAI takes', () => {
    const { messages } = convertToAnthropicMessages([
      { role: 'user', content: [{ type: 'text', text: '' }, { type: 'text', text: 'Hi' }, { type: 'text', text: ' \n' }] },
      { role: 'assistant', content: 'Hello' },
      { role: 'user', content: ' ' },
      { role: 'assistant', content: 'Still here.' },
      { role: 'user', content: 'Bye' },
    ]);
    expect(messages).toEqual([
      { role: 'user', content: [{ type: 'text', text: 'Hi' }] },
      { role: 'assistant', content: [{ type: 'text', text: 'Hello' }, { type: 'text', text: 'Still here.' }] },
      { role: 'user', content: [{ type: 'text', text: 'Bye' }] },
    ]);
  });

  it('refuses a last user message without text rather than make the conversation a prefill, unless a turn of its own role is before it', () => {
    const asked = [
      { role: 'user' as const, content: 'Hi' },
      { role: 'assistant' as const, content: 'Hello' },
    ];
    for (const content of ['', '  ', [{ type: 'text' as const, text: '' }]]) {
      expect(() => convertToAnthropicMessages([...asked, { role: 'user', content }])).toThrow(
        expect.objectContaining({ status: 400, code: 'unsupported_value', param: 'messages[2].content' }),
      );
    }
    expect(() => convertToAnthropicMessages([{ role: 'user', content: '' }])).toThrow(expect.objectContaining({ param: 'messages[0].content' }));
    // After a tool result, the user turn it joins is still the last: nothing changes meaning.
    const afterTool = convertToAnthropicMessages([
      { role: 'user', content: 'Weather?' },
      { role: 'assistant', content: null, tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'weather', arguments: '{}' } }] },
      { role: 'tool', tool_call_id: 'call_1', content: 'sunny' },
      { role: 'user', content: '' },
    ]);
    expect(afterTool.messages[2]).toEqual({ role: 'user', content: [{ type: 'tool_result', tool_use_id: 'call_1', content: 'sunny' }] });
    // With a system prompt only besides it, the prompt is the system's.
    expect(convertToAnthropicMessages([{ role: 'system', content: 'Tell a joke.' }, { role: 'user', content: '' }]).messages).toEqual([
      { role: 'user', content: [{ type: 'text', text: 'Tell a joke.' }] },
    ]);
  });

  it('cuts the trailing white space of a final assistant turn (a prefill), which Anthropic refuses', () => {
    const input = [
      { role: 'user' as const, content: 'Write JSON.' },
      { role: 'assistant' as const, content: '{\n  ' },
    ];
    const { messages } = convertToAnthropicMessages(input);
    expect(messages[1].content).toEqual([{ type: 'text', text: '{' }]);
    // The client's messages are left as they were.
    expect(input[1].content).toBe('{\n  ');
    // An earlier assistant turn keeps its text as it is.
    const earlier = convertToAnthropicMessages([...input, { role: 'user', content: 'Go on.' }]);
    expect(earlier.messages[1].content).toEqual([{ type: 'text', text: '{\n  ' }]);
  });

  it('sends inline PDFs as documents', () => {
    const { messages } = convertToAnthropicMessages([
      { role: 'user', content: [{ type: 'file', file: { file_data: 'data:application/pdf;base64,JVBE', filename: 'a.pdf' } }] },
    ]);
    expect(messages[0].content).toEqual([{ type: 'document', source: { type: 'base64', media_type: 'application/pdf', data: 'JVBE' } }]);
  });

  it.each([
    [[{ role: 'user' as const, content: [{ type: 'input_audio' as const, input_audio: { data: 'x', format: 'wav' as const } }] }], 'messages[0].content[0]'],
    [[{ role: 'user' as const, content: [{ type: 'image_url' as const, image_url: { url: 'data:image/tiff;base64,AA' } }] }], 'messages[0].content[0]'],
    [[{ role: 'user' as const, content: [{ type: 'image_url' as const, image_url: { url: 'ftp://x/y.png' } }] }], 'messages[0].content[0]'],
    [
      [{ role: 'assistant' as const, tool_calls: [{ id: 't', type: 'function' as const, function: { name: 'f', arguments: '{oops' } }] }],
      'messages[0].tool_calls[0].function.arguments',
    ],
    [[{ role: 'function' as const, name: 'f', content: 'x' }], 'messages[0].role'],
  ])('rejects what it cannot send (%#) with a 400 naming the param', (messages, param) => {
    let caught: unknown;
    try {
      convertToAnthropicMessages(messages);
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(GatewayError);
    expect(caught).toMatchObject({ status: 400, param });
  });
});
