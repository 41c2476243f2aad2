import { Readable } from 'node:stream';
import type { UpstreamResponse } from '../http/upstream-client';
import { openAIErrorFromResponse, parseOpenAIError } from './map-openai-error';

/** An upstream answer as undici gives it: the body is read with `text()`. */
function response(status: number, body: string): UpstreamResponse {
  const stream = Object.assign(Readable.from([Buffer.from(body)]), { text: async () => body });
  return { status, headers: {}, body: stream as unknown as UpstreamResponse['body'] };
}

describe('parseOpenAIError', () => {
  it('reads OpenAI error bodies and the looser forms some hosts send', () => {
    expect(parseOpenAIError('{"error":{"message":"bad","type":"invalid_request_error","param":"tools","code":"invalid_value"}}')).toEqual({ message: 'bad', code: 'invalid_value', param: 'tools' });
    expect(parseOpenAIError('{"error":"plain"}')).toEqual({ message: 'plain', code: null, param: null });
    expect(parseOpenAIError('{"message":"top level"}')).toEqual({ message: 'top level', code: null, param: null });
    expect(parseOpenAIError('{}')).toEqual({ code: null, param: null });
    expect(parseOpenAIError('<html>')).toBeUndefined();
  });
});

describe('openAIErrorFromResponse', () => {
  it("keeps a 400's code and param, and classifies by the code rather than the wording", async () => {
    const tooLong = await openAIErrorFromResponse(response(400, JSON.stringify({ error: { message: "Invalid 'messages[0].content': string too long.", param: 'messages[0].content', code: 'string_above_max_length' } })));
    expect(tooLong).toMatchObject({ kind: 'bad_request', message: "Invalid 'messages[0].content': string too long.", openaiError: { code: 'string_above_max_length', param: 'messages[0].content' } });
    const context = await openAIErrorFromResponse(response(400, JSON.stringify({ error: { message: 'maximum context length is 8192 tokens', param: 'messages', code: 'context_length_exceeded' } })));
    expect(context).toMatchObject({ kind: 'context_length', openaiError: { code: 'context_length_exceeded', param: 'messages' } });
  });

  it("makes OpenAI's insufficient_quota a billing error (no credit left), not a rate limit to wait out", async () => {
    const body = { error: { message: 'You exceeded your current quota, please check your plan and billing details.', type: 'insufficient_quota', param: null, code: 'insufficient_quota' } };
    const err = await openAIErrorFromResponse(response(429, JSON.stringify(body)));
    expect(err).toMatchObject({ kind: 'billing', upstreamStatus: 429, message: body.error.message, retryable: false, fallbackable: true });
  });

  it('leaves other statuses, and bodies without code or param, to the status and the wording', async () => {
    expect((await openAIErrorFromResponse(response(429, JSON.stringify({ error: { message: 'slow down', code: 'rate_limit_exceeded' } })))).openaiError).toBeUndefined();
    const worded = await openAIErrorFromResponse(response(400, JSON.stringify({ error: { message: 'prompt is too long for the context window' } })));
    expect(worded).toMatchObject({ kind: 'context_length', openaiError: undefined });
    expect((await openAIErrorFromResponse(response(400, '{}'))).message).toBe('Upstream returned HTTP 400.');
  });
});
