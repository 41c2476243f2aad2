import type { ChatTool } from '../../../core/src';
import { convertToAnthropicTools } from './convert-to-anthropic-tools';

const weather: ChatTool = {
  type: 'function',
  function: {
    name: 'get_weather',
    description: 'Current weather',
    parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
  },
};
const anthropicWeather = {
  name: 'get_weather',
  description: 'Current weather',
  input_schema: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
};

describe('convertToAnthropicTools', () => {
  it('returns nothing without tools, even with a tool_choice', () => {
    expect(convertToAnthropicTools({ tool_choice: 'auto' })).toEqual({});
  });

  it('converts function tools; a tool without parameters gets an empty object schema', () => {
    expect(convertToAnthropicTools({ tools: [weather, { type: 'function', function: { name: 'now' } }] })).toEqual({
      tools: [anthropicWeather, { name: 'now', input_schema: { type: 'object' } }],
    });
  });

  it.each([
    ['none', { type: 'none' }],
    ['auto', { type: 'auto' }],
    ['required', { type: 'any' }],
    [{ type: 'function', function: { name: 'get_weather' } }, { type: 'tool', name: 'get_weather' }],
  ] as const)('maps tool_choice %j', (choice, expected) => {
    expect(convertToAnthropicTools({ tools: [weather], tool_choice: choice }).tool_choice).toEqual(expected);
  });

  it('maps parallel_tool_calls false to disable_parallel_tool_use', () => {
    expect(convertToAnthropicTools({ tools: [weather], parallel_tool_calls: false }).tool_choice).toEqual({
      type: 'auto',
      disable_parallel_tool_use: true,
    });
    expect(convertToAnthropicTools({ tools: [weather], tool_choice: 'required', parallel_tool_calls: false }).tool_choice).toEqual({
      type: 'any',
      disable_parallel_tool_use: true,
    });
  });

  it('offers Claude only the allowed tools: allowed_tools auto -> auto, required -> any', () => {
    const now: ChatTool = { type: 'function', function: { name: 'now' } };
    const allowed = (mode: 'auto' | 'required') => ({ type: 'allowed_tools' as const, allowed_tools: { mode, tools: [{ type: 'function', function: { name: 'get_weather' } }] } });
    expect(convertToAnthropicTools({ tools: [now, weather], tool_choice: allowed('auto') })).toEqual({ tools: [anthropicWeather], tool_choice: { type: 'auto' } });
    expect(convertToAnthropicTools({ tools: [now, weather], tool_choice: allowed('required'), parallel_tool_calls: false })).toEqual({
      tools: [anthropicWeather],
      tool_choice: { type: 'any', disable_parallel_tool_use: true },
    });
  });

  it('refuses custom tools and a custom tool_choice (a 400 the route answers with another model)', () => {
    expect(() => convertToAnthropicTools({ tools: [{ type: 'custom', custom: { name: 'grammar' } }] })).toThrow(
      expect.objectContaining({ status: 400, param: 'tools[0]', code: 'unsupported_parameter' }),
    );
    expect(() => convertToAnthropicTools({ tools: [weather], tool_choice: { type: 'custom', custom: { name: 'grammar' } } })).toThrow(
      expect.objectContaining({ status: 400, param: 'tool_choice' }),
    );
  });
});
