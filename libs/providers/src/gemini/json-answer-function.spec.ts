import type { ChatRequest } from '../../../core/src';
import { convertToGeminiTools } from './convert-to-gemini-tools';
import { addJsonAnswerFunction, jsonAnswerFunctionName, planJsonFormat } from './json-answer-function';

const tools: ChatRequest['tools'] = [
  { type: 'function', function: { name: 'get_time', parameters: { type: 'object', properties: {} } } },
  { type: 'function', function: { name: 'get_weather', parameters: { type: 'object', properties: { city: { type: 'string' } } } } },
];
const json_schema = {
  name: 'answer',
  strict: true,
  schema: { type: 'object', properties: { answer: { type: 'string' } }, required: ['answer'], additionalProperties: false },
};
const schemaFormat = { type: 'json_schema' as const, json_schema };
const base = { model: 'gemini-2.5-flash', tools, response_format: schemaFormat };
const answerDeclaration = {
  name: 'answer',
  description: 'Give your final answer by calling this function, its arguments structured by the "answer" schema, once no other function needs to be called. Do not answer in text.',
  parameters: { type: 'object', properties: { answer: { type: 'string' } }, required: ['answer'] },
};
const add = (request: Pick<ChatRequest, 'model' | 'tools' | 'tool_choice' | 'response_format'>) => addJsonAnswerFunction(request, convertToGeminiTools(request));

describe('planJsonFormat', () => {
  it('sends the JSON format natively without tools and to Gemini 3, and nothing without a JSON format', () => {
    expect(planJsonFormat({ model: 'gemini-2.5-flash', response_format: schemaFormat })).toBe('native');
    expect(planJsonFormat({ model: 'gemini-2.5-flash', tools: [], response_format: { type: 'json_object' } })).toBe('native');
    expect(planJsonFormat({ ...base, model: 'gemini-3-flash-preview' })).toBe('native');
    expect(planJsonFormat({ ...base, response_format: { type: 'text' } })).toBe('none');
    expect(planJsonFormat({ model: 'gemini-2.5-flash', tools })).toBe('none');
  });

  it('asks Gemini 2.x for json_schema beside tools through a function, unless the tool choice forces a call', () => {
    for (const tool_choice of [undefined, 'auto', 'none'] as const) expect(planJsonFormat({ ...base, tool_choice })).toBe('function');
    expect(planJsonFormat({ ...base, tool_choice: { type: 'allowed_tools', allowed_tools: { mode: 'auto', tools: [{ type: 'function', function: { name: 'get_time' } }] } } })).toBe('function');
    for (const response_format of [schemaFormat, { type: 'json_object' as const }]) {
      for (const tool_choice of [
        'required' as const,
        { type: 'function' as const, function: { name: 'get_time' } },
        { type: 'allowed_tools' as const, allowed_tools: { mode: 'required' as const, tools: [{ type: 'function', function: { name: 'get_time' } }] } },
      ]) {
        expect(planJsonFormat({ ...base, response_format, tool_choice })).toBe('dropped');
      }
    }
  });

  it('refuses json_object beside tools on Gemini 2.x when the model may answer', () => {
    expect(planJsonFormat({ ...base, response_format: { type: 'json_object' } })).toBe('refused');
    expect(planJsonFormat({ ...base, response_format: { type: 'json_object' }, tool_choice: 'none' })).toBe('refused');
  });

  it('names the answer function only when the request is sent with one', () => {
    expect(jsonAnswerFunctionName(base)).toBe('answer');
    expect(jsonAnswerFunctionName({ ...base, tool_choice: 'required' })).toBeUndefined();
    expect(jsonAnswerFunctionName({ ...base, model: 'gemini-3-pro-preview' })).toBeUndefined();
    expect(jsonAnswerFunctionName({ ...base, tools: undefined })).toBeUndefined();
  });
});

describe('addJsonAnswerFunction', () => {
  it('declares the schema as one more function, in mode ANY, for auto or no tool choice', () => {
    for (const tool_choice of [undefined, 'auto'] as const) {
      expect(add({ ...base, tool_choice })).toEqual({
        tools: [
          {
            functionDeclarations: [{ name: 'get_time' }, { name: 'get_weather', parameters: { type: 'object', properties: { city: { type: 'string' } } } }, answerDeclaration],
          },
        ],
        toolConfig: { functionCallingConfig: { mode: 'ANY' } },
      });
    }
  });

  it('declares the answer function alone for tool_choice none, and beside the allowed tools for allowed_tools auto', () => {
    expect(add({ ...base, tool_choice: 'none' })).toEqual({ tools: [{ functionDeclarations: [answerDeclaration] }], toolConfig: { functionCallingConfig: { mode: 'ANY' } } });
    const allowed = add({ ...base, tool_choice: { type: 'allowed_tools', allowed_tools: { mode: 'auto', tools: [{ type: 'function', function: { name: 'get_weather' } }] } } });
    expect(allowed.tools?.[0].functionDeclarations.map((d) => d.name)).toEqual(['get_weather', 'answer']);
    expect(allowed.toolConfig).toEqual({ functionCallingConfig: { mode: 'ANY' } });
  });

  it("puts the schema's description first, and types an untyped root as an object", () => {
    const declared = add({ ...base, response_format: { type: 'json_schema', json_schema: { name: 'verdict', description: 'Whether the claim holds.', schema: { properties: { ok: { type: 'boolean' } } } } } });
    expect(declared.tools?.[0].functionDeclarations.at(-1)).toEqual({
      name: 'verdict',
      description: 'Whether the claim holds.\n\nGive your final answer by calling this function, its arguments structured by the "verdict" schema, once no other function needs to be called. Do not answer in text.',
      parameters: { type: 'object', properties: { ok: { type: 'boolean' } } },
    });
  });

  it('refuses a schema named as a tool or by a name no Gemini function may have, and a schema no function can carry', () => {
    expect(() => add({ ...base, response_format: { type: 'json_schema', json_schema: { ...json_schema, name: 'get_time' } } })).toThrow(
      expect.objectContaining({ status: 400, param: 'response_format', message: expect.stringContaining('collides') }),
    );
    expect(() => add({ ...base, response_format: { type: 'json_schema', json_schema: { ...json_schema, name: '2nd-answer' } } })).toThrow(
      expect.objectContaining({ status: 400, param: 'response_format', code: 'unsupported_value' }),
    );
    for (const schema of [undefined, { type: 'array', items: { type: 'string' } }, { type: 'object', properties: {} }, { type: 'object', additionalProperties: true }]) {
      expect(() => add({ ...base, response_format: { type: 'json_schema', json_schema: { name: 'answer', schema } } })).toThrow(
        expect.objectContaining({ status: 400, param: 'response_format', code: 'unsupported_value' }),
      );
    }
  });
});
