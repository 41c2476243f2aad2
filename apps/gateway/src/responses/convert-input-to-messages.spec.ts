import { GatewayError, type ChatThinkingBlock } from '../../../../libs/core/src';
import { convertInputToMessages } from './convert-input-to-messages';
import { parseResponsesRequest } from './parse-responses-request';
import { encodeThinkingBlocks } from './reasoning-encrypted-content';

const input = (items: unknown[]) => parseResponsesRequest({ model: 'm', input: items }).input;

describe('convertInputToMessages', () => {
  it('puts the instructions first, as a system message, before a string input as the user message', () => {
    expect(convertInputToMessages('Hi', 'Be brief').messages).toEqual([
      { role: 'system', content: 'Be brief' },
      { role: 'user', content: 'Hi' },
    ]);
    expect(convertInputToMessages('Hi', null).messages).toEqual([{ role: 'user', content: 'Hi' }]);
  });

  it('maps message parts: input_text and input_image for the user, output_text and refusal for the assistant', () => {
    const { messages } = convertInputToMessages(
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

  it('maps an input_file with its file_data to a chat file part, its filename kept', () => {
    const pdf = 'data:application/pdf;base64,JVBERi0x';
    const { messages } = convertInputToMessages(
      input([{ role: 'user', content: [{ type: 'input_file', filename: 'a.pdf', file_data: pdf, file_id: null, detail: 'high' }, { type: 'input_file', file_data: pdf }] }]),
      undefined,
    );
    expect(messages).toEqual([{ role: 'user', content: [{ type: 'file', file: { filename: 'a.pdf', file_data: pdf } }, { type: 'file', file: { file_data: pdf } }] }]);
  });

  it('joins function calls to the assistant message before them (parallel calls are one turn), and outputs become tool messages', () => {
    const { messages } = convertInputToMessages(
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
    const { messages } = convertInputToMessages(
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

  describe('reasoning items', () => {
    const first: ChatThinkingBlock[] = [{ type: 'thinking', thinking: 'Paris first.', signature: 'sig1' }];
    const second: ChatThinkingBlock[] = [{ type: 'redacted_thinking', data: 'opaque' }];
    const reasoning = (blocks: ChatThinkingBlock[] | string | null) => ({
      type: 'reasoning',
      id: 'rs_1',
      summary: [{ type: 'summary_text', text: 'Thinking…' }],
      encrypted_content: typeof blocks === 'string' || blocks === null ? blocks : encodeThinkingBlocks(blocks),
    });
    const call = (id: string) => ({ type: 'function_call', call_id: id, name: 'weather', arguments: '{}' });
    const chatCall = (id: string) => ({ id, type: 'function', function: { name: 'weather', arguments: '{}' } });

    it('gives the gateway’s thinking blocks to the assistant message it precedes, its text and calls one turn', () => {
      const { messages } = convertInputToMessages(
        input([
          { role: 'user', content: 'Weather?' },
          reasoning(first),
          { type: 'message', role: 'assistant', content: [{ type: 'output_text', text: 'Checking.' }] },
          call('c1'),
          call('c2'),
          { type: 'function_call_output', call_id: 'c1', output: '18' },
          { type: 'function_call_output', call_id: 'c2', output: '9' },
          reasoning(second),
          call('c3'),
          { type: 'function_call_output', call_id: 'c3', output: 'ok' },
        ]),
        undefined,
      );
      expect(messages).toEqual([
        { role: 'user', content: 'Weather?' },
        { role: 'assistant', content: 'Checking.', thinking_blocks: first, tool_calls: [chatCall('c1'), chatCall('c2')] },
        { role: 'tool', tool_call_id: 'c1', content: '18' },
        { role: 'tool', tool_call_id: 'c2', content: '9' },
        { role: 'assistant', content: null, tool_calls: [chatCall('c3')], thinking_blocks: second },
        { role: 'tool', tool_call_id: 'c3', content: 'ok' },
      ]);
    });

    it('gives a reasoning item after its turn’s items (nothing of the assistant after it) to that turn, several in their order', () => {
      const { messages } = convertInputToMessages(input([{ role: 'user', content: 'Go' }, reasoning(first), call('c1'), reasoning(second), { type: 'function_call_output', call_id: 'c1', output: 'ok' }]), undefined);
      expect(messages[1]).toEqual({ role: 'assistant', content: null, tool_calls: [chatCall('c1')], thinking_blocks: [...first, ...second] });
      const { messages: last } = convertInputToMessages(input([{ role: 'user', content: 'Hi' }, { role: 'assistant', content: 'Hello' }, reasoning(second)]), undefined);
      expect(last[1]).toEqual({ role: 'assistant', content: 'Hello', thinking_blocks: second });
    });

    it('leaves out a reasoning item that is not the gateway’s (OpenAI’s, none) or belongs to no assistant turn', () => {
      const { messages } = convertInputToMessages(
        input([reasoning(first), { role: 'user', content: 'Hi' }, reasoning('gAAAAABopenai'), { role: 'assistant', content: 'Hello' }, reasoning(null), call('c1'), { role: 'user', content: 'More' }]),
        'Be brief',
      );
      expect(messages).toEqual([
        { role: 'system', content: 'Be brief' },
        { role: 'user', content: 'Hi' },
        { role: 'assistant', content: 'Hello', tool_calls: [chatCall('c1')] },
        { role: 'user', content: 'More' },
      ]);
    });

    it('records where each message came from: the instructions, the first item of a turn, each call and thinking block its item', () => {
      const { origins } = convertInputToMessages(
        input([{ role: 'user', content: 'Go' }, reasoning(first), call('c1'), call('c2'), reasoning(second), { type: 'function_call_output', call_id: 'c1', output: 'ok' }, { role: 'assistant', content: 'Done' }, call('c3')]),
        'Be brief',
      );
      expect(origins).toEqual([
        { param: 'instructions', kind: 'whole' },
        { param: 'input[0]', kind: 'message' },
        { param: 'input[2]', kind: 'function_call', toolCalls: [2, 3], thinking: [1, 4] },
        { param: 'input[5]', kind: 'function_call_output' },
        { param: 'input[6]', kind: 'message', toolCalls: [7] },
      ]);
      expect(convertInputToMessages('Hi', null).origins).toEqual([{ param: 'input', kind: 'whole' }]);
    });

    it('refuses the gateway’s own encrypted_content when altered, naming the item', () => {
      const altered = `${encodeThinkingBlocks(first).slice(0, -8)}AAAA`;
      try {
        convertInputToMessages(input([{ role: 'user', content: 'Hi' }, { role: 'user', content: 'Again' }, reasoning(altered), call('c1')]), undefined);
        throw new Error('expected a refusal');
      } catch (err) {
        expect(err).toBeInstanceOf(GatewayError);
        expect(err).toMatchObject({ status: 400, param: 'input[2].encrypted_content' });
      }
    });
  });
});
