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

  it('sends a prompt of system messages alone as the user turn, since the Gemini API needs contents', () => {
    expect(
      convertToGeminiContents([
        { role: 'system', content: 'You write haiku.' },
        { role: 'developer', content: [{ type: 'text', text: 'One about autumn.' }] },
      ]),
    ).toEqual({ contents: [{ role: 'user', parts: [{ text: 'You write haiku.' }, { text: 'One about autumn.' }] }] });
  });

  it('leaves out empty user text, which the Gemini API refuses', () => {
    expect(
      convertToGeminiContents([
        { role: 'user', content: [{ type: 'text', text: '' }, { type: 'text', text: 'Hi' }, { type: 'text', text: ' ' }] },
        { role: 'assistant', content: 'Hello' },
        { role: 'user', content: [{ type: 'text', text: '' }, { type: 'image_url', image_url: { url: 'data:image/png;base64,AAAA' } }] },
      ]).contents,
    ).toEqual([
      { role: 'user', parts: [{ text: 'Hi' }, { text: ' ' }] },
      { role: 'model', parts: [{ text: 'Hello' }] },
      { role: 'user', parts: [{ inlineData: { mimeType: 'image/png', data: 'AAAA' } }] },
    ]);
  });

  it('refuses a last user message left with nothing, which would end the contents on the model turn', () => {
    const history = [
      { role: 'user' as const, content: 'Hi' },
      { role: 'assistant' as const, content: 'Hello' },
    ];
    for (const content of ['', [{ type: 'text' as const, text: '' }]]) {
      expect(() => convertToGeminiContents([...history, { role: 'user', content }])).toThrow(
        expect.objectContaining({ status: 400, param: 'messages[2].content', code: 'unsupported_value' }),
      );
      // Alone, there would be no contents at all.
      expect(() => convertToGeminiContents([{ role: 'user', content }])).toThrow(expect.objectContaining({ param: 'messages[0].content' }));
    }
    // After a tool result the contents still end on the user's turn; after system messages alone, their text is the turn.
    const call = { id: 'c1', type: 'function' as const, function: { name: 'f', arguments: '{}' } };
    expect(
      convertToGeminiContents([...history, { role: 'assistant', content: null, tool_calls: [call] }, { role: 'tool', tool_call_id: 'c1', content: 'ok' }, { role: 'user', content: '' }]).contents.at(-1),
    ).toEqual({ role: 'user', parts: [{ functionResponse: { name: 'f', response: { content: 'ok' } } }] });
    expect(convertToGeminiContents([{ role: 'system', content: 'Say hi.' }, { role: 'user', content: '' }])).toEqual({ contents: [{ role: 'user', parts: [{ text: 'Say hi.' }] }] });
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
        parts: [
          // no signature known for these calls: Google's documented dummy on the first of the step
          { functionCall: { name: 'get_weather', args: { city: 'Paris' } }, thoughtSignature: 'skip_thought_signature_validator' },
          { functionCall: { name: 'get_time', args: {} } },
        ],
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

  describe('thought signatures', () => {
    const weather = (id: string, city: string) => ({ id, type: 'function' as const, function: { name: 'get_weather', arguments: JSON.stringify({ city }) } });
    const conversation = [
      { role: 'user' as const, content: 'Paris and Rome, then Oslo?' },
      { role: 'assistant' as const, content: null, tool_calls: [weather('call_p', 'Paris'), weather('call_r', 'Rome')] },
      { role: 'tool' as const, tool_call_id: 'call_p', content: '{"temp":18}' },
      { role: 'tool' as const, tool_call_id: 'call_r', content: '{"temp":22}' },
      { role: 'assistant' as const, content: 'Now Oslo.', tool_calls: [weather('call_o', 'Oslo')] },
      { role: 'tool' as const, tool_call_id: 'call_o', content: '{"temp":4}' },
    ];
    const modelParts = (signatures: Record<string, string>) =>
      convertToGeminiContents(conversation, { thoughtSignatureFor: (id) => signatures[id] })
        .contents.filter((c) => c.role === 'model')
        .map((c) => c.parts);

    it('puts each known signature on its functionCall part, and none on the unsigned calls of a parallel step', () => {
      expect(modelParts({ call_p: 'SIG_STEP1', call_o: 'SIG_STEP2' })).toEqual([
        [
          { functionCall: { name: 'get_weather', args: { city: 'Paris' } }, thoughtSignature: 'SIG_STEP1' },
          { functionCall: { name: 'get_weather', args: { city: 'Rome' } } },
        ],
        [{ text: 'Now Oslo.' }, { functionCall: { name: 'get_weather', args: { city: 'Oslo' } }, thoughtSignature: 'SIG_STEP2' }],
      ]);
    });

    it('signs the first call of every step whose signature is unknown with the dummy, so Gemini 3 accepts foreign history', () => {
      expect(modelParts({ call_o: 'SIG_STEP2' })).toEqual([
        [
          { functionCall: { name: 'get_weather', args: { city: 'Paris' } }, thoughtSignature: 'skip_thought_signature_validator' },
          { functionCall: { name: 'get_weather', args: { city: 'Rome' } } },
        ],
        [{ text: 'Now Oslo.' }, { functionCall: { name: 'get_weather', args: { city: 'Oslo' } }, thoughtSignature: 'SIG_STEP2' }],
      ]);
    });

    it('does not change the rest of the request', () => {
      const unsigned = convertToGeminiContents(conversation).contents;
      const signed = convertToGeminiContents(conversation, { thoughtSignatureFor: () => 'SIG' }).contents;
      const strip = (contents: typeof signed) => contents.map((c) => ({ ...c, parts: c.parts.map((p) => ('functionCall' in p ? { functionCall: p.functionCall } : p)) }));
      expect(strip(signed)).toEqual(strip(unsigned));
    });
  });

  it('rejects a tool result without a matching tool call', () => {
    expect(() => convertToGeminiContents([{ role: 'tool', tool_call_id: 'call_x', content: 'x' }])).toThrow(
      expect.objectContaining({ status: 400, param: 'messages[0].tool_call_id' }),
    );
  });
});
