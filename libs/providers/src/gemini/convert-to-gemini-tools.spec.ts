import type { ChatTool } from '../../../core/src';
import { convertToGeminiTools } from './convert-to-gemini-tools';

const weather: ChatTool = {
  type: 'function',
  function: { name: 'get_weather', description: 'Weather', parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'], additionalProperties: false } },
};

describe('convertToGeminiTools', () => {
  it('declares functions, dropping empty parameter schemas and rejected keywords', () => {
    expect(convertToGeminiTools({ tools: [weather, { type: 'function', function: { name: 'now', parameters: { type: 'object', properties: {} } } }] })).toEqual({
      tools: [
        {
          functionDeclarations: [
            { name: 'get_weather', description: 'Weather', parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] } },
            { name: 'now' },
          ],
        },
      ],
    });
  });

  it.each([
    ['none', { functionCallingConfig: { mode: 'NONE' } }],
    ['auto', { functionCallingConfig: { mode: 'AUTO' } }],
    ['required', { functionCallingConfig: { mode: 'ANY' } }],
    [{ type: 'function', function: { name: 'get_weather' } }, { functionCallingConfig: { mode: 'ANY', allowedFunctionNames: ['get_weather'] } }],
  ] as const)('maps tool_choice %j', (choice, toolConfig) => {
    expect(convertToGeminiTools({ tools: [weather], tool_choice: choice }).toolConfig).toEqual(toolConfig);
  });

  it('refuses parallel_tool_calls false and custom tools', () => {
    expect(() => convertToGeminiTools({ tools: [weather], parallel_tool_calls: false })).toThrow(expect.objectContaining({ status: 400, param: 'parallel_tool_calls' }));
    expect(() => convertToGeminiTools({ tools: [{ type: 'custom', custom: { name: 'c' } }] })).toThrow(expect.objectContaining({ param: 'tools[0]' }));
  });

  it('restricts Gemini to the allowed functions: required -> ANY with allowedFunctionNames, auto -> only those declared', () => {
    const now: ChatTool = { type: 'function', function: { name: 'now' } };
    const allowed = (mode: 'auto' | 'required') => ({ type: 'allowed_tools' as const, allowed_tools: { mode, tools: [{ type: 'function', function: { name: 'get_weather' } }] } });
    const required = convertToGeminiTools({ tools: [weather, now], tool_choice: allowed('required') });
    expect(required.tools?.[0].functionDeclarations?.map((d) => d.name)).toEqual(['get_weather', 'now']);
    expect(required.toolConfig).toEqual({ functionCallingConfig: { mode: 'ANY', allowedFunctionNames: ['get_weather'] } });
    // allowedFunctionNames is only honoured with ANY (https://ai.google.dev/api/caching#FunctionCallingConfig)
    const auto = convertToGeminiTools({ tools: [weather, now], tool_choice: allowed('auto') });
    expect(auto.tools?.[0].functionDeclarations?.map((d) => d.name)).toEqual(['get_weather']);
    expect(auto.toolConfig).toEqual({ functionCallingConfig: { mode: 'AUTO' } });
  });

  it('refuses a custom tool_choice with code unsupported_parameter', () => {
    expect(() => convertToGeminiTools({ tools: [{ type: 'custom', custom: { name: 'c' } }] })).toThrow(expect.objectContaining({ code: 'unsupported_parameter' }));
    expect(() => convertToGeminiTools({ tools: [weather], tool_choice: { type: 'custom', custom: { name: 'c' } } })).toThrow(expect.objectContaining({ param: 'tool_choice' }));
  });
});
