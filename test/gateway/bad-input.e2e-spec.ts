import { request } from 'undici';
import { startFakeOpenAI, type FakeOpenAI } from '../fakes/fake-openai.server';
import { eventually, GATEWAY_KEY, routerYaml, startStack, type Stack } from '../support/stack';

describe('bad input and upstream failures get OpenAI-format errors, and every request is recorded', () => {
  let upstream: FakeOpenAI;
  let stack: Stack;
  let sent = 0;

  beforeAll(async () => {
    upstream = await startFakeOpenAI();
    stack = await startStack({ yaml: routerYaml(upstream.url), queue: 'in-process', env: { BODY_LIMIT_BYTES: '65536' } });
  });
  afterAll(async () => {
    await stack.close();
    await upstream.close();
  });

  async function post(body: string | Buffer, headers: Record<string, string> = {}) {
    sent++;
    const res = await request(`${stack.gateway.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${GATEWAY_KEY}`, ...headers },
      body,
    });
    const json = (await res.body.json()) as { error: { message: string; type: string; param: string | null; code: string | null } };
    return { status: res.statusCode, headers: res.headers, json };
  }

  const valid = (extra: Record<string, unknown> = {}) => JSON.stringify({ model: 'auto', messages: [{ role: 'user', content: 'hi' }], ...extra });

  it.each([
    ['malformed JSON', '{"model": "auto", "messages": [', 400, 'invalid_json', null],
    ['an empty body', '', 400, 'invalid_body', null],
    ['a body that is not an object', '[1,2,3]', 400, 'invalid_body', null],
    ['missing messages', JSON.stringify({ model: 'auto' }), 400, 'missing_required_parameter', 'messages'],
    ['missing model', JSON.stringify({ messages: [{ role: 'user', content: 'x' }] }), 400, 'missing_required_parameter', 'model'],
    ['a wrong type', valid({ temperature: 'warm' }), 400, 'invalid_value', 'temperature'],
    ['a wrong message shape', JSON.stringify({ model: 'auto', messages: [{ role: 'user' }] }), 400, 'missing_required_parameter', 'messages[0].content'],
    ['an unknown model', JSON.stringify({ model: 'gpt-17', messages: [{ role: 'user', content: 'x' }] }), 404, 'model_not_found', 'model'],
    // Its record's error message holds text Postgres refuses: once held up every record after it.
    ['an unknown model named with NUL and half an emoji', JSON.stringify({ model: `gpt\u0000${'\u{1F9EA}'.slice(0, 1)}`, messages: [{ role: 'user', content: 'x' }] }), 404, 'model_not_found', 'model'],
  ])('%s', async (_name, body, status, code, param) => {
    const res = await post(body);
    expect(res.status).toBe(status);
    expect(res.json.error).toMatchObject({ code, param });
    expect(typeof res.json.error.message).toBe('string');
    expect(res.json.error.type).toBe(status === 404 ? 'invalid_request_error' : 'invalid_request_error');
    expect(res.headers['x-request-id']).toMatch(/^chatcmpl-/);
  });

  const hi = '[{"role": "user", "content": "hi"}]';
  it.each([
    ['at the top level', `{"model": "auto", "messages": ${hi}, "__proto__": {"a": 1}}`, '__proto__', '__proto__'],
    ['in a message', '{"model": "auto", "messages": [{"role": "user", "content": "hi", "__proto__": {"a": 1}}]}', 'messages[0].__proto__', '__proto__'],
    ['in a content part', '{"model": "auto", "messages": [{"role": "user", "content": [{"type": "text", "text": "hi"}, {"type": "text", "__proto__": null}]}]}', 'messages[0].content[1].__proto__', '__proto__'],
    ['in metadata', `{"model": "auto", "messages": ${hi}, "metadata": {"__proto__": {"isAdmin": true}}}`, 'metadata.__proto__', '__proto__'],
    ['written with escapes', `{"model": "auto", "messages": ${hi}, "\\u005f_proto__": {}}`, '__proto__', '__proto__'],
    ['as constructor.prototype', `{"model": "auto", "messages": ${hi}, "metadata": {"constructor": {"prototype": {"a": 1}}}}`, 'metadata.constructor.prototype', 'constructor.prototype'],
  ])('a "__proto__"-style key %s is a 400 that names the key and where, not "invalid JSON"', async (_name, body, param, key) => {
    expect(() => JSON.parse(body)).not.toThrow();
    const res = await post(body);
    expect(res.status).toBe(400);
    expect(res.json.error).toMatchObject({ type: 'invalid_request_error', code: 'forbidden_key', param });
    expect(res.json.error.message).toContain(`'${key}'`);
    expect(res.json.error.message).not.toMatch(/parse|not valid JSON/i);
    expect(Object.getPrototypeOf({}).isAdmin).toBeUndefined();
  });

  it('an oversized body gets a 413', async () => {
    const res = await post(valid({ messages: [{ role: 'user', content: 'x'.repeat(100_000) }] }));
    expect(res.status).toBe(413);
    expect(res.json.error.code).toBe('request_too_large');
  });

  it('a missing or wrong gateway key gets a 401', async () => {
    const none = await post(valid(), { authorization: '' });
    expect(none.status).toBe(401);
    expect(none.json.error).toMatchObject({ type: 'invalid_request_error', code: null });
    const wrong = await post(valid(), { authorization: 'Bearer nope' });
    expect(wrong.status).toBe(401);
    expect(JSON.stringify(wrong.json)).not.toContain('nope');
  });

  it.each([
    ['an upstream 429', { kind: 'error', status: 429, retryAfter: '7' } as const, 429, 'rate_limit_exceeded'],
    ['an upstream 500', { kind: 'error', status: 500 } as const, 502, 'upstream_error'],
    ['an upstream 503', { kind: 'error', status: 503 } as const, 503, 'upstream_overloaded'],
    ['an upstream that never answers', { kind: 'hang' } as const, 504, 'upstream_timeout'],
  ])('%s is mapped to a fitting OpenAI-format error', async (_name, behavior, status, code) => {
    upstream.setBehavior(() => behavior);
    const res = await post(JSON.stringify({ model: 'cheap', messages: [{ role: 'user', content: 'x' }] }));
    expect(res.status).toBe(status);
    expect(res.json.error.code).toBe(code);
    if (status === 429) expect(res.headers['retry-after']).toBe('7');
    const streamed = await post(JSON.stringify({ model: 'cheap', messages: [{ role: 'user', content: 'x' }], stream: true }));
    expect(streamed.status).toBe(status);
    expect(streamed.json.error.code).toBe(code);
  });

  it('unknown paths get an OpenAI-format 404', async () => {
    const res = await request(`${stack.gateway.url}/v1/nothing-here`, { headers: { authorization: `Bearer ${GATEWAY_KEY}` } });
    expect(res.statusCode).toBe(404);
    expect(((await res.body.json()) as { error: { type: string } }).error.type).toBe('invalid_request_error');
  });

  it('recorded every request it answered, errors included', async () => {
    await stack.gateway.runtime.records.flush();
    await eventually(async () => expect(await stack.gateway.runtime.requests.count()).toBe(sent));
    const rows = await stack.database.handle.db.selectFrom('requests').select(['status', 'http_status']).execute();
    expect(rows.every((r) => r.status === 'error')).toBe(true);
    expect(rows.some((r) => r.http_status === 500)).toBe(false);
  });
});
