import { convertInputToMessages } from './convert-input-to-messages';
import { parseResponsesRequest } from './parse-responses-request';

const input = (items: unknown[]) => parseResponsesRequest({ model: 'm', input: items }).input;

describe('convertInputToMessages', () => {
  it('puts the instructions first, as a system message, before a string input as the user message', () => {
    expect(convertInputToMessages('Hi', 'Be brief')).toEqual([
      { role: 'system', content: 'Be brief' },
      { role: 'user', content: 'Hi' },
    ]);
    expect(convertInputToMessages('Hi', null)).toEqual([{ role: 'user', content: 'Hi' }]);
  });

  it('maps message parts: input_text and input_image for the user, output_text and refusal for the assistant', () => {
    const messages = convertInputToMessages(
      input([
        { role: 'developer', content: [{ type: 'input_text', text: 'Rules' }] },
        { role: 'user', content: [{ type: 'input_text', text: 'What is this?' }, { type: 'input_image', image_url: 'https://x/cat.png', detail: 'low' }] },
        { type: 'message', role: 'assistant', id: 'msg_1', status: 'completed', content: [{ type: 'output_text', text: 'A cat.', annotations: [] }] },
        { role: 'assistant', content: [{ type: 'refusal', refusal: 'No.' }] },
        { role: 'system', content: 'Plain' },
      ]),
      undefined,
    );
    expect(messages).toEqual([
      { role: 'developer', content: [{ type: 'text', text: 'Rules' }] },
      { role: 'user', content: [{ type: 'text', text: 'What is this?' }, { type: 'image_url', image_url: { url: 'https://x/cat.png', detail: 'low' } }] },
      { role: 'assistant', content: 'A cat.' },
      { role: 'assistant', content: null, refusal: 'No.' },
      { role: 'system', content: 'Plain' },
    ]);
  });

  it('joins function calls to the assistant message before them (parallel calls are one turn), and outputs become tool messages', () => {
    const messages = convertInputToMessages(
      input([
        { role: 'user', content: 'Weather in Paris and Oslo?' },
        { type: 'message', role: 'assistant', content: [{ type: 'output_text', text: 'Checking.' }] },
        { type: 'function_call', call_id: 'c1', name: 'weather', arguments: '{"city":"Paris"}' },
        { type: 'function_call', call_id: 'c2', name: 'weather', arguments: '{"city":"Oslo"}' },
        { type: 'function_call_output', call_id: 'c1', output: '18' },
        { type: 'function_call_output', call_id: 'c2', output: [{ type: 'input_text', text: '9' }] },
      ]),
      undefined,
    );
    expect(messages).toEqual([
      { role: 'user', content: 'Weather in Paris and Oslo?' },
      {
        role: 'assistant',
        content: 'Checking.',
        tool_calls: [
          { id: 'c1', type: 'function', function: { name: 'weather', arguments: '{"city":"Paris"}' } },
          { id: 'c2', type: 'function', function: { name: 'weather', arguments: '{"city":"Oslo"}' } },
        ],
      },
      { role: 'tool', tool_call_id: 'c1', content: '18' },
      { role: 'tool', tool_call_id: 'c2', content: [{ type: 'text', text: '9' }] },
    ]);
  });

  it('opens an assistant message for a function call that follows a tool result or a user message', () => {
    const messages = convertInputToMessages(
      input([
        { role: 'user', content: 'Go' },
        { type: 'function_call', call_id: 'c1', name: 'a', arguments: '{}' },
        { type: 'function_call_output', call_id: 'c1', output: 'ok' },
        { type: 'function_call', call_id: 'c2', name: 'b', arguments: '{}' },
      ]),
      undefined,
    );
    expect(messages.map((m) => m.role)).toEqual(['user', 'assistant', 'tool', 'assistant']);
    expect(messages[3]).toEqual({ role: 'assistant', content: null, tool_calls: [{ id: 'c2', type: 'function', function: { name: 'b', arguments: '{}' } }] });
  });
});
