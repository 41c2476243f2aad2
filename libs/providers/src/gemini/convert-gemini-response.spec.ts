import { convertGeminiResponse, geminiResponseId } from './convert-gemini-response';
import { mintToolCallId } from './mint-tool-call-id';

const context = { created: 1700000000, model: 'gemini-2.5-flash' };
const usageMetadata = { promptTokenCount: 10, candidatesTokenCount: 4, totalTokenCount: 14 };
const usage = { prompt_tokens: 10, completion_tokens: 4, total_tokens: 14, prompt_tokens_details: { cached_tokens: 0 }, completion_tokens_details: { reasoning_tokens: 0 } };

describe('convertGeminiResponse', () => {
  it('joins text parts, gives thought summaries as reasoning_content, and maps usage', () => {
    expect(
      convertGeminiResponse(
        {
          candidates: [{ content: { role: 'model', parts: [{ text: 'Weighing ', thought: true }, { text: 'a greeting.', thought: true }, { text: 'Hello' }, { text: ' there' }] }, finishReason: 'STOP' }],
          usageMetadata,
          modelVersion: 'gemini-2.5-flash-001',
        },
        'resp-1',
        context,
      ),
    ).toEqual({
      id: 'resp-1',
      object: 'chat.completion',
      created: 1700000000,
      model: 'gemini-2.5-flash-001',
      choices: [{ index: 0, message: { role: 'assistant', content: 'Hello there', refusal: null, reasoning_content: 'Weighing a greeting.' }, finish_reason: 'stop', logprobs: null }],
      usage,
    });
  });

  it('gives no reasoning_content without thought parts', () => {
    const res = convertGeminiResponse({ candidates: [{ content: { parts: [{ text: 'Hi' }] }, finishReason: 'STOP' }] }, 'resp-0', context);
    expect(res.choices[0].message).toEqual({ role: 'assistant', content: 'Hi', refusal: null });
  });

  it('returns function calls as tool_calls with minted stable ids and finish_reason tool_calls', () => {
    const res = convertGeminiResponse(
      { candidates: [{ content: { parts: [{ functionCall: { name: 'get_weather', args: { city: 'Paris' } } }, { functionCall: { name: 'get_time' } }] }, finishReason: 'STOP' }] },
      'resp-2',
      context,
    );
    expect(res.model).toBe('gemini-2.5-flash');
    expect(res.choices[0]).toEqual({
      index: 0,
      message: {
        role: 'assistant',
        content: null,
        refusal: null,
        tool_calls: [
          { id: mintToolCallId({ responseId: 'resp-2', candidateIndex: 0, toolIndex: 0, name: 'get_weather', args: '{"city":"Paris"}' }), type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } },
          { id: mintToolCallId({ responseId: 'resp-2', candidateIndex: 0, toolIndex: 1, name: 'get_time', args: '{}' }), type: 'function', function: { name: 'get_time', arguments: '{}' } },
        ],
      },
      finish_reason: 'tool_calls',
      logprobs: null,
    });
  });

  it('keeps one choice per candidate', () => {
    const res = convertGeminiResponse(
      { candidates: [{ content: { parts: [{ text: 'a' }] }, finishReason: 'STOP' }, { index: 1, content: { parts: [{ text: 'b' }] }, finishReason: 'MAX_TOKENS' }] },
      'r',
      context,
    );
    expect(res.choices.map((c) => [c.index, c.message.content, c.finish_reason])).toEqual([
      [0, 'a', 'stop'],
      [1, 'b', 'length'],
    ]);
  });

  it('hashes the body when there is no responseId', () => {
    expect(geminiResponseId({}, '{"candidates":[]}')).toMatch(/^gemini-[0-9a-f]{24}$/);
    expect(geminiResponseId({ responseId: 'x' }, '')).toBe('x');
  });

  it('reports the thoughtSignature of each signed function call under the id minted for it, and leaves it out of the answer', () => {
    const signatures: Array<[string, string]> = [];
    const res = convertGeminiResponse(
      {
        candidates: [
          {
            content: {
              parts: [
                { text: 'Checking.', thoughtSignature: 'TEXT_SIG' },
                { functionCall: { name: 'get_weather', args: { city: 'Paris' } }, thoughtSignature: 'SIG_1' },
                { functionCall: { name: 'get_weather', args: { city: 'Rome' } } },
              ],
            },
            finishReason: 'STOP',
          },
        ],
      },
      'resp-3',
      { ...context, onThoughtSignature: (id, signature) => signatures.push([id, signature]) },
    );
    const ids = res.choices[0].message.tool_calls!.map((call) => call.id);
    expect(ids[0]).toBe(mintToolCallId({ responseId: 'resp-3', candidateIndex: 0, toolIndex: 0, name: 'get_weather', args: '{"city":"Paris"}' }));
    expect(signatures).toEqual([[ids[0], 'SIG_1']]);
    expect(JSON.stringify(res)).not.toContain('SIG');
  });

  it("returns a call of the answer function as the message content with finish_reason stop, and real calls beside it as tool_calls", () => {
    const withAnswer = { ...context, answerFunction: 'answer' };
    const signatures: string[] = [];
    const answered = convertGeminiResponse(
      { candidates: [{ content: { parts: [{ text: 'Here it is.' }, { functionCall: { name: 'answer', args: { time: 'noon' } }, thoughtSignature: 'SIG_A' }] }, finishReason: 'STOP' }] },
      'resp-4',
      { ...withAnswer, onThoughtSignature: (_id, signature) => signatures.push(signature) },
    );
    expect(answered.choices[0]).toEqual({ index: 0, message: { role: 'assistant', content: '{"time":"noon"}', refusal: null }, finish_reason: 'stop', logprobs: null });
    expect(signatures).toEqual([]);

    const called = convertGeminiResponse({ candidates: [{ content: { parts: [{ functionCall: { name: 'get_time', args: {} } }] }, finishReason: 'STOP' }] }, 'resp-5', withAnswer);
    expect(called.choices[0].message.content).toBeNull();
    expect(called.choices[0].message.tool_calls).toEqual([
      { id: mintToolCallId({ responseId: 'resp-5', candidateIndex: 0, toolIndex: 0, name: 'get_time', args: '{}' }), type: 'function', function: { name: 'get_time', arguments: '{}' } },
    ]);
    expect(called.choices[0].finish_reason).toBe('tool_calls');

    // Both in one turn: the client runs the tool; the answer is its content meanwhile.
    const both = convertGeminiResponse(
      { candidates: [{ content: { parts: [{ functionCall: { name: 'answer', args: { time: '?' } } }, { functionCall: { name: 'get_time', args: {} } }] }, finishReason: 'STOP' }] },
      'resp-6',
      withAnswer,
    );
    expect(both.choices[0].message.content).toBe('{"time":"?"}');
    expect(both.choices[0].message.tool_calls?.map((c) => [c.id, c.type === 'function' && c.function.name])).toEqual([
      [mintToolCallId({ responseId: 'resp-6', candidateIndex: 0, toolIndex: 0, name: 'get_time', args: '{}' }), 'get_time'],
    ]);
    expect(both.choices[0].finish_reason).toBe('tool_calls');

    // Without answerFunction (any other request), a function of that name is a tool call as ever.
    expect(convertGeminiResponse({ candidates: [{ content: { parts: [{ functionCall: { name: 'answer', args: {} } }] }, finishReason: 'STOP' }] }, 'resp-7', context).choices[0].finish_reason).toBe('tool_calls');
  });
});
