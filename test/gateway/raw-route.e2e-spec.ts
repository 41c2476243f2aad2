import { Readable } from 'node:stream';
import { request } from 'undici';
import { startFakeOpenAI, type FakeOpenAI } from '../fakes/fake-openai.server';
import { eventually, GATEWAY_KEY, routerYaml, startStack, type Stack } from '../support/stack';

/**
 * The common chat request (a JSON body of known length) is answered by the raw route in front of
 * Fastify; a chunked body still goes through Fastify's route. Both must answer alike: same status,
 * same error, same headers, same record.
 */
describe('the raw chat route answers like the Fastify route', () => {
  let upstream: FakeOpenAI;
  let stack: Stack;

  beforeAll(async () => {
    upstream = await startFakeOpenAI();
    stack = await startStack({ yaml: routerYaml(upstream.url), queue: 'in-process', env: { BODY_LIMIT_BYTES: '65536' } });
  });
  afterAll(async () => {
    await stack.close();
    await upstream.close();
  });

  /** `chunked`: the body as a stream of two pieces, so undici sends it with transfer-encoding: chunked (Fastify's path). */
  async function post(body: string, chunked: boolean, path = '/v1/chat/completions') {
    const half = Math.floor(body.length / 2);
    const payload = chunked ? Readable.from([Buffer.from(body.slice(0, half)), Buffer.from(body.slice(half))]) : body;
    const res = await request(`${stack.gateway.url}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json; charset=utf-8', authorization: `Bearer ${GATEWAY_KEY}` },
      body: payload,
    });
    const text = await res.body.text();
    return { status: res.statusCode, headers: res.headers, json: JSON.parse(text) as Record<string, any> };
  }

  const ok = JSON.stringify({ model: 'auto', messages: [{ role: 'user', content: 'hi' }] });

  it.each([
    ['a valid request', ok],
    ['malformed JSON', '{"model": "auto", "messages": ['],
    ['a prototype-poisoning body', '{"model": "auto", "__proto__": {"x": 1}, "messages": [{"role": "user", "content": "hi"}]}'],
    ['a constructor-poisoning body', '{"model": "auto", "constructor": {"prototype": {"x": 1}}, "messages": [{"role": "user", "content": "hi"}]}'],
    ['a body that is not an object', '[1,2,3]'],
    ['an unknown model', JSON.stringify({ model: 'gpt-17', messages: [{ role: 'user', content: 'x' }] })],
  ])('%s', async (_name, body) => {
    const raw = await post(body, false);
    const viaFastify = await post(body, true);
    expect(raw.status).toBe(viaFastify.status);
    expect(raw.headers['content-type']).toBe(viaFastify.headers['content-type']);
    expect(raw.headers['x-request-id']).toMatch(/^chatcmpl-/);
    expect(viaFastify.headers['x-request-id']).toMatch(/^chatcmpl-/);
    if (raw.status === 200) {
      expect(raw.json.choices[0].message).toEqual(viaFastify.json.choices[0].message);
      // Which model serves is the bandit's draw, so each may differ; both are routed the same way.
      for (const res of [raw, viaFastify]) expect(res.headers['x-router-model']).toMatch(/^(cheap|strong)$/);
      expect(Object.keys(raw.headers).filter((h) => h.startsWith('x-router-')).sort()).toEqual(Object.keys(viaFastify.headers).filter((h) => h.startsWith('x-router-')).sort());
      expect(raw.json.id).toBe(raw.headers['x-request-id']);
    } else {
      expect(raw.json).toEqual(viaFastify.json);
    }
  });

  it('takes a query string, and records every request either way', async () => {
    const answers = [await post(ok, false, '/v1/chat/completions?trace=1'), await post('{bad', false), await post('{bad', true)];
    expect(answers.map((a) => a.status)).toEqual([200, 400, 400]);
    const ids = answers.map((a) => String(a.headers['x-request-id']));
    // As in bad-input: a request Fastify refused can be recorded a moment after its answer went out.
    await eventually(async () => {
      await stack.gateway.runtime.records.flush();
      const rows = await stack.database.handle.db.selectFrom('requests').select(['id', 'status', 'error_type']).where('id', 'in', ids).execute();
      const byId = new Map(rows.map((r) => [r.id, r]));
      expect(ids.map((id) => byId.get(id)?.error_type ?? byId.get(id)?.status)).toEqual(['success', 'invalid_json', 'invalid_json']);
    });
  });

  it('leaves other paths and methods to Fastify', async () => {
    expect((await post(ok, false, '/v1/chat/completions/')).status).toBe(404);
    const get = await request(`${stack.gateway.url}/v1/chat/completions`, { method: 'GET' });
    expect(get.statusCode).toBe(404);
    await get.body.dump();
  });
});
