import type { IncomingMessage, ServerResponse } from 'node:http';
import { errorCodes } from 'fastify';
import type { KeyedRequest } from '../auth/gateway-key.guard';
import { parseJsonBody } from '../input/parse-json-body';
import type { ChatReply } from './chat-reply';
import { failChat, serveChat, type ChatRouteDeps } from './chat-route';

export interface RawChatDeps extends ChatRouteDeps {
  bodyLimitBytes: number;
  newRequestId(url: string | undefined): string;
  /** Called once per answered request, as Fastify's onResponse hook is (the request log line). */
  onResponse?(req: { id: string; method?: string; url?: string; headers: IncomingMessage['headers'] }, statusCode: number, headers: () => Record<string, unknown>, elapsedMs: number): void;
}

const CHAT_PATH = '/v1/chat/completions';
/** What Fastify's default JSON parser accepts: `application/json`, with or without parameters. */
const JSON_TYPE = /^application\/json\s*(;|$)/i;

/**
 * `POST /v1/chat/completions` served straight from Node's HTTP server, in front of Fastify (its
 * `serverFactory`): the hot path pays for neither Fastify's routing and hooks, Nest's global hooks,
 * nor its body parser (which makes an AsyncResource and a bound callback per request, 2.4% of the
 * gateway's CPU in the profile). Only the common case is taken: a JSON body whose length is given
 * and within the body limit, no content encoding. Anything else returns false and goes to Fastify,
 * whose route (`chat-route.ts`) answers it the same way, errors included: both call `serveChat`.
 */
export function rawChatHandler(deps: RawChatDeps): (req: IncomingMessage, res: ServerResponse) => boolean {
  return (req, res) => {
    if (req.method !== 'POST') return false;
    const url = req.url;
    if (url !== CHAT_PATH && !(url?.startsWith(CHAT_PATH) && url.charCodeAt(CHAT_PATH.length) === 63 /* ? */)) return false;
    const headers = req.headers;
    const type = headers['content-type'];
    if (type === undefined || !JSON_TYPE.test(type)) return false;
    if (headers['content-encoding'] !== undefined || headers['transfer-encoding'] !== undefined) return false;
    const length = Number(headers['content-length']);
    if (!(length > 0) || length > deps.bodyLimitBytes) return false;

    const startedAt = performance.now();
    const id = deps.newRequestId(url);
    const reply = new RawReply(res);
    if (deps.onResponse) {
      const log = deps.onResponse;
      let logged = false;
      const done = () => {
        if (logged) return;
        logged = true;
        log({ id, method: req.method, url, headers }, res.statusCode, () => ({ ...reply.sentHeaders, ...res.getHeaders() }), performance.now() - startedAt);
      };
      res.once('finish', done);
      res.once('close', done);
    }
    const chunks: Buffer[] = [];
    let received = 0;
    // A client that goes away mid-body makes the request emit 'error' (ECONNRESET): nothing to answer.
    req.on('error', ignore);
    req.on('data', (chunk: Buffer) => {
      chunks.push(chunk);
      received += chunk.length;
    });
    req.once('end', () => {
      let body: unknown;
      try {
        if (received !== length) throw new errorCodes.FST_ERR_CTP_INVALID_CONTENT_LENGTH();
        const text = chunks.length === 1 ? chunks[0].toString('utf8') : Buffer.concat(chunks, received).toString('utf8');
        body = parseJsonBody(text);
      } catch (err) {
        failChat(deps, err, id, reply);
        return;
      }
      void serveChat(deps, body, id, req as KeyedRequest, reply);
    });
    return true;
  };
}

function ignore(): void {}

/** The part of Fastify's reply the chat path uses (ChatReply), written straight to Node's response. */
export class RawReply implements ChatReply {
  private statusCode = 200;
  private readonly pending: Record<string, string> = {};
  private done = false;

  constructor(readonly raw: ServerResponse) {}

  get sent(): boolean {
    return this.done;
  }

  /** The headers given to writeHead (they are not listed by the raw response's getHeaders). */
  get sentHeaders(): Record<string, string> {
    return this.pending;
  }

  hijack(): void {
    this.done = true;
  }

  code(statusCode: number): this {
    this.statusCode = statusCode;
    return this;
  }

  header(name: string, value: string): this {
    this.pending[name.toLowerCase()] = value;
    return this;
  }

  getHeaders(): Record<string, string> {
    return this.pending;
  }

  headers(values: Record<string, string>): this {
    for (const name of Object.keys(values)) this.pending[name.toLowerCase()] = values[name];
    return this;
  }

  /** As Fastify sends an object without a schema: JSON.stringify, `application/json; charset=utf-8`, its length. */
  send(payload: object): this {
    if (this.done) return this;
    this.done = true;
    const body = JSON.stringify(payload);
    this.pending['content-type'] ??= 'application/json; charset=utf-8';
    this.pending['content-length'] = String(Buffer.byteLength(body));
    this.raw.writeHead(this.statusCode, this.pending);
    this.raw.end(body);
    return this;
  }
}
