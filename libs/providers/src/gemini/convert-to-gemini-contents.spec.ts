import { convertToGeminiContents } from './convert-to-gemini-contents';

describe('convertToGeminiContents', () => {
  it('builds systemInstruction and maps roles', () => {
    expect(
      convertToGeminiContents([
        { role: 'system', content: 'Be brief.' },
        { role: 'developer', content: 'Use metric units.' },
        { role: 'user', content: 'Hi' },
        { role: 'assistant', content: 'Hello' },
      ]),
    ).toEqual({
      systemInstruction: { parts: [{ text: 'Be brief.' }, { text: 'Use metric units.' }] },
      contents: [
        { role: 'user', parts: [{ text: 'Hi' }] },
        { role: 'model', parts: [{ text: 'Hello' }] },
      ],
    });
  });

  it('maps images, audio and files to inlineData / fileData', () => {
    const { contents } = convertToGeminiContents([
      {
        role: 'user',
        content: [
          { type: 'image_url', image_url: { url: 'data:image/png;base64,AAAA' } },
          { type: 'image_url', image_url: { url: 'https://example.com/a/cat.JPG?size=2' } },
          { type: 'image_url', image_url: { url: 'https://example.com/render' } },
          { type: 'input_audio', input_audio: { data: 'UklG', format: 'wav' } },
          { type: 'file', file: { file_data: 'data:application/pdf;base64,JVBE' } },
        ],
      },
    ]);
    expect(contents[0].parts).toEqual([
      { inlineData: { mimeType: 'image/png', data: 'AAAA' } },
      { fileData: { fileUri: 'https://example.com/a/cat.JPG?size=2', mimeType: 'image/jpeg' } },
      { fileData: { fileUri: 'https://example.com/render' } },
      { inlineData: { mimeType: 'audio/wav', data: 'UklG' } },
      { inlineData: { mimeType: 'application/pdf', data: 'JVBE' } },
    ]);
  });

  it('maps tool calls to functionCall and recovers the function name for functionResponse', () => {
    const { contents } = convertToGeminiContents([
      { role: 'user', content: 'Weather?' },
      {
        role: 'assistant',
        content: null,
        tool_calls: [
          { id: 'call_a', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } },
          { id: 'call_b', type: 'function', function: { name: 'get_time', arguments: '{}' } },
        ],
      },
      { role: 'tool', tool_call_id: 'call_a', content: '{"temp":18}' },
      { role: 'tool', tool_call_id: 'call_b', content: '10:00' },
    ]);
    expect(contents).toEqual([
      { role: 'user', parts: [{ text: 'Weather?' }] },
      {
        role: 'model',
        parts: [{ functionCall: { name: 'get_weather', args: { city: 'Paris' } } }, { functionCall: { name: 'get_time', args: {} } }],
      },
      {
        role: 'user',
        parts: [
          { functionResponse: { name: 'get_weather', response: { temp: 18 } } },
          { functionResponse: { name: 'get_time', response: { content: '10:00' } } },
        ],
      },
    ]);
  });

  it('rejects a tool result without a matching tool call', () => {
    expect(() => convertToGeminiContents([{ role: 'tool', tool_call_id: 'call_x', content: 'x' }])).toThrow(
      expect.objectContaining({ status: 400, param: 'messages[0].tool_call_id' }),
    );
  });
});
