import { GatewayError, THOUGHT_BEFORE, type ChatChunk } from '../../../../libs/core/src';
import type { RouterStreamReport } from '../chat/client-format';
import { parseResponsesRequest } from './parse-responses-request';
import { decodeThinkingBlocks } from './reasoning-encrypted-content';
import { ResponsesStreamWriter } from './responses-stream-writer';

type Event = { type: string; sequence_number: number } & Record<string, unknown>;

const chunk = (delta: Record<string, unknown>, finish: string | null = null): ChatChunk =>
  ({ id: 'resp_abc', object: 'chat.completion.chunk', created: 1, model: 'cheap', choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }] }) as ChatChunk;
const report: RouterStreamReport = { attempts: 1, fallbacks: 0, failovers: 0, models: ['cheap'], served_by: ['cheap'], cost_usd: 0.001 };
const usage = { prompt_tokens: 10, completion_tokens: 4, total_tokens: 14 };

/** The events in the text the writer wrote, each checked to be `event: <type>` then its data. */
function events(text: string): Event[] {
  return text
    .split('\n\n')
    .filter((block) => block !== '')
    .map((block) => {
      const [eventLine, dataLine, ...rest] = block.split('\n');
      expect(rest).toEqual([]);
      const event = JSON.parse(dataLine.replace(/^data: /, '')) as Event;
      expect(eventLine).toBe(`event: ${event.type}`);
      return event;
    });
}

function writer(body: Record<string, unknown> = { model: 'auto', input: 'x' }): ResponsesStreamWriter {
  return new ResponsesStreamWriter(parseResponsesRequest(body), { requestId: 'resp_abc', model: 'cheap', createdAt: 1_800_000_000 });
}

describe('ResponsesStreamWriter', () => {
  it('writes a text answer as the Responses API streams one, numbered from 0', () => {
    const w = writer();
    const text = [w.start(), w.chunk(chunk({ role: 'assistant', content: '' })), w.chunk(chunk({ content: 'Hel' })), w.chunk(chunk({ content: 'lo' })), w.end(chunk({}, 'stop'), usage, report)].join('');
    const all = events(text);
    expect(all.map((e) => e.type)).toEqual([
      'response.created',
      'response.in_progress',
      'response.output_item.added',
      'response.content_part.added',
      'response.output_text.delta',
      'response.output_text.delta',
      'response.output_text.done',
      'response.content_part.done',
      'response.output_item.done',
      'response.completed',
    ]);
    expect(all.map((e) => e.sequence_number)).toEqual(all.map((_, i) => i));
    expect(all[0].response).toMatchObject({ id: 'resp_abc', object: 'response', status: 'in_progress', created_at: 1_800_000_000, model: 'cheap', output: [] });
    expect(all[2]).toMatchObject({ output_index: 0, item: { type: 'message', id: 'msg_abc_0', status: 'in_progress', role: 'assistant', content: [] } });
    expect(all[3]).toMatchObject({ item_id: 'msg_abc_0', output_index: 0, content_index: 0, part: { type: 'output_text', text: '', annotations: [] } });
    expect(all[4]).toMatchObject({ item_id: 'msg_abc_0', output_index: 0, content_index: 0, delta: 'Hel' });
    expect(all[6]).toMatchObject({ item_id: 'msg_abc_0', text: 'Hello' });
    expect(all[7]).toMatchObject({ part: { type: 'output_text', text: 'Hello', annotations: [] } });
    const message = { type: 'message', id: 'msg_abc_0', status: 'completed', role: 'assistant', content: [{ type: 'output_text', text: 'Hello', annotations: [] }] };
    expect(all[8]).toMatchObject({ output_index: 0, item: message });
    expect(all[9]).toMatchObject({
      response: { status: 'completed', output: [message], usage: { input_tokens: 10, output_tokens: 4, total_tokens: 14 } },
      x_router: report,
    });
  });

  it('closes the message when a tool call starts, streams each call by its own item, and closes them at the end', () => {
    const w = writer({ model: 'auto', input: 'x', tools: [{ type: 'function', name: 'weather', parameters: null, strict: null }] });
    const text = [
      w.start(),
      w.chunk(chunk({ content: 'Checking.' })),
      w.chunk(chunk({ tool_calls: [{ index: 0, id: 'call_1', type: 'function', function: { name: 'weather', arguments: '' } }] })),
      w.chunk(chunk({ tool_calls: [{ index: 0, function: { arguments: '{"city":' } }] })),
      w.chunk(chunk({ tool_calls: [{ index: 1, id: 'call_2', type: 'function', function: { name: 'weather', arguments: '{"city":"Oslo"}' } }] })),
      w.chunk(chunk({ tool_calls: [{ index: 0, function: { arguments: '"Paris"}' } }] })),
      w.end(chunk({}, 'tool_calls'), usage, report),
    ].join('');
    const all = events(text);
    expect(all.map((e) => e.type).slice(2)).toEqual([
      'response.output_item.added',
      'response.content_part.added',
      'response.output_text.delta',
      'response.output_text.done',
      'response.content_part.done',
      'response.output_item.done',
      'response.output_item.added',
      'response.function_call_arguments.delta',
      'response.output_item.added',
      'response.function_call_arguments.delta',
      'response.function_call_arguments.delta',
      'response.function_call_arguments.done',
      'response.output_item.done',
      'response.function_call_arguments.done',
      'response.output_item.done',
      'response.completed',
    ]);
    const deltas = all.filter((e) => e.type === 'response.function_call_arguments.delta');
    expect(deltas.map((e) => [e.item_id, e.output_index, e.delta])).toEqual([
      ['fc_abc_1', 1, '{"city":'],
      ['fc_abc_2', 2, '{"city":"Oslo"}'],
      ['fc_abc_1', 1, '"Paris"}'],
    ]);
    const done = all.filter((e) => e.type === 'response.function_call_arguments.done');
    expect(done.map((e) => [e.item_id, e.name, e.arguments])).toEqual([
      ['fc_abc_1', 'weather', '{"city":"Paris"}'],
      ['fc_abc_2', 'weather', '{"city":"Oslo"}'],
    ]);
    const completed = all.at(-1)!.response as { output: unknown[] };
    expect(completed.output).toEqual([
      { type: 'message', id: 'msg_abc_0', status: 'completed', role: 'assistant', content: [{ type: 'output_text', text: 'Checking.', annotations: [] }] },
      { type: 'function_call', id: 'fc_abc_1', call_id: 'call_1', name: 'weather', arguments: '{"city":"Paris"}', status: 'completed' },
      { type: 'function_call', id: 'fc_abc_2', call_id: 'call_2', name: 'weather', arguments: '{"city":"Oslo"}', status: 'completed' },
    ]);
  });

  it('reads text in the held-back finish chunk, and ends incomplete when the limit cut the answer', () => {
    const w = writer({ model: 'auto', input: 'x', max_output_tokens: 3 });
    const all = events([w.start(), w.chunk(chunk({ content: 'A lo' })), w.end(chunk({ content: 'ng' }, 'length'), usage, report)].join(''));
    expect(all.filter((e) => e.type === 'response.output_text.delta').map((e) => e.delta)).toEqual(['A lo', 'ng']);
    expect(all.find((e) => e.type === 'response.output_item.done')).toMatchObject({ item: { status: 'incomplete' } });
    expect(all.at(-1)).toMatchObject({ type: 'response.incomplete', response: { status: 'incomplete', incomplete_details: { reason: 'max_output_tokens' }, max_output_tokens: 3 } });
  });

  it('streams a refusal as a refusal part', () => {
    const w = writer();
    const all = events([w.start(), w.chunk(chunk({ refusal: 'I cannot' })), w.chunk(chunk({ refusal: ' help.' })), w.end(chunk({}, 'stop'), usage, report)].join(''));
    expect(all.map((e) => e.type).slice(2, -1)).toEqual([
      'response.output_item.added',
      'response.content_part.added',
      'response.refusal.delta',
      'response.refusal.delta',
      'response.refusal.done',
      'response.content_part.done',
      'response.output_item.done',
    ]);
    expect(all.find((e) => e.type === 'response.refusal.done')).toMatchObject({ refusal: 'I cannot help.' });
  });

  it('says a stream failed as OpenAI does: an error event, then response.failed with what was written', () => {
    const w = writer();
    const error = new GatewayError(502, 'Model "cheap" failed upstream: boom', 'api_error', 'upstream_error');
    const all = events([w.start(), w.chunk(chunk({ content: 'Half' })), w.fail(error, report)].join(''));
    expect(all.map((e) => e.type).slice(-5)).toEqual(['response.output_text.done', 'response.content_part.done', 'response.output_item.done', 'error', 'response.failed']);
    expect(all.at(-2)).toMatchObject({ type: 'error', code: 'upstream_error', message: 'Model "cheap" failed upstream: boom', param: null });
    expect(all.at(-1)).toMatchObject({
      response: { status: 'failed', error: { code: 'upstream_error', message: 'Model "cheap" failed upstream: boom' }, output: [{ type: 'message', status: 'incomplete', content: [{ text: 'Half' }] }] },
      x_router: report,
    });
    expect(all.map((e) => e.sequence_number)).toEqual(all.map((_, i) => i));
  });

  it('names the Responses parameter in the error event, as the format maps it', () => {
    const w = new ResponsesStreamWriter(parseResponsesRequest({ model: 'auto', input: 'x' }), { requestId: 'resp_abc', model: 'cheap', createdAt: 1 }, (error) =>
      new GatewayError(error.status, error.message.replace('max_tokens', 'max_output_tokens'), error.type, error.code, 'max_output_tokens'),
    );
    const all = events([w.start(), w.fail(GatewayError.invalidRequest('max_tokens is too large.', 'max_tokens', 'bad'), report)].join(''));
    expect(all.at(-2)).toMatchObject({ type: 'error', code: 'bad', message: 'max_output_tokens is too large.', param: 'max_output_tokens' });
    expect(all.at(-1)).toMatchObject({ response: { status: 'failed', error: { code: 'bad', message: 'max_output_tokens is too large.' } } });
  });

  describe('reasoning', () => {
    const blocks = [
      { type: 'thinking', thinking: 'Need the weather.', signature: 'sig1' },
      { type: 'redacted_thinking', data: 'opaque' },
    ];
    const toolsBody = { model: 'auto', input: 'x', tools: [{ type: 'function', name: 'weather', parameters: null, strict: null }], reasoning: { summary: 'detailed' } };
    const summaryBody = { model: 'auto', input: 'x', reasoning: { summary: 'auto' } };

    it('streams the thinking as a reasoning item first, its summary by deltas, and closes it with the blocks in encrypted_content', () => {
      const w = writer(toolsBody);
      const all = events(
        [
          w.start(),
          w.chunk(chunk({ role: 'assistant', reasoning_content: 'Need the ' })),
          w.chunk(chunk({ reasoning_content: 'weather.' })),
          w.chunk(chunk({ content: 'Checking.' })),
          w.chunk(chunk({ tool_calls: [{ index: 0, id: 'call_1', type: 'function', function: { name: 'weather', arguments: '{}' } }] })),
          w.chunk(chunk({ thinking_blocks: blocks })),
          w.end(chunk({}, 'tool_calls'), usage, report),
        ].join(''),
      );
      expect(all.map((e) => [e.type, e.output_index])).toEqual([
        ['response.created', undefined],
        ['response.in_progress', undefined],
        ['response.output_item.added', 0],
        ['response.reasoning_summary_part.added', 0],
        ['response.reasoning_summary_text.delta', 0],
        ['response.reasoning_summary_text.delta', 0],
        ['response.reasoning_summary_text.done', 0],
        ['response.reasoning_summary_part.done', 0],
        ['response.output_item.added', 1],
        ['response.content_part.added', 1],
        ['response.output_text.delta', 1],
        ['response.output_text.done', 1],
        ['response.content_part.done', 1],
        ['response.output_item.done', 1],
        ['response.output_item.added', 2],
        ['response.function_call_arguments.delta', 2],
        ['response.output_item.done', 0],
        ['response.function_call_arguments.done', 2],
        ['response.output_item.done', 2],
        ['response.completed', undefined],
      ]);
      expect(all.map((e) => e.sequence_number)).toEqual(all.map((_, i) => i));
      expect(all[2].item).toEqual({ type: 'reasoning', id: 'rs_abc_0', summary: [] });
      expect(all[3]).toMatchObject({ item_id: 'rs_abc_0', summary_index: 0, part: { type: 'summary_text', text: '' } });
      expect(all[4]).toMatchObject({ item_id: 'rs_abc_0', summary_index: 0, delta: 'Need the ' });
      expect(all[7]).toMatchObject({ item_id: 'rs_abc_0', summary_index: 0, part: { type: 'summary_text', text: 'Need the weather.' } });
      expect(all[8].item).toMatchObject({ id: 'msg_abc_1' });
      const reasoning = { type: 'reasoning', id: 'rs_abc_0', summary: [{ type: 'summary_text', text: 'Need the weather.' }], encrypted_content: expect.any(String) };
      expect(all[16].item).toEqual(reasoning);
      expect(decodeThinkingBlocks((all[16].item as { encrypted_content: string }).encrypted_content, 'p')).toEqual(blocks);
      const completed = all.at(-1)!.response as { output: Array<{ type: string; id: string }> };
      expect(completed.output[0]).toEqual(reasoning);
      expect(completed.output.map((item) => item.id)).toEqual(['rs_abc_0', 'msg_abc_1', 'fc_abc_2']);
    });

    /** A reasoning item opened first (index 0) and closed once its blocks came, then one message with one text delta. */
    const REASONING_OPEN_FIRST_EVENTS = [
      ['response.created', undefined],
      ['response.in_progress', undefined],
      ['response.output_item.added', 0],
      ['response.output_item.added', 1],
      ['response.content_part.added', 1],
      ['response.output_text.delta', 1],
      ['response.output_item.done', 0],
      ['response.output_text.done', 1],
      ['response.content_part.done', 1],
      ['response.output_item.done', 1],
      ['response.completed', undefined],
    ];

    /** As OpenAI orders them: the reasoning item closed (its encrypted_content written) before the message item is added. */
    const REASONING_CLOSED_FIRST_EVENTS = [
      ['response.created', undefined],
      ['response.in_progress', undefined],
      ['response.output_item.added', 0],
      ['response.output_item.done', 0],
      ['response.output_item.added', 1],
      ['response.content_part.added', 1],
      ['response.output_text.delta', 1],
      ['response.output_text.done', 1],
      ['response.content_part.done', 1],
      ['response.output_item.done', 1],
      ['response.completed', undefined],
    ];

    it('closes the item with its encrypted_content before the message opens when the first answer delta carries the blocks completed before it (THOUGHT_BEFORE), all redacted too', () => {
      const w = writer();
      const all = events(
        [w.start(), w.chunk(chunk({ role: 'assistant', content: '' })), w.chunk(chunk({ content: 'Hi', [THOUGHT_BEFORE]: [blocks[1]] })), w.chunk(chunk({ thinking_blocks: [blocks[1]] })), w.end(chunk({}, 'stop'), usage, report)].join(''),
      );
      expect(all.map((e) => [e.type, e.output_index])).toEqual(REASONING_CLOSED_FIRST_EVENTS);
      expect(all[2].item).toEqual({ type: 'reasoning', id: 'rs_abc_0', summary: [] });
      const done = all[3].item as { type: string; id: string; summary: unknown[]; encrypted_content: string };
      expect([done.type, done.id, done.summary]).toEqual(['reasoning', 'rs_abc_0', []]);
      expect(decodeThinkingBlocks(done.encrypted_content, 'p')).toEqual([blocks[1]]);
      const completed = all.at(-1)!.response as { output: Array<{ type: string; id: string; summary?: unknown[]; encrypted_content?: string }> };
      // The chat stream's thinking_blocks before the finish repeat the blocks: nothing is added twice.
      expect(completed.output.map((item) => [item.type, item.id])).toEqual([
        ['reasoning', 'rs_abc_0'],
        ['message', 'msg_abc_1'],
      ]);
      expect(completed.output[0]).toEqual(done);
    });

    it('closes a summarized item before a tool call that carries the blocks, and writes blocks completed after the answer began as a reasoning item after it', () => {
      const w = writer(toolsBody);
      const later = { type: 'thinking' as const, thinking: 'Then this.', signature: 'sig2' };
      const all = events(
        [
          w.start(),
          w.chunk(chunk({ reasoning_content: 'Need the weather.' })),
          w.chunk(chunk({ tool_calls: [{ index: 0, id: 'call_1', type: 'function', function: { name: 'weather', arguments: '{}' } }], [THOUGHT_BEFORE]: blocks })),
          w.chunk(chunk({ thinking_blocks: [...blocks, later] })),
          w.end(chunk({}, 'tool_calls'), usage, report),
        ].join(''),
      );
      expect(all.map((e) => [e.type, e.output_index]).slice(2)).toEqual([
        ['response.output_item.added', 0],
        ['response.reasoning_summary_part.added', 0],
        ['response.reasoning_summary_text.delta', 0],
        ['response.reasoning_summary_text.done', 0],
        ['response.reasoning_summary_part.done', 0],
        ['response.output_item.done', 0],
        ['response.output_item.added', 1],
        ['response.function_call_arguments.delta', 1],
        ['response.output_item.added', 2],
        ['response.output_item.done', 2],
        ['response.function_call_arguments.done', 1],
        ['response.output_item.done', 1],
        ['response.completed', undefined],
      ]);
      const output = (all.at(-1)!.response as { output: Array<{ type: string; summary?: unknown[]; encrypted_content?: string }> }).output;
      expect(output.map((item) => item.type)).toEqual(['reasoning', 'function_call', 'reasoning']);
      expect(output[0].summary).toEqual([{ type: 'summary_text', text: 'Need the weather.' }]);
      expect(decodeThinkingBlocks(output[0].encrypted_content, 'p')).toEqual(blocks);
      expect(decodeThinkingBlocks(output[2].encrypted_content, 'p')).toEqual([later]);
    });

    it('opens the item when the blocks come with no readable thinking or mark before them, after what was written', () => {
      const w = writer();
      const all = events([w.start(), w.chunk(chunk({ content: 'Hi' })), w.chunk(chunk({ thinking_blocks: [blocks[1]] })), w.end(chunk({}, 'stop'), usage, report)].join(''));
      const completed = all.at(-1)!.response as { output: Array<{ type: string; id: string; summary?: unknown[]; encrypted_content?: string }> };
      expect(completed.output.map((item) => [item.type, item.id])).toEqual([
        ['message', 'msg_abc_0'],
        ['reasoning', 'rs_abc_1'],
      ]);
      expect(completed.output[1].summary).toEqual([]);
      expect(decodeThinkingBlocks(completed.output[1].encrypted_content, 'p')).toEqual([blocks[1]]);
      expect(all.filter((e) => e.type === 'response.output_item.added').map((e) => e.output_index)).toEqual([0, 1]);
    });

    it('writes no summary when the request asked for none, as OpenAI: the item first, its summary []', () => {
      const w = writer({ model: 'auto', input: 'x' });
      const all = events(
        [w.start(), w.chunk(chunk({ reasoning_content: 'Need the ' })), w.chunk(chunk({ reasoning_content: 'weather.' })), w.chunk(chunk({ content: 'Hi' })), w.chunk(chunk({ thinking_blocks: blocks })), w.end(chunk({}, 'stop'), usage, report)].join(''),
      );
      expect(all.map((e) => [e.type, e.output_index])).toEqual(REASONING_OPEN_FIRST_EVENTS);
      const reasoning = { type: 'reasoning', id: 'rs_abc_0', summary: [], encrypted_content: expect.any(String) };
      expect(all[6].item).toEqual(reasoning);
      expect((all.at(-1)!.response as { output: unknown[]; reasoning: unknown }).output[0]).toEqual(reasoning);
      expect((all.at(-1)!.response as { reasoning: unknown }).reasoning).toEqual({ effort: null, summary: null });
      expect((events([writer(summaryBody).start()].join(''))[0].response as { reasoning: unknown }).reasoning).toEqual({ effort: null, summary: 'auto' });
    });

    it('writes reasoning that comes after the text began (not Claude’s order) as a new summary part', () => {
      const w = writer(summaryBody);
      const all = events([w.start(), w.chunk(chunk({ reasoning_content: 'A' })), w.chunk(chunk({ content: 'Hi' })), w.chunk(chunk({ reasoning_content: 'B' })), w.end(chunk({}, 'stop'), usage, report)].join(''));
      expect(all.filter((e) => e.type.startsWith('response.reasoning_summary')).map((e) => [e.type, e.summary_index])).toEqual([
        ['response.reasoning_summary_part.added', 0],
        ['response.reasoning_summary_text.delta', 0],
        ['response.reasoning_summary_text.done', 0],
        ['response.reasoning_summary_part.done', 0],
        ['response.reasoning_summary_part.added', 1],
        ['response.reasoning_summary_text.delta', 1],
        ['response.reasoning_summary_text.done', 1],
        ['response.reasoning_summary_part.done', 1],
      ]);
      expect((all.at(-1)!.response as { output: unknown[] }).output[0]).toEqual({
        type: 'reasoning',
        id: 'rs_abc_0',
        summary: [
          { type: 'summary_text', text: 'A' },
          { type: 'summary_text', text: 'B' },
        ],
      });
    });

    it('closes a reasoning item without blocks when the stream fails (none come before the end)', () => {
      const w = writer(summaryBody);
      const error = new GatewayError(502, 'boom', 'api_error', 'upstream_error');
      const all = events([w.start(), w.chunk(chunk({ reasoning_content: 'Hmm' })), w.fail(error, report)].join(''));
      expect(all.map((e) => e.type).slice(2)).toEqual([
        'response.output_item.added',
        'response.reasoning_summary_part.added',
        'response.reasoning_summary_text.delta',
        'response.reasoning_summary_text.done',
        'response.reasoning_summary_part.done',
        'response.output_item.done',
        'error',
        'response.failed',
      ]);
      expect(all.at(-1)).toMatchObject({ response: { output: [{ type: 'reasoning', id: 'rs_abc_0', summary: [{ type: 'summary_text', text: 'Hmm' }] }] } });
      expect((all.at(-1)!.response as { output: Array<Record<string, unknown>> }).output[0].encrypted_content).toBeUndefined();
    });
  });
});
