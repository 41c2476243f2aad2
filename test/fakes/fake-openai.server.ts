import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** What the fake upstream does for one request. */
export type Behavior =
  /**
   * `reasoning`: readable reasoning deltas sent before the answer, as DeepSeek streams them (`reasoning_content`).
   * `usage: false`: no usage at all, as some OpenAI-compatible servers answer (none in the body; no usage chunk when streamed).
   */
  | { kind: 'text'; content: string; chunks?: number; chunkDelayMs?: number; finishReason?: 'stop' | 'length'; reasoning?: string[]; usage?: false }
  | { kind: 'tool_call'; name: string; arguments: string }
  /** A call to a custom tool: free-text `input`, streamed in pieces under `custom.input`. */
  | { kind: 'custom_tool_call'; name: string; input: string }
  /** OpenAI's error body; `type` defaults to server_error, `code` and `param` to null. */
  | { kind: 'error'; status: number; message?: string; retryAfter?: string; type?: string; code?: string; param?: string }
  | { kind: 'hang' }
  /** Closes the connection before sending anything (a reset before the first byte). */
  | { kind: 'reset' }
  /**
   * Sends `afterChunks` content chunks of `content`, then misbehaves: `cut` destroys the socket,
   * `end` ends the response cleanly without a finish chunk or [DONE], `stall` goes silent forever,
   * `error_event` sends OpenAI's in-stream error event (`data: {"error": {...}}`, `message`) and ends.
   * Not streamed, the body is cut (or stalls) halfway. Streamed, `reasoning` deltas go first.
   */
  | { kind: 'cut' | 'end' | 'stall' | 'error_event'; content: string; afterChunks: number; chunks?: number; reasoning?: string[]; message?: string };

export type BehaviorFor = (body: Record<string, unknown>, callIndex: number) => Behavior;

export interface FakeOpenAI {
  url: string;
  /** Bodies received, in order. */
  requests: Array<Record<string, unknown>>;
  /** Timestamps (ms) at which each streamed chunk was written, per request. */
  chunkTimes: number[][];
  setBehavior(fn: BehaviorFor): void;
  close(): Promise<void>;
}

/**
 * OpenAI's answer when a reasoning model (o-series, gpt-5) is sent a parameter it refuses: `max_tokens`
 * (it takes `max_completion_tokens`), a temperature or top_p other than the default 1, penalties,
 * logprobs or logit_bias; null when it takes the request.
 */
function reasoningModelRefusal(body: Record<string, unknown>): { message: string; type: string; param: string; code: string } | null {
  if (!/^(o[1-9]|gpt-5)/.test(String(body.model))) return null;
  for (const param of ['max_tokens', 'presence_penalty', 'frequency_penalty', 'logprobs', 'top_logprobs', 'logit_bias']) {
    if (body[param] === undefined) continue;
    const hint = param === 'max_tokens' ? " Use 'max_completion_tokens' instead." : '';
    return { message: `Unsupported parameter: '${param}' is not supported with this model.${hint}`, type: 'invalid_request_error', param, code: 'unsupported_parameter' };
  }
  for (const param of ['temperature', 'top_p']) {
    if (body[param] == null || body[param] === 1) continue;
    return { message: `Unsupported value: '${param}' does not support ${String(body[param])} with this model. Only the default (1) value is supported.`, type: 'invalid_request_error', param, code: 'unsupported_value' };
  }
  return null;
}

/** The most completion tokens these models write in one answer (OpenAI's model pages). */
const OUTPUT_LIMITS: Record<string, number> = { 'gpt-4o': 16384, 'gpt-4o-mini': 16384 };

/** OpenAI's answer to a `max_tokens` / `max_completion_tokens` above the model's output limit; null when within it. */
function outputLimitRefusal(body: Record<string, unknown>): { message: string; type: string; param: string; code: string } | null {
  const limit = OUTPUT_LIMITS[String(body.model)];
  for (const param of ['max_tokens', 'max_completion_tokens']) {
    const asked = body[param];
    if (limit === undefined || typeof asked !== 'number' || asked <= limit) continue;
    return { message: `${param} is too large: ${asked}. This model supports at most ${limit} completion tokens, whereas you provided ${asked}.`, type: 'invalid_request_error', param, code: 'invalid_value' };
  }
  return null;
}

/**
 * An OpenAI-compatible upstream on 127.0.0.1 that answers in OpenAI's exact wire format
 * (https://platform.openai.com/docs/api-reference/chat), streamed as server-sent events or not.
 */
export async function startFakeOpenAI(initial: BehaviorFor = () => ({ kind: 'text', content: 'Hello!' })): Promise<FakeOpenAI> {
  let behaviorFor = initial;
  const requests: Array<Record<string, unknown>> = [];
  const chunkTimes: number[][] = [];
  const sockets = new Set<import('node:net').Socket>();
  let calls = 0;

  const server = createServer(async (req: IncomingMessage, res: ServerResponse) => {
    const raw = await new Promise<string>((resolve) => {
      let data = '';
      req.on('data', (c) => (data += c));
      req.on('end', () => resolve(data));
    });
    const body = JSON.parse(raw) as Record<string, unknown>;
    requests.push(body);
    if (body.metadata != null && body.store !== true) {
      // OpenAI's answer to metadata on a completion it is not asked to store.
      res.writeHead(400, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: { message: "The 'metadata' parameter is only allowed when 'store' is enabled.", type: 'invalid_request_error', param: 'metadata', code: null } }));
      return;
    }
    const tooLong = outputLimitRefusal(body);
    if (tooLong) {
      res.writeHead(400, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: tooLong }));
      return;
    }
    const refused = reasoningModelRefusal(body);
    if (refused) {
      res.writeHead(400, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: refused }));
      return;
    }
    const behavior = behaviorFor(body, calls++);
    const model = String(body.model);
    const id = `chatcmpl-fake${calls}`;
    const created = 1_700_000_000;
    const promptTokens = 12;
    if (behavior.kind === 'hang') return; // never answers; the socket is closed by close()
    if (behavior.kind === 'reset') {
      req.socket.destroy();
      return;
    }
    if (behavior.kind === 'error') {
      const headers: Record<string, string> = { 'content-type': 'application/json' };
      if (behavior.retryAfter) headers['retry-after'] = behavior.retryAfter;
      res.writeHead(behavior.status, headers);
      res.end(JSON.stringify({ error: { message: behavior.message ?? `fake error ${behavior.status}`, type: behavior.type ?? 'server_error', param: behavior.param ?? null, code: behavior.code ?? null } }));
      return;
    }
    if (behavior.kind !== 'text' && behavior.kind !== 'tool_call' && behavior.kind !== 'custom_tool_call') {
      misbehave(behavior, body, res, id, created, model);
      return;
    }
    const completionTokens = behavior.kind === 'text' ? Math.max(1, Math.ceil(behavior.content.length / 4)) : 9;
    // `n` choices, each with its own index (OpenAI bills the completion tokens of all of them).
    const choiceIndices = Array.from({ length: typeof body.n === 'number' && body.n > 1 ? body.n : 1 }, (_, i) => i);
    const usage = { prompt_tokens: promptTokens, completion_tokens: completionTokens * choiceIndices.length, total_tokens: promptTokens + completionTokens * choiceIndices.length };
    const toolCall =
      behavior.kind === 'tool_call'
        ? { id: 'call_fake1', type: 'function', function: { name: behavior.name, arguments: behavior.arguments } }
        : behavior.kind === 'custom_tool_call'
          ? { id: 'call_fake1', type: 'custom', custom: { name: behavior.name, input: behavior.input } }
          : undefined;
    // OpenAI ends a call the request forced by naming the function with 'stop', a call the model chose with 'tool_calls'.
    const namedChoice = (body.tool_choice as { type?: unknown } | undefined)?.type === 'function';
    const finishReason = behavior.kind === 'text' ? (behavior.finishReason ?? 'stop') : namedChoice ? 'stop' : 'tool_calls';
    if (!body.stream) {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify({
          id,
          object: 'chat.completion',
          created,
          model,
          choices: choiceIndices.map((index) => ({
            index,
            message: { role: 'assistant', content: behavior.kind === 'text' ? behavior.content : null, refusal: null, ...(toolCall ? { tool_calls: [toolCall] } : {}) },
            logprobs: null,
            finish_reason: finishReason,
          })),
          ...(behavior.kind === 'text' && behavior.usage === false ? {} : { usage }),
          system_fingerprint: 'fp_fake',
        }),
      );
      return;
    }
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive' });
    const times: number[] = [];
    chunkTimes.push(times);
    const send = (chunk: Record<string, unknown>) => {
      times.push(Date.now());
      res.write(`data: ${JSON.stringify({ id, object: 'chat.completion.chunk', created, model, system_fingerprint: 'fp_fake', ...chunk })}\n\n`);
    };
    const includeUsage = (body.stream_options as { include_usage?: boolean } | undefined)?.include_usage === true && !(behavior.kind === 'text' && behavior.usage === false);
    // With n > 1, every chunk carries one choice, named by its index; the choices' chunks interleave.
    for (const index of choiceIndices) {
      send({ choices: [{ index, delta: { role: 'assistant', content: '', refusal: null }, logprobs: null, finish_reason: null }], ...(includeUsage ? { usage: null } : {}) });
    }
    if (behavior.kind === 'text') {
      for (const piece of behavior.reasoning ?? []) send({ choices: [{ index: 0, delta: { reasoning_content: piece }, logprobs: null, finish_reason: null }] });
      const n = behavior.chunks ?? 3;
      const size = Math.ceil(behavior.content.length / n);
      for (let i = 0; i < n; i++) {
        if (behavior.chunkDelayMs) await new Promise((r) => setTimeout(r, behavior.chunkDelayMs));
        const piece = behavior.content.slice(i * size, (i + 1) * size);
        for (const index of choiceIndices) {
          send({ choices: [{ index, delta: { content: piece }, logprobs: null, finish_reason: null }], ...(includeUsage ? { usage: null } : {}) });
        }
      }
    } else if (toolCall?.type === 'custom') {
      // As OpenAI streams a custom tool call: the name first, then the input in pieces.
      send({ choices: [{ index: 0, delta: { tool_calls: [{ index: 0, id: toolCall.id, type: 'custom', custom: { name: toolCall.custom!.name, input: '' } }] }, logprobs: null, finish_reason: null }] });
      const input = toolCall.custom!.input;
      for (let i = 0; i < input.length; i += 5) {
        send({ choices: [{ index: 0, delta: { tool_calls: [{ index: 0, custom: { input: input.slice(i, i + 5) } }] }, logprobs: null, finish_reason: null }] });
      }
    } else if (toolCall?.function) {
      send({ choices: [{ index: 0, delta: { tool_calls: [{ index: 0, id: toolCall.id, type: 'function', function: { name: toolCall.function.name, arguments: '' } }] }, logprobs: null, finish_reason: null }] });
      const args = toolCall.function.arguments;
      for (let i = 0; i < args.length; i += 5) {
        send({ choices: [{ index: 0, delta: { tool_calls: [{ index: 0, function: { arguments: args.slice(i, i + 5) } }] }, logprobs: null, finish_reason: null }] });
      }
    }
    for (const index of choiceIndices) {
      send({ choices: [{ index, delta: {}, logprobs: null, finish_reason: finishReason }], ...(includeUsage ? { usage: null } : {}) });
    }
    if (includeUsage) send({ choices: [], usage });
    res.end('data: [DONE]\n\n');
  });
  function misbehave(behavior: Extract<Behavior, { kind: 'cut' | 'end' | 'stall' | 'error_event' }>, body: Record<string, unknown>, res: ServerResponse, id: string, created: number, model: string) {
    const stop = () => {
      if (behavior.kind === 'cut') res.socket?.destroy();
      else if (behavior.kind === 'error_event' && body.stream) {
        res.end(`data: ${JSON.stringify({ error: { message: behavior.message ?? 'fake mid-stream error', type: 'server_error', param: null, code: null } })}\n\n`);
      } else if (behavior.kind === 'end' || behavior.kind === 'error_event') res.end();
      // stall: say nothing more; close() destroys the socket
    };
    if (!body.stream) {
      const whole = JSON.stringify({ id, object: 'chat.completion', created, model, choices: [{ index: 0, message: { role: 'assistant', content: behavior.content }, finish_reason: 'stop' }] });
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(whole)) });
      res.write(whole.slice(0, Math.floor(whole.length / 2)));
      stop();
      return;
    }
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive' });
    const send = (chunk: Record<string, unknown>) => res.write(`data: ${JSON.stringify({ id, object: 'chat.completion.chunk', created, model, ...chunk })}\n\n`);
    send({ choices: [{ index: 0, delta: { role: 'assistant', content: '' }, finish_reason: null }] });
    for (const piece of behavior.reasoning ?? []) send({ choices: [{ index: 0, delta: { reasoning_content: piece }, finish_reason: null }] });
    const n = behavior.chunks ?? 6;
    const size = Math.ceil(behavior.content.length / n);
    for (let i = 0; i < Math.min(n, behavior.afterChunks); i++) {
      send({ choices: [{ index: 0, delta: { content: behavior.content.slice(i * size, (i + 1) * size) }, finish_reason: null }] });
    }
    // Lets the chunks reach the gateway before the socket goes, so the break really is mid-stream.
    setTimeout(stop, 100);
  }

  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/v1`,
    requests,
    chunkTimes,
    setBehavior(fn) {
      behaviorFor = fn;
    },
    async close() {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
