import { convertToGeminiRequest } from './convert-to-gemini-request';

describe('convertToGeminiRequest', () => {
  it('maps generation parameters', () => {
    expect(
      convertToGeminiRequest({
        model: 'gemini-2.5-flash',
        messages: [{ role: 'system', content: 'sys' }, { role: 'user', content: 'hi' }],
        max_completion_tokens: 256,
        temperature: 0.4,
        top_p: 0.8,
        stop: 'END',
        n: 2,
        seed: 11,
        user: 'ignored',
      }),
    ).toEqual({
      contents: [{ role: 'user', parts: [{ text: 'hi' }] }],
      systemInstruction: { parts: [{ text: 'sys' }] },
      generationConfig: { maxOutputTokens: 256, temperature: 0.4, topP: 0.8, stopSequences: ['END'], candidateCount: 2, seed: 11 },
    });
  });

  it('maps reasoning_effort to thinkingConfig, with the thought summaries', () => {
    expect(convertToGeminiRequest({ model: 'gemini-2.5-flash', messages: [{ role: 'user', content: 'hi' }], reasoning_effort: 'low' }).generationConfig).toEqual({
      thinkingConfig: { includeThoughts: true, thinkingBudget: 1024 },
    });
  });

  it('refuses a penalty, which Gemini 2.5 and later answer with a 400', () => {
    expect(() => convertToGeminiRequest({ model: 'gemini-2.5-flash', messages: [{ role: 'user', content: 'hi' }], presence_penalty: 0.5 })).toThrow(
      expect.objectContaining({ status: 400, param: 'presence_penalty', code: 'unsupported_parameter' }),
    );
  });

  it('sends no generationConfig when nothing is set', () => {
    expect(convertToGeminiRequest({ model: 'm', messages: [{ role: 'user', content: 'hi' }] })).toEqual({ contents: [{ role: 'user', parts: [{ text: 'hi' }] }] });
  });

  it('maps json_object and json_schema', () => {
    expect(convertToGeminiRequest({ model: 'm', messages: [{ role: 'user', content: 'x' }], response_format: { type: 'json_object' } }).generationConfig).toEqual({
      responseMimeType: 'application/json',
    });
    expect(
      convertToGeminiRequest({
        model: 'm',
        messages: [{ role: 'user', content: 'x' }],
        max_tokens: 10,
        response_format: { type: 'json_schema', json_schema: { name: 'a', strict: true, schema: { type: 'object', properties: { a: { type: 'string' } }, additionalProperties: false } } },
      }).generationConfig,
    ).toEqual({ maxOutputTokens: 10, responseMimeType: 'application/json', responseSchema: { type: 'object', properties: { a: { type: 'string' } } } });
  });

  it('asks Gemini 2.x for json_schema beside function tools as a function call in mode ANY, and sends later models both', () => {
    const tools = [{ type: 'function' as const, function: { name: 'get_time', parameters: { type: 'object', properties: {} } } }];
    const response_format = { type: 'json_schema' as const, json_schema: { name: 'answer', schema: { type: 'object', properties: { a: { type: 'string' } } } } };
    const messages = [{ role: 'user' as const, content: 'x' }];
    const body = convertToGeminiRequest({ model: 'gemini-2.5-flash', messages, tools, response_format, max_tokens: 10 });
    // No JSON response: Gemini 2.x answers it beside function tools with a 400.
    expect(body.generationConfig).toEqual({ maxOutputTokens: 10 });
    expect(body.tools?.[0].functionDeclarations).toEqual([{ name: 'get_time' }, expect.objectContaining({ name: 'answer', parameters: { type: 'object', properties: { a: { type: 'string' } } } })]);
    expect(body.toolConfig).toEqual({ functionCallingConfig: { mode: 'ANY' } });

    const later = convertToGeminiRequest({ model: 'gemini-3-flash-preview', messages, tools, response_format });
    expect(later.tools?.[0].functionDeclarations).toEqual([{ name: 'get_time' }]);
    expect(later).not.toHaveProperty('toolConfig');
    expect(later.generationConfig).toEqual({ responseMimeType: 'application/json', responseSchema: { type: 'object', properties: { a: { type: 'string' } } } });
  });

  it('sends no JSON format to Gemini 2.x beside tools when the tool choice forces a call, which no format governs', () => {
    const tools = [{ type: 'function' as const, function: { name: 'get_time', parameters: { type: 'object', properties: {} } } }];
    const json_schema = { name: 'answer', schema: { type: 'object', properties: { a: { type: 'string' } } } };
    for (const response_format of [{ type: 'json_object' as const }, { type: 'json_schema' as const, json_schema }]) {
      const body = convertToGeminiRequest({ model: 'gemini-2.5-flash', messages: [{ role: 'user', content: 'x' }], tools, response_format, tool_choice: { type: 'function', function: { name: 'get_time' } } });
      expect(body).toEqual({
        contents: [{ role: 'user', parts: [{ text: 'x' }] }],
        tools: [{ functionDeclarations: [{ name: 'get_time' }] }],
        toolConfig: { functionCallingConfig: { mode: 'ANY', allowedFunctionNames: ['get_time'] } },
      });
    }
  });

  it('refuses json_object beside function tools on Gemini 2.x, and takes it without tools', () => {
    const tools = [{ type: 'function' as const, function: { name: 'get_time', parameters: { type: 'object', properties: {} } } }];
    expect(() => convertToGeminiRequest({ model: 'gemini-2.5-flash', messages: [{ role: 'user', content: 'x' }], tools, response_format: { type: 'json_object' } })).toThrow(
      expect.objectContaining({ status: 400, param: 'response_format', code: 'unsupported_parameter' }),
    );
    expect(convertToGeminiRequest({ model: 'gemini-3-flash-preview', messages: [{ role: 'user', content: 'x' }], tools, response_format: { type: 'json_object' } }).generationConfig).toEqual({
      responseMimeType: 'application/json',
    });
    expect(convertToGeminiRequest({ model: 'gemini-2.5-flash', messages: [{ role: 'user', content: 'x' }], response_format: { type: 'json_object' } }).generationConfig).toEqual({
      responseMimeType: 'application/json',
    });
  });

  it('sends the answer the client got as content back as text next turn, not as a call of the answer function', () => {
    const tools = [{ type: 'function' as const, function: { name: 'get_time', parameters: { type: 'object', properties: {} } } }];
    const response_format = { type: 'json_schema' as const, json_schema: { name: 'answer', schema: { type: 'object', properties: { a: { type: 'string' } } } } };
    const body = convertToGeminiRequest({
      model: 'gemini-2.5-flash',
      messages: [
        { role: 'user', content: 'x' },
        { role: 'assistant', content: '{"a":"noon"}' },
        { role: 'user', content: 'And now?' },
      ],
      tools,
      response_format,
    });
    expect(body.contents).toEqual([
      { role: 'user', parts: [{ text: 'x' }] },
      { role: 'model', parts: [{ text: '{"a":"noon"}' }] },
      { role: 'user', parts: [{ text: 'And now?' }] },
    ]);
  });
});
