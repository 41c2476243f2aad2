import { GatewayError, type ChatChunk, type ChatRequest } from '../../../../libs/core/src';
import { chatFormat, type RouterStreamReport } from './client-format';

const last = { id: 'chatcmpl-1', object: 'chat.completion.chunk', created: 7, model: 'cheap', choices: [{ index: 0, delta: {}, logprobs: null, finish_reason: 'stop' }] } as ChatChunk;
const usage = { prompt_tokens: 3, completion_tokens: 2, total_tokens: 5 };
const report: RouterStreamReport = { attempts: 1, fallbacks: 0, failovers: 0, models: ['cheap'], served_by: ['cheap'], cost_usd: 0.5 };
const opening = { requestId: 'chatcmpl-1', model: 'cheap', createdAt: 9 };
const request = (extra: Partial<ChatRequest> = {}) => ({ model: 'auto', messages: [{ role: 'user', content: 'x' }], ...extra }) as ChatRequest;

describe('chatFormat', () => {
  it('sends the chat completion as it is', () => {
    const response = { id: 'chatcmpl-1' } as never;
    expect(chatFormat.answer(request()).body(response, 9)).toBe(response);
  });

  it('streams each chunk as a data event, x_router on the last chunk and [DONE] after it', () => {
    const writer = chatFormat.answer(request({ stream: true })).stream(opening);
    expect(writer.start()).toBe('');
    expect(writer.chunk(last)).toBe(`data: ${JSON.stringify(last)}\n\n`);
    expect(writer.end(last, usage, report, 7)).toBe(`data: ${JSON.stringify({ ...last, x_router: report })}\n\ndata: [DONE]\n\n`);
    expect(writer.end(undefined, usage, report, 7)).toBe('data: [DONE]\n\n');
  });

  it('adds the usage chunk, carrying x_router, when the request asks for usage', () => {
    const writer = chatFormat.answer(request({ stream: true, stream_options: { include_usage: true } })).stream(opening);
    const usageChunk = { id: 'chatcmpl-1', object: 'chat.completion.chunk', created: 7, model: 'cheap', choices: [], usage, x_router: report };
    expect(writer.end(last, usage, report, 7)).toBe(`data: ${JSON.stringify(last)}\n\ndata: ${JSON.stringify(usageChunk)}\n\ndata: [DONE]\n\n`);
  });

  it('writes a mid-stream failure as an OpenAI error event with x_router, and no [DONE]', () => {
    const writer = chatFormat.answer(request({ stream: true })).stream(opening);
    const error = new GatewayError(502, 'boom', 'api_error', 'upstream_error');
    expect(writer.fail(error, report)).toBe(`data: ${JSON.stringify({ error: { message: 'boom', type: 'api_error', param: null, code: 'upstream_error' }, x_router: report })}\n\n`);
  });

  it("writes a tool_calls finish 'stop' when the request named the function, streamed and not, as OpenAI does", () => {
    const named = request({ tool_choice: { type: 'function', function: { name: 'f' } } });
    const calls = { ...last, choices: [{ ...last.choices[0], finish_reason: 'tool_calls' }] } as ChatChunk;
    const stopped = `data: ${JSON.stringify({ ...last, x_router: report })}\n\ndata: [DONE]\n\n`;
    expect(chatFormat.answer({ ...named, stream: true }).stream(opening).end(calls, usage, report, 7)).toBe(stopped);
    expect(chatFormat.answer({ ...named, stream: true }).stream(opening).chunk(calls)).toBe(`data: ${JSON.stringify(last)}\n\n`);
    const response = { id: 'chatcmpl-1', choices: [{ index: 0, message: { role: 'assistant', content: null }, finish_reason: 'tool_calls', logprobs: null }] } as never;
    expect(chatFormat.answer(named).body(response, 9)).toMatchObject({ choices: [{ finish_reason: 'stop' }] });
    // tool_choice auto or required: as the model answered.
    expect(chatFormat.answer(request({ tool_choice: 'required' })).body(response, 9)).toBe(response);
  });
});
