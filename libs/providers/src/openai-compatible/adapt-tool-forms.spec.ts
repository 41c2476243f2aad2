import type { ChatRequest, ChatTool } from '../../../core/src';
import { adaptToolForms } from './adapt-tool-forms';

const weather: ChatTool = { type: 'function', function: { name: 'get_weather', parameters: { type: 'object' } } };
const time: ChatTool = { type: 'function', function: { name: 'get_time' } };
const sql: ChatTool = { type: 'custom', custom: { name: 'run_sql', format: { type: 'grammar', grammar: { definition: 'start: /SELECT .+/', syntax: 'lark' } } } };
const user = { role: 'user' as const, content: 'x' };
const allowTime = { type: 'allowed_tools' as const, allowed_tools: { mode: 'required' as const, tools: [{ type: 'function', function: { name: 'get_time' } }] } };

describe('adaptToolForms', () => {
  it('passes both forms through unchanged to an upstream that takes them (OpenAI)', () => {
    const request: ChatRequest = { model: 'm', messages: [user], tools: [weather, time, sql], tool_choice: allowTime };
    expect(adaptToolForms(request, ['allowed_tools', 'custom_tools'])).toBe(request);
  });

  it('leaves a request without tools alone', () => {
    const request: ChatRequest = { model: 'm', messages: [user] };
    expect(adaptToolForms(request, [])).toBe(request);
  });

  it('sends only the allowed tools, with the mode as tool_choice, to an upstream without allowed_tools', () => {
    const request: ChatRequest = { model: 'm', messages: [user], tools: [weather, time], tool_choice: allowTime };
    expect(adaptToolForms(request, [])).toEqual({ model: 'm', messages: [user], tools: [time], tool_choice: 'required' });
    expect(adaptToolForms(request, ['custom_tools'])).toEqual({ model: 'm', messages: [user], tools: [time], tool_choice: 'required' });
  });

  it('refuses custom tools, a custom tool_choice and custom calls in the history where the upstream does not take them', () => {
    expect(() => adaptToolForms({ model: 'm', messages: [user], tools: [weather, sql] }, ['allowed_tools'])).toThrow(
      expect.objectContaining({ status: 400, param: 'tools[1]', code: 'unsupported_parameter', type: 'invalid_request_error' }),
    );
    const history: ChatRequest['messages'] = [
      user,
      { role: 'assistant', content: null, tool_calls: [{ id: 'c1', type: 'custom', custom: { name: 'run_sql', input: 'SELECT 1' } }] },
      { role: 'tool', tool_call_id: 'c1', content: '1' },
    ];
    expect(() => adaptToolForms({ model: 'm', messages: history, tools: [weather] }, [])).toThrow(expect.objectContaining({ status: 400, param: 'messages[1].tool_calls[0]' }));
    expect(() => adaptToolForms({ model: 'm', messages: history }, [])).toThrow(expect.objectContaining({ param: 'messages[1].tool_calls[0]' }));
  });
});
