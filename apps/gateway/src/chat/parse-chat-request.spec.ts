import { GatewayError } from '../../../../libs/core/src';
import { parseChatRequest } from './parse-chat-request';

function errorOf(body: unknown): GatewayError {
  try {
    parseChatRequest(body);
  } catch (err) {
    return err as GatewayError;
  }
  throw new Error('expected an error');
}

describe('parseChatRequest', () => {
  it('accepts a valid request and keeps unknown fields for the adapter', () => {
    const request = parseChatRequest({ model: 'auto', messages: [{ role: 'user', content: 'hi' }], logprobs: true });
    expect(request).toMatchObject({ model: 'auto', logprobs: true });
  });

  it("keeps an assistant message's thinking_blocks and reasoning_content as the client echoed them, for the adapter", () => {
    const assistant = {
      role: 'assistant',
      content: null,
      reasoning_content: 'The user wants the weather.',
      thinking_blocks: [
        { type: 'redacted_thinking', data: 'EmwKAhgB' },
        { type: 'thinking', thinking: 'The user wants the weather.', signature: 'sig-1' },
      ],
      tool_calls: [{ id: 'toolu_1', type: 'function', function: { name: 'get_weather', arguments: '{}' } }],
    };
    const body = { model: 'auto', messages: [{ role: 'user', content: 'Weather?' }, assistant, { role: 'tool', tool_call_id: 'toolu_1', content: '18C' }] };
    expect(parseChatRequest(body).messages[1]).toEqual(assistant);
    const textOnly = { model: 'auto', messages: [{ role: 'user', content: 'Hi' }, { role: 'assistant', content: 'Hello', thinking_blocks: assistant.thinking_blocks }, { role: 'user', content: 'Bye' }] };
    expect(parseChatRequest(textOnly).messages[1]).toEqual(textOnly.messages[1]);
  });

  it('names a missing parameter', () => {
    const err = errorOf({ model: 'auto' });
    expect(err.status).toBe(400);
    expect(err.toBody()).toEqual({ error: { message: "Missing required parameter: 'messages'.", type: 'invalid_request_error', param: 'messages', code: 'missing_required_parameter' } });
  });

  it('points at the wrong field with its path', () => {
    expect(errorOf({ model: 'auto', messages: [{ role: 'user', content: 'x' }], temperature: 'hot' }).param).toBe('temperature');
    expect(errorOf({ model: 'auto', messages: [{ role: 'user', content: 5 }] }).param).toBe('messages[0].content');
    expect(errorOf({ model: 'auto', messages: [{ role: 'wizard', content: 'x' }] }).param).toBe('messages[0].role');
    expect(errorOf({ model: 'auto', messages: [] }).param).toBe('messages');
  });

  it('rejects a body that is not an object', () => {
    expect(errorOf([1, 2]).code).toBe('invalid_body');
    expect(errorOf('text').status).toBe(400);
  });

  it('refuses tool_choice without tools, and an empty tools array, as OpenAI does', () => {
    const messages = [{ role: 'user', content: 'x' }];
    const lone = errorOf({ model: 'auto', messages, tool_choice: 'auto' });
    expect(lone.toBody()).toEqual({
      error: { message: "Invalid value for 'tool_choice': 'tool_choice' is only allowed when 'tools' are specified.", type: 'invalid_request_error', param: 'tool_choice', code: 'invalid_value' },
    });
    expect(errorOf({ model: 'auto', messages, tool_choice: { type: 'function', function: { name: 'f' } } }).param).toBe('tool_choice');
    const empty = errorOf({ model: 'auto', messages, tools: [] });
    expect([empty.status, empty.param, empty.code]).toEqual([400, 'tools', 'empty_array']);
    const tool = { type: 'function', function: { name: 'f', parameters: { type: 'object' } } };
    expect(parseChatRequest({ model: 'auto', messages, tools: [tool], tool_choice: 'required' })).toMatchObject({ tool_choice: 'required' });
  });

  describe("OpenAI's newer tool forms", () => {
    const messages = [{ role: 'user', content: 'x' }];
    const weather = { type: 'function', function: { name: 'get_weather', parameters: { type: 'object' } } };
    const time = { type: 'function', function: { name: 'get_time' } };
    const sql = { type: 'custom', custom: { name: 'run_sql', description: 'One SQL query', format: { type: 'grammar', grammar: { definition: 'start: "SELECT" /.+/', syntax: 'lark' } } } };
    const shell = { type: 'custom', custom: { name: 'shell', format: { type: 'text' } } };
    const allowed = (mode: string, ...names: Array<[string, string]>) => ({
      type: 'allowed_tools',
      allowed_tools: { mode, tools: names.map(([type, name]) => ({ type, [type]: { name } })) },
    });

    it('accepts an allowed_tools tool_choice naming declared tools, and keeps it as it is', () => {
      const choice = allowed('required', ['function', 'get_time'], ['custom', 'shell']);
      expect(parseChatRequest({ model: 'auto', messages, tools: [weather, time, shell], tool_choice: choice }).tool_choice).toEqual(choice);
      expect(parseChatRequest({ model: 'auto', messages, tools: [weather], tool_choice: allowed('auto', ['function', 'get_weather']) }).tool_choice).toMatchObject({ type: 'allowed_tools' });
    });

    it('refuses an allowed_tools entry that names no declared tool, as OpenAI refuses an unknown tool choice', () => {
      const err = errorOf({ model: 'auto', messages, tools: [weather, time], tool_choice: allowed('auto', ['function', 'get_time'], ['function', 'get_news']) });
      expect(err.toBody()).toEqual({
        error: { message: "Tool choice 'get_news' not found in 'tools' parameter.", type: 'invalid_request_error', param: 'tool_choice', code: null },
      });
      // the name exists, but as a function, not a custom tool
      expect(errorOf({ model: 'auto', messages, tools: [weather], tool_choice: allowed('auto', ['custom', 'get_weather']) }).message).toContain("'get_weather' not found");
      expect(errorOf({ model: 'auto', messages, tools: [weather], tool_choice: allowed('sometimes', ['function', 'get_weather']) }).param).toBe('tool_choice');
      const empty = errorOf({ model: 'auto', messages, tools: [weather], tool_choice: { type: 'allowed_tools', allowed_tools: { mode: 'auto', tools: [] } } });
      expect([empty.status, empty.param, empty.code]).toEqual([400, 'tool_choice.allowed_tools.tools', 'empty_array']);
    });

    it('refuses a named function tool_choice that names no declared function, for every provider', () => {
      // Each adapter would do something else with it (OpenAI a 400, Anthropic its own 400, Gemini an unknown allowed name).
      expect(parseChatRequest({ model: 'auto', messages, tools: [weather], tool_choice: { type: 'function', function: { name: 'get_weather' } } }).tool_choice).toEqual({ type: 'function', function: { name: 'get_weather' } });
      const err = errorOf({ model: 'auto', messages, tools: [weather, shell], tool_choice: { type: 'function', function: { name: 'shell' } } });
      expect([err.status, err.message, err.param]).toEqual([400, "Tool choice 'shell' not found in 'tools' parameter.", 'tool_choice']);
    });

    it('accepts custom tools (free text or a grammar) and a custom tool_choice', () => {
      const request = parseChatRequest({ model: 'auto', messages, tools: [weather, sql, shell], tool_choice: { type: 'custom', custom: { name: 'run_sql' } } });
      expect(request.tools).toEqual([weather, sql, shell]);
      expect(request.tool_choice).toEqual({ type: 'custom', custom: { name: 'run_sql' } });
      expect(errorOf({ model: 'auto', messages, tools: [weather], tool_choice: { type: 'custom', custom: { name: 'run_sql' } } }).message).toBe(
        "Tool choice 'run_sql' not found in 'tools' parameter.",
      );
      const badSyntax = { type: 'custom', custom: { name: 'q', format: { type: 'grammar', grammar: { definition: 'x', syntax: 'ebnf' } } } };
      expect(errorOf({ model: 'auto', messages, tools: [badSyntax] }).param).toBe('tools[0].custom.format.grammar.syntax');
      expect(errorOf({ model: 'auto', messages, tools: [{ type: 'custom', custom: { name: 'bad name!' } }] }).param).toBe('tools[0].custom.name');
    });

    it("accepts a later turn: the assistant's custom tool call and the tool's result", () => {
      const history = [
        { role: 'user', content: 'How many users?' },
        { role: 'assistant', content: null, tool_calls: [{ id: 'call_1', type: 'custom', custom: { name: 'run_sql', input: 'SELECT count(*) FROM users' } }] },
        { role: 'tool', tool_call_id: 'call_1', content: '42' },
      ];
      const request = parseChatRequest({ model: 'auto', messages: history, tools: [sql] });
      expect(request.messages).toEqual(history);
      const missingInput = [history[0], { role: 'assistant', tool_calls: [{ id: 'call_1', type: 'custom', custom: { name: 'run_sql' } }] }];
      expect(errorOf({ model: 'auto', messages: missingInput, tools: [sql] }).param).toBe('messages[1].tool_calls[0].custom.input');
    });
  });
});
