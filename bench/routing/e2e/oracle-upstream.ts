import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { lookUpAnswer, type AnswerBook } from './answer-oracle';

export interface OracleUpstream {
  url: string;
  /** Calls answered, per upstream model name. */
  calls: Map<string, number>;
  /** Requests it could not answer (unknown prompt or model). */
  unknown: number;
  close(): Promise<void>;
}

/**
 * An OpenAI-compatible upstream (non-streamed Chat Completions, OpenAI's wire format:
 * https://platform.openai.com/docs/api-reference/chat/object) that answers as RouteLLM recorded each
 * model on each MMLU prompt (`answer-oracle.ts`), with the recorded token counts as usage.
 */
export async function startOracleUpstream(book: AnswerBook): Promise<OracleUpstream> {
  const calls = new Map<string, number>();
  const state = { unknown: 0 };
  let served = 0;
  const answer = (req: IncomingMessage, res: ServerResponse, raw: string) => {
    const fail = (status: number, message: string) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: { message, type: 'invalid_request_error', param: null, code: null } }));
    };
    if (req.method !== 'POST' || !req.url?.endsWith('/chat/completions')) return fail(404, 'not found');
    let body: { model?: unknown; messages?: Array<{ role?: unknown; content?: unknown }>; stream?: unknown };
    try {
      body = JSON.parse(raw) as typeof body;
    } catch {
      return fail(400, 'invalid JSON');
    }
    if (body.stream === true) return fail(400, 'this fake upstream does not stream');
    const model = String(body.model);
    const users = (body.messages ?? []).filter((m) => m.role === 'user');
    const prompt = users[users.length - 1]?.content;
    const found = typeof prompt === 'string' ? lookUpAnswer(book, prompt, model) : undefined;
    if (!found) {
      state.unknown++;
      return fail(400, `no recorded answer of ${model} for this prompt`);
    }
    calls.set(model, (calls.get(model) ?? 0) + 1);
    served++;
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(
      JSON.stringify({
        id: `chatcmpl-oracle${served}`,
        object: 'chat.completion',
        created: 1_700_000_000,
        model,
        choices: [{ index: 0, message: { role: 'assistant', content: found.content, refusal: null }, logprobs: null, finish_reason: 'stop' }],
        usage: { prompt_tokens: found.promptTokens, completion_tokens: found.completionTokens, total_tokens: found.promptTokens + found.completionTokens },
      }),
    );
  };
  const server: Server = createServer((req, res) => {
    let raw = '';
    req.setEncoding('utf8');
    req.on('data', (c: string) => (raw += c));
    req.on('end', () => answer(req, res, raw));
  });
  server.keepAliveTimeout = 65_000;
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    calls,
    get unknown() {
      return state.unknown;
    },
    close: () =>
      new Promise<void>((ok) => {
        server.closeAllConnections();
        server.close(() => ok());
      }),
  };
}
