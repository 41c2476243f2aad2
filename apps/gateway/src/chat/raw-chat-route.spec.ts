import { createServer, type Server } from 'node:http';
import { Readable } from 'node:stream';
import type { AddressInfo } from 'node:net';
import { request } from 'undici';
import { GatewayError } from '../../../../libs/core/src';
import { rawChatHandler, type RawChatDeps } from './raw-chat-route';

/** The raw route's own decisions: which requests it takes (the rest go to Fastify), and what it hands on. */
describe('rawChatHandler', () => {
  let server: Server;
  let base: string;
  const handled: Array<{ body: unknown; requestId: string }> = [];
  const rejected: Array<{ requestId: string; code: string | null }> = [];
  const logged: Array<{ id: string; status: number; ms: number; headers: Record<string, unknown> }> = [];

  beforeAll(async () => {
    const deps = {
      bodyLimitBytes: 1000,
      newRequestId: () => `chatcmpl-${handled.length + rejected.length}`,
      keys: { authenticate: async (req: { headers: { authorization?: string } }) => {
        if (req.headers.authorization !== 'Bearer k') throw GatewayError.unauthorized('bad key');
        return { keyId: 'key-1' };
      } },
      chat: {
        handle: async (body: unknown, ctx: { requestId: string }, reply: { headers(h: Record<string, string>): { send(b: object): unknown } }) => {
          handled.push({ body, requestId: ctx.requestId });
          reply.headers({ 'x-request-id': ctx.requestId }).send({ ok: true });
        },
        recordRejected: (requestId: string, _key: unknown, error: GatewayError) => rejected.push({ requestId, code: error.code }),
      },
      onUnexpected: () => undefined,
      onResponse: (req: { id: string }, status: number, headers: () => Record<string, unknown>, ms: number) => logged.push({ id: req.id, status, ms, headers: headers() }),
    } as unknown as RawChatDeps;
    const raw = rawChatHandler(deps);
    server = createServer((req, res) => {
      if (!raw(req, res)) {
        res.writeHead(299, { 'x-delegated': 'yes' });
        res.end('{}');
      }
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise((r) => server.close(r)));

  async function send(path: string, init: { method?: string; headers?: Record<string, string>; body?: string | Readable } = {}) {
    const res = await request(`${base}${path}`, { method: (init.method ?? 'POST') as 'POST', headers: { authorization: 'Bearer k', ...init.headers }, body: init.body });
    return { status: res.statusCode, headers: res.headers, json: (await res.body.json()) as Record<string, any> };
  }
  const json = { 'content-type': 'application/json' };
  const body = '{"model":"auto","messages":[]}';

  it('takes a JSON POST of known length to /v1/chat/completions (with or without a query) and hands on the parsed body', async () => {
    const res = await send('/v1/chat/completions', { headers: json, body });
    expect(res.status).toBe(200);
    expect(res.json).toEqual({ ok: true });
    expect(res.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(res.headers['content-length']).toBe('11');
    expect(handled.at(-1)?.body).toEqual({ model: 'auto', messages: [] });
    expect((await send('/v1/chat/completions?x=1', { headers: { 'content-type': 'Application/JSON; charset=utf-8' }, body })).status).toBe(200);
    // One log line per answered request, with the headers it was sent with.
    expect(logged.at(-1)).toMatchObject({ status: 200, headers: expect.objectContaining({ 'content-type': 'application/json; charset=utf-8' }) });
  });

  it.each([
    ['another path', '/v1/chat/completionsX', { headers: json, body }],
    ['a trailing slash', '/v1/chat/completions/', { headers: json, body }],
    ['another method', '/v1/chat/completions', { method: 'PUT', headers: json, body }],
    ['no content type', '/v1/chat/completions', { body }],
    ['another content type', '/v1/chat/completions', { headers: { 'content-type': 'application/jsonx' }, body }],
    ['an empty body', '/v1/chat/completions', { headers: json, body: '' }],
    ['a body over the limit', '/v1/chat/completions', { headers: json, body: 'x'.repeat(1001) }],
    ['a content encoding', '/v1/chat/completions', { headers: { ...json, 'content-encoding': 'gzip' }, body }],
    ['a chunked body', '/v1/chat/completions', { headers: json, body: Readable.from([Buffer.from(body)]) }],
  ])('leaves %s to Fastify', async (_name, path, init) => {
    const res = await send(path, init as Parameters<typeof send>[1]);
    expect(res.headers['x-delegated']).toBe('yes');
  });

  it.each([
    ['{"model":', 'invalid_json', null],
    ['{"__proto__":{"a":1}}', 'forbidden_key', '__proto__'],
    ['{"constructor":{"prototype":{"a":1}}}', 'forbidden_key', 'constructor.prototype'],
  ])('answers %s itself, as Fastify would (400 %s), and records it', async (bad, code, param) => {
    const res = await send('/v1/chat/completions', { headers: json, body: bad });
    expect(res.status).toBe(400);
    expect(res.json.error).toMatchObject({ type: 'invalid_request_error', code, param });
    expect(rejected.at(-1)).toMatchObject({ code, requestId: res.headers['x-request-id'] });
  });

  it('checks the key: a bad one gets a 401 in OpenAI\'s format', async () => {
    const res = await send('/v1/chat/completions', { headers: { ...json, authorization: 'Bearer nope' }, body });
    expect(res.status).toBe(401);
    expect(res.json.error).toMatchObject({ type: 'invalid_request_error', code: 'invalid_api_key' });
  });
});
