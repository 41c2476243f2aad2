import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A lean OpenAI Chat Completions upstream for the gateway benchmark, in OpenAI's wire format
 * (https://platform.openai.com/docs/api-reference/chat). The path prefix picks the behaviour:
 * - `/instant/v1/chat/completions`: answers at once;
 * - `/slow/v1/chat/completions`: answers (or sends its first chunk) after 50 ms;
 * - `/hold/v1/chat/completions`: streams one chunk per second for a minute (open-stream memory).
 * Streams send 64 content chunks 20 ms apart, then a finish chunk, a usage chunk and `[DONE]`.
 * Each content chunk carries `t<ns>`, the sender's `process.hrtime.bigint()` (CLOCK_MONOTONIC, the
 * same clock in every process on the machine), so a client can tell how long the chunk travelled.
 */
export interface UpstreamMode {
  firstByteDelayMs: number;
  chunks: number;
  chunkIntervalMs: number;
}

export const UPSTREAM_MODES: Record<string, UpstreamMode> = {
  instant: { firstByteDelayMs: 0, chunks: 64, chunkIntervalMs: 20 },
  slow: { firstByteDelayMs: 50, chunks: 64, chunkIntervalMs: 20 },
  hold: { firstByteDelayMs: 0, chunks: 60, chunkIntervalMs: 1000 },
};

const COMPLETION = JSON.stringify({
  id: 'chatcmpl-bench',
  object: 'chat.completion',
  created: 1_700_000_000,
  model: 'bench-model',
  choices: [{ index: 0, message: { role: 'assistant', content: 'Hello! How can I help you today?', refusal: null }, logprobs: null, finish_reason: 'stop' }],
  usage: { prompt_tokens: 14, completion_tokens: 9, total_tokens: 23 },
  system_fingerprint: 'fp_bench',
});
const CHUNK_HEAD = 'data: {"id":"chatcmpl-bench","object":"chat.completion.chunk","created":1700000000,"model":"bench-model","choices":[{"index":0,"delta":{"content":"t';
const CHUNK_TAIL = ' "},"logprobs":null,"finish_reason":null}]}\n\n';
const FINISH =
  'data: {"id":"chatcmpl-bench","object":"chat.completion.chunk","created":1700000000,"model":"bench-model","choices":[{"index":0,"delta":{},"logprobs":null,"finish_reason":"stop"}]}\n\n' +
  'data: {"id":"chatcmpl-bench","object":"chat.completion.chunk","created":1700000000,"model":"bench-model","choices":[],"usage":{"prompt_tokens":14,"completion_tokens":64,"total_tokens":78}}\n\n' +
  'data: [DONE]\n\n';

/** One content chunk stamped with the send time. */
export function contentChunk(nowNs: bigint): string {
  return `${CHUNK_HEAD}${nowNs}${CHUNK_TAIL}`;
}

export function modeForPath(url: string | undefined): UpstreamMode | undefined {
  const slash = url ? url.indexOf('/', 1) : -1;
  return slash > 0 ? UPSTREAM_MODES[url!.slice(1, slash)] : undefined;
}

function wantsStream(body: string): boolean {
  return /"stream"\s*:\s*true/.test(body);
}

function answer(req: IncomingMessage, res: ServerResponse, body: string): void {
  const mode = modeForPath(req.url);
  if (!mode || req.method !== 'POST') {
    res.writeHead(404, { 'content-type': 'application/json' });
    res.end('{"error":{"message":"not found","type":"invalid_request_error","param":null,"code":null}}');
    return;
  }
  const start = () => {
    if (!wantsStream(body)) {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(COMPLETION);
      return;
    }
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
    res.flushHeaders();
    let sent = 0;
    const send = () => {
      if (res.destroyed) return;
      res.write(contentChunk(process.hrtime.bigint()));
      sent++;
      if (sent < mode.chunks) timer = setTimeout(send, mode.chunkIntervalMs);
      else res.end(FINISH);
    };
    let timer = setTimeout(send, 0);
    res.on('close', () => clearTimeout(timer));
  };
  if (mode.firstByteDelayMs > 0) setTimeout(start, mode.firstByteDelayMs);
  else start();
}

export async function startFakeUpstream(port = 0): Promise<{ server: Server; url: string }> {
  const server = createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (c: string) => (body += c));
    req.on('end', () => answer(req, res, body));
  });
  server.keepAliveTimeout = 65_000;
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

if (require.main === module) {
  startFakeUpstream().then(({ url }) => process.send?.({ ready: url }));
}
