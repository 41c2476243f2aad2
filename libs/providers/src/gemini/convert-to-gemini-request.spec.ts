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

  it('refuses a JSON response with function tools on Gemini 2.x, which the API refuses, and sends both to later models', () => {
    const tools = [{ type: 'function' as const, function: { name: 'get_time', parameters: { type: 'object', properties: {} } } }];
    const json_schema = { name: 'answer', schema: { type: 'object', properties: { a: { type: 'string' } } } };
    for (const response_format of [{ type: 'json_object' as const }, { type: 'json_schema' as const, json_schema }]) {
      expect(() => convertToGeminiRequest({ model: 'gemini-2.5-flash', messages: [{ role: 'user', content: 'x' }], tools, response_format })).toThrow(
        expect.objectContaining({ status: 400, param: 'response_format', code: 'unsupported_parameter' }),
      );
      const later = convertToGeminiRequest({ model: 'gemini-3-flash-preview', messages: [{ role: 'user', content: 'x' }], tools, response_format });
      expect(later.tools).toHaveLength(1);
      expect(later.generationConfig).toMatchObject({ responseMimeType: 'application/json' });
    }
    // Without tools, Gemini 2.x takes the JSON response.
    expect(convertToGeminiRequest({ model: 'gemini-2.5-flash', messages: [{ role: 'user', content: 'x' }], response_format: { type: 'json_object' } }).generationConfig).toEqual({
      responseMimeType: 'application/json',
    });
  });
});
