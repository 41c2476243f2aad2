import { brotliCompressSync, deflateRawSync, deflateSync, gzipSync } from 'node:zlib';
import { Readable } from 'node:stream';
import { request } from 'undici';
import { startFakeOpenAI, type FakeOpenAI } from '../fakes/fake-openai.server';
import { collectErrorLogs, GATEWAY_KEY, routerYaml, type Stack, startStack } from '../support/stack';

const ADMIN_KEY = 'admin-key-0123456789abcdef';
const LIMIT = 65_536;

type OpenAIError = { error: { message: string; type: string; param: string | null; code: string | null } };

/**
 * `Content-Encoding` on a request body: gzip, deflate and br are decoded, the body limit applies to the
 * decoded size (a decompression bomb is a 413), a body that is not what its encoding says is a 400, an
 * encoding the gateway does not take is a 415; alike on both chat paths and on the other POST endpoints.
 */
describe('request bodies with a Content-Encoding', () => {
  let upstream: FakeOpenAI;
  let stack: Stack;
  let requestId = '';
  let tenants = 0;
  const unexpected: string[] = [];

  beforeAll(async () => {
    upstream = await startFakeOpenAI(() => ({ kind: 'text', content: 'ANSWER: 42' }));
    stack = await startStack({
      yaml: routerYaml(upstream.url),
      queue: 'in-process',
      env: { ADMIN_API_KEY: ADMIN_KEY, BODY_LIMIT_BYTES: String(LIMIT) },
      log: collectErrorLogs(unexpected),
    });
    requestId = (await stack.client.chat.completions.create({ model: 'auto', messages: [{ role: 'user', content: 'hi' }] })).id;
  });
  afterAll(async () => {
    await stack?.close();
    await upstream?.close();
  });

  /** Each endpoint with a body it accepts, and the status of its success. */
  const endpoints = {
    chat: { path: '/v1/chat/completions', key: GATEWAY_KEY, body: () => ({ model: 'auto', messages: [{ role: 'user', content: 'hi' }] }), ok: 200 },
    'chat, streamed': { path: '/v1/chat/completions', key: GATEWAY_KEY, body: () => ({ model: 'auto', messages: [{ role: 'user', content: 'hi' }], stream: true }), ok: 200 },
    feedback: { path: '/v1/feedback', key: GATEWAY_KEY, body: () => ({ request_id: requestId, score: 1 }), ok: 202 },
    'admin tenants': { path: '/v1/admin/tenants', key: ADMIN_KEY, body: () => ({ id: `gz-${++tenants}` }), ok: 201 },
  } as const;
  type Endpoint = keyof typeof endpoints;
  const names = Object.keys(endpoints) as Endpoint[];

  /** `chunked`: sent as a stream, without a content-length (undici then uses transfer-encoding: chunked). */
  async function post(endpoint: Endpoint, body: Buffer, encoding: string | undefined, chunked = false) {
    const { path, key } = endpoints[endpoint];
    const res = await request(`${stack.gateway.url}${path}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json', ...(encoding === undefined ? {} : { 'content-encoding': encoding }) },
      body: chunked ? Readable.from([body.subarray(0, body.length >> 1), body.subarray(body.length >> 1)]) : body,
    });
    const text = await res.body.text();
    return { status: res.statusCode, headers: res.headers, text };
  }
  const json = (endpoint: Endpoint) => Buffer.from(JSON.stringify(endpoints[endpoint].body()));
  const errorOf = (text: string) => (JSON.parse(text) as OpenAIError).error;
  /** The content deltas of an SSE answer, joined; it must end with `[DONE]`. */
  function streamedContent(text: string): string {
    const events = text.split('\n\n').filter(Boolean).map((e) => e.replace(/^data: /, ''));
    expect(events.at(-1)).toBe('[DONE]');
    return events.slice(0, -1).map((e) => (JSON.parse(e) as { choices: Array<{ delta: { content?: string } }> }).choices[0]?.delta.content ?? '').join('');
  }

  it.each(names.flatMap((endpoint) => [
    [endpoint, 'gzip', gzipSync, false],
    [endpoint, 'x-gzip', gzipSync, true],
    [endpoint, 'deflate', deflateSync, false],
    [endpoint, 'br', brotliCompressSync, true],
    [endpoint, 'GZip', gzipSync, false],
    [endpoint, 'identity', (b: Buffer) => b, false],
  ] as const))('%s: a body sent with Content-Encoding %s is decoded and served', async (endpoint, encoding, encode, chunked) => {
    const res = await post(endpoint, encode(json(endpoint)), encoding, chunked);
    expect(res.status).toBe(endpoints[endpoint].ok);
    if (endpoint === 'chat') expect(JSON.parse(res.text).choices[0].message.content).toBe('ANSWER: 42');
    if (endpoint === 'chat, streamed') expect(streamedContent(res.text)).toBe('ANSWER: 42');
  });

  it.each(names.flatMap((endpoint) => [
    [endpoint, 'gzip', (b: Buffer) => b, /not valid gzip/],
    [endpoint, 'deflate', (b: Buffer) => b, /not valid deflate/],
    [endpoint, 'br', (b: Buffer) => b, /not valid br/],
    [endpoint, 'gzip', (b: Buffer) => gzipSync(b).subarray(0, 20), /not valid gzip/],
    [endpoint, 'deflate', (b: Buffer) => deflateRawSync(b), /not valid deflate/],
  ] as const))('%s: a body that is not %s data is a 400 saying so, not a parse error', async (endpoint, encoding, encode, message) => {
    const res = await post(endpoint, encode(json(endpoint)), encoding);
    expect(res.status).toBe(400);
    const error = errorOf(res.text);
    expect(error).toMatchObject({ type: 'invalid_request_error', code: 'invalid_encoding', param: null });
    expect(error.message).toMatch(message);
  });

  it.each(names.flatMap((endpoint) => [
    [endpoint, 'zstd'],
    [endpoint, 'compress'],
    [endpoint, 'gzip, br'],
    [endpoint, 'x-unknown'],
  ] as const))('%s: Content-Encoding %s is a 415 naming the encodings taken', async (endpoint, encoding) => {
    const res = await post(endpoint, json(endpoint), encoding);
    expect(res.status).toBe(415);
    const error = errorOf(res.text);
    expect(error).toMatchObject({ type: 'invalid_request_error', code: 'unsupported_media_type', param: null });
    expect(error.message).toContain(encoding);
    expect(error.message).toMatch(/gzip, deflate.*br/);
  });

  // 64 MB of spaces in under 64 KB: decoded, a thousand times the limit. Made once per coding.
  const bombs = new Map<string, Buffer>();
  function bomb(encoding: string, encode: (b: Buffer) => Buffer): Buffer {
    let made = bombs.get(encoding);
    if (!made) bombs.set(encoding, (made = encode(Buffer.alloc(64 * 1024 * 1024, ' '))));
    return made;
  }
  it.each(names.flatMap((endpoint) => [
    [endpoint, 'gzip', gzipSync],
    [endpoint, 'br', brotliCompressSync],
  ] as const))('%s: a %s decompression bomb within the limit is a 413 on its decoded size, answered before it is decoded', async (endpoint, encoding, encode) => {
    const body = bomb(encoding, encode);
    expect(body.length).toBeLessThan(LIMIT);
    const res = await post(endpoint, body, encoding);
    expect(res.status).toBe(413);
    expect(errorOf(res.text)).toMatchObject({ type: 'invalid_request_error', code: 'request_too_large', param: null });
    expect(errorOf(res.text).message).toMatch(/decoded/);
    // That decoding stops at the limit (no timing here: decode-request-body.spec.ts counts what passes it).
  });

  it('a decoded body just within the limit is served', async () => {
    const body = Buffer.concat([json('chat'), Buffer.alloc(LIMIT - json('chat').length, ' ')]);
    expect((await post('chat', gzipSync(body), 'gzip')).status).toBe(200);
    expect((await post('chat', gzipSync(Buffer.concat([body, Buffer.from(' ')])), 'gzip')).status).toBe(413);
  });

  it('a GET with a Content-Encoding header and no body is answered as without it', async () => {
    const res = await request(`${stack.gateway.url}/v1/models`, { headers: { authorization: `Bearer ${GATEWAY_KEY}`, 'content-encoding': 'zstd' } });
    expect(res.statusCode).toBe(200);
    await res.body.dump();
  });

  it('logged no unexpected error', () => {
    expect(unexpected).toEqual([]);
  });
});
