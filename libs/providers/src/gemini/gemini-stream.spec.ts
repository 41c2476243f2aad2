import type { ChatChunk } from '../../../core/src';
import type { SseEvent } from '../http/sse';
import { ProviderError } from '../provider';
import { transformGeminiStream } from './gemini-stream';
import { mintToolCallId } from './mint-tool-call-id';

async function run(events: object[], onThoughtSignature?: (toolCallId: string, signature: string) => void, answerFunction?: string): Promise<ChatChunk[]> {
  async function* source(): AsyncGenerator<SseEvent> {
    for (const e of events) yield { data: JSON.stringify(e) };
  }
  const out: ChatChunk[] = [];
  for await (const c of transformGeminiStream(source(), { created: 5, model: 'gemini-2.5-flash', onThoughtSignature, answerFunction })) out.push(c);
  return out;
}

const base = { id: 'r1', object: 'chat.completion.chunk', created: 5, model: 'gemini-2.5-flash' };
const delta = (d: object, finish: string | null = null, index = 0) => ({ ...base, choices: [{ index, delta: d, finish_reason: finish, logprobs: null }] });

describe('transformGeminiStream', () => {
  it('streams text, whole function calls with minted ids, the finish and usage', async () => {
    const chunks = await run([
      { candidates: [{ content: { role: 'model', parts: [{ text: 'Let me ' }] } }], usageMetadata: { promptTokenCount: 9 }, modelVersion: 'gemini-2.5-flash', responseId: 'r1' },
      { candidates: [{ content: { role: 'model', parts: [{ text: 'check.' }, { functionCall: { name: 'get_weather', args: { city: 'Paris' } } }] } }], responseId: 'r1' },
      {
        candidates: [{ content: { role: 'model', parts: [{ functionCall: { name: 'get_time', args: {} } }] }, finishReason: 'STOP' }],
        usageMetadata: { promptTokenCount: 9, candidatesTokenCount: 20, thoughtsTokenCount: 5, totalTokenCount: 34 },
        responseId: 'r1',
      },
    ]);
    expect(chunks).toEqual([
      delta({ role: 'assistant', content: '' }),
      delta({ content: 'Let me ' }),
      delta({ content: 'check.' }),
      delta({
        tool_calls: [
          {
            index: 0,
            id: mintToolCallId({ responseId: 'r1', candidateIndex: 0, toolIndex: 0, name: 'get_weather', args: '{"city":"Paris"}' }),
            type: 'function',
            function: { name: 'get_weather', arguments: '{"city":"Paris"}' },
          },
        ],
      }),
      delta({
        tool_calls: [{ index: 1, id: mintToolCallId({ responseId: 'r1', candidateIndex: 0, toolIndex: 1, name: 'get_time', args: '{}' }), type: 'function', function: { name: 'get_time', arguments: '{}' } }],
      }),
      delta({}, 'tool_calls'),
      {
        ...base,
        choices: [],
        usage: { prompt_tokens: 9, completion_tokens: 25, total_tokens: 34, prompt_tokens_details: { cached_tokens: 0 }, completion_tokens_details: { reasoning_tokens: 5 } },
      },
    ]);
  });

  it('streams thought summaries as reasoning_content deltas before the text', async () => {
    const chunks = await run([
      { candidates: [{ content: { role: 'model', parts: [{ text: 'Weighing ', thought: true }] } }], responseId: 'r1' },
      { candidates: [{ content: { role: 'model', parts: [{ text: 'a greeting.', thought: true }, { text: 'Hi' }] } }], responseId: 'r1' },
      { candidates: [{ content: { role: 'model', parts: [{ text: '!' }] }, finishReason: 'STOP' }], responseId: 'r1' },
    ]);
    expect(chunks).toEqual([
      delta({ role: 'assistant', content: '' }),
      delta({ reasoning_content: 'Weighing ' }),
      delta({ reasoning_content: 'a greeting.' }),
      delta({ content: 'Hi' }),
      delta({ content: '!' }),
      delta({}, 'stop'),
    ]);
  });

  it('throws an error event as a ProviderError, mid-stream once content was sent', async () => {
    const err = await run([
      { candidates: [{ content: { parts: [{ text: 'Hi' }] } }], responseId: 'r1' },
      { error: { code: 503, message: 'The model is overloaded.', status: 'UNAVAILABLE' } },
    ]).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ProviderError);
    expect(err).toMatchObject({ kind: 'overloaded', midStream: true });
  });

  it('throws content_policy when the prompt is blocked', async () => {
    const err = await run([{ promptFeedback: { blockReason: 'SAFETY' }, usageMetadata: { promptTokenCount: 3 }, responseId: 'r1' }]).catch((e: unknown) => e);
    expect(err).toMatchObject({ kind: 'content_policy', midStream: false });
  });

  it('reports a stream cut before any finishReason', async () => {
    const err = await run([{ candidates: [{ content: { parts: [{ text: 'Hi' }] } }], responseId: 'r1' }]).catch((e: unknown) => e);
    expect(err).toMatchObject({ kind: 'malformed_response', midStream: true });
  });

  it('reports the thoughtSignature of a signed function call with the id its chunk carries', async () => {
    const reported: Array<[string, string]> = [];
    const events = [
      { candidates: [{ content: { parts: [{ functionCall: { name: 'f', args: { a: 1 } }, thoughtSignature: 'SIG_1' }] } }], responseId: 'r1' },
      { candidates: [{ content: { parts: [{ functionCall: { name: 'f', args: { a: 2 } } }] }, finishReason: 'STOP' }], responseId: 'r1' },
    ];
    const chunks = await run(events, (id, signature) => reported.push([id, signature]));
    const ids = chunks.flatMap((c) => c.choices[0]?.delta.tool_calls ?? []).map((call) => call.id);
    expect(ids).toEqual([
      mintToolCallId({ responseId: 'r1', candidateIndex: 0, toolIndex: 0, name: 'f', args: '{"a":1}' }),
      mintToolCallId({ responseId: 'r1', candidateIndex: 0, toolIndex: 1, name: 'f', args: '{"a":2}' }),
    ]);
    expect(reported).toEqual([[ids[0], 'SIG_1']]);
    expect(JSON.stringify(chunks)).not.toContain('SIG_1');
  });

  it('streams a call of the answer function as one content delta, never a tool-call delta, and finishes with stop', async () => {
    const chunks = await run(
      [
        { candidates: [{ content: { parts: [{ text: 'Here it is.' }] } }], responseId: 'r1' },
        { candidates: [{ content: { parts: [{ functionCall: { name: 'answer', args: { time: 'noon' } }, thoughtSignature: 'SIG_A' }] }, finishReason: 'STOP' }], responseId: 'r1' },
      ],
      undefined,
      'answer',
    );
    expect(chunks).toEqual([delta({ role: 'assistant', content: '' }), delta({ content: '{"time":"noon"}' }), delta({}, 'stop')]);
  });

  it('streams real calls as tool-call deltas beside the answer function, and held text when no answer came', async () => {
    const called = await run([{ candidates: [{ content: { parts: [{ text: 'Checking.' }, { functionCall: { name: 'get_time', args: {} } }] }, finishReason: 'STOP' }], responseId: 'r1' }], undefined, 'answer');
    expect(called).toEqual([
      delta({ role: 'assistant', content: '' }),
      delta({ tool_calls: [{ index: 0, id: mintToolCallId({ responseId: 'r1', candidateIndex: 0, toolIndex: 0, name: 'get_time', args: '{}' }), type: 'function', function: { name: 'get_time', arguments: '{}' } }] }),
      delta({ content: 'Checking.' }),
      delta({}, 'tool_calls'),
    ]);
  });
});
