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
});
