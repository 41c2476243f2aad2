import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * What the fake does for one embeddings call: answer (`floatsOnly`: in floats whatever was asked, as
 * some compatible hosts do), or OpenAI's error body with a status (and `retry-after`).
 */
export type EmbeddingsBehavior = { kind: 'ok'; floatsOnly?: boolean } | { kind: 'error'; status: number; message?: string; type?: string; code?: string; param?: string; retryAfter?: string };

export interface RecordedEmbeddingsCall {
  path: string;
  authorization: string | undefined;
  body: Record<string, unknown>;
}

export interface FakeOpenAIEmbeddings {
  /** Base URL with `/v1`, as an OpenAI-compatible provider's base_url. */
  url: string;
  calls: RecordedEmbeddingsCall[];
  setBehavior(fn: (body: Record<string, unknown>, callIndex: number) => EmbeddingsBehavior): void;
  close(): Promise<void>;
}

/** The vector size the fake gives a model when `dimensions` is unset (small, so tests stay quick). */
export const FAKE_EMBEDDING_DIMENSIONS: Record<string, number> = { 'text-embedding-3-small': 1536, 'text-embedding-3-large': 3072, 'text-embedding-ada-002': 1536 };
const OTHER_MODEL_DIMENSIONS = 8;
/** The most tokens (fakeOpenAITokens) the fake takes in one input, as OpenAI's embedding models (8192). */
export const FAKE_OPENAI_MAX_INPUT_TOKENS = 8192;

/** The fake's vector for one input (float32-exact values), so a test can compare what it gets. */
export function fakeOpenAIVector(inputIndex: number, dimensions: number): number[] {
  return Array.from({ length: dimensions }, (_, j) => ((inputIndex * 7 + j) % 32) / 16 - 1);
}

/** Tokens the fake bills for one input: not the gateway's chars/4 estimate, so a test tells them apart. */
export function fakeOpenAITokens(input: string | number[]): number {
  return typeof input === 'string' ? input.split(/\s+/).filter(Boolean).length + 1 : input.length;
}

function float32Base64(values: number[]): string {
  const buffer = Buffer.alloc(values.length * 4);
  values.forEach((v, i) => buffer.writeFloatLE(v, i * 4));
  return buffer.toString('base64');
}

/**
 * OpenAI's `POST /v1/embeddings` on 127.0.0.1, in its exact wire format
 * (https://platform.openai.com/docs/api-reference/embeddings): validates as OpenAI does what the gateway
 * should never send (no model, an empty input, `dimensions` to ada-002), refuses an input over
 * FAKE_OPENAI_MAX_INPUT_TOKENS with OpenAI's context-length 400, answers floats or base64 as
 * `encoding_format` asks, and bills `usage.prompt_tokens` by fakeOpenAITokens.
 */
export async function startFakeOpenAIEmbeddings(initial: (body: Record<string, unknown>, callIndex: number) => EmbeddingsBehavior = () => ({ kind: 'ok' })): Promise<FakeOpenAIEmbeddings> {
  let behaviorFor = initial;
  const calls: RecordedEmbeddingsCall[] = [];
  let count = 0;
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    let raw = '';
    req.on('data', (c) => (raw += c));
    req.on('end', () => {
      const send = (status: number, body: unknown, headers: Record<string, string> = {}) => {
        res.writeHead(status, { 'content-type': 'application/json', ...headers });
        res.end(JSON.stringify(body));
      };
      const error = (status: number, message: string, param: string | null = null, code: string | null = null, type = 'invalid_request_error') => send(status, { error: { message, type, param, code } });
      if (req.method !== 'POST' || !req.url?.endsWith('/embeddings')) return error(404, `Invalid URL (${req.method} ${req.url})`, null, 'unknown_url');
      const body = JSON.parse(raw) as Record<string, unknown>;
      calls.push({ path: req.url, authorization: req.headers.authorization, body });
      const behavior = behaviorFor(body, count++);
      if (behavior.kind === 'error') {
        return send(
          behavior.status,
          { error: { message: behavior.message ?? `fake error ${behavior.status}`, type: behavior.type ?? 'server_error', param: behavior.param ?? null, code: behavior.code ?? null } },
          behavior.retryAfter ? { 'retry-after': behavior.retryAfter } : {},
        );
      }
      const model = String(body.model ?? '');
      if (!model) return error(400, 'you must provide a model parameter', null, null);
      const input = body.input;
      const inputs: Array<string | number[]> = typeof input === 'string' ? [input] : Array.isArray(input) && typeof input[0] === 'number' ? [input as number[]] : (input as Array<string | number[]>);
      if (!Array.isArray(inputs) || inputs.length === 0 || inputs.some((i) => i === '' || (Array.isArray(i) && i.length === 0))) return error(400, "'$.input' is invalid. Please check the API reference: https://platform.openai.com/docs/api-reference.");
      // OpenAI's answer to an input over the model's limit, body as it sends it (code and param null).
      const overLong = inputs.map(fakeOpenAITokens).find((n) => n > FAKE_OPENAI_MAX_INPUT_TOKENS);
      if (overLong !== undefined) {
        return error(400, `This model's maximum context length is ${FAKE_OPENAI_MAX_INPUT_TOKENS} tokens, however you requested ${overLong} tokens (${overLong} in your prompt; 0 for the completion). Please reduce your prompt; or completion length.`);
      }
      if (body.dimensions !== undefined && model === 'text-embedding-ada-002') return error(400, 'This model does not support specifying dimensions.', null, null);
      const dims = typeof body.dimensions === 'number' ? body.dimensions : (FAKE_EMBEDDING_DIMENSIONS[model] ?? OTHER_MODEL_DIMENSIONS);
      const base64 = body.encoding_format === 'base64' && !behavior.floatsOnly;
      const tokens = inputs.reduce((n, i) => n + fakeOpenAITokens(i), 0);
      send(200, {
        object: 'list',
        data: inputs.map((_, index) => {
          const vector = fakeOpenAIVector(index, dims);
          return { object: 'embedding', index, embedding: base64 ? float32Base64(vector) : vector };
        }),
        model,
        usage: { prompt_tokens: tokens, total_tokens: tokens },
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/v1`,
    calls,
    setBehavior(fn) {
      behaviorFor = fn;
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((err) => (err ? reject(err) : resolve()));
      }),
  };
}
