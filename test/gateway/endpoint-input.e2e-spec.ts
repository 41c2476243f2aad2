import { connect } from 'node:net';
import { request } from 'undici';
import { startFakeOpenAI, type FakeOpenAI } from '../fakes/fake-openai.server';
import { collectErrorLogs, GATEWAY_KEY, routerYaml, type Stack, startStack } from '../support/stack';

const ADMIN_KEY = 'admin-key-0123456789abcdef';

type OpenAIError = { error: { message: string; type: string; param: string | null; code: string | null } };

/**
 * The endpoints besides chat completions (admin, reports, dashboard, feedback, models) answer bad
 * paths, query strings and bodies with an OpenAI-format 4xx, never a 500 or Fastify's own error shape.
 */
describe('bad input on the admin, report, feedback and model endpoints', () => {
  let upstream: FakeOpenAI;
  let stack: Stack;
  const unexpected: string[] = [];

  beforeAll(async () => {
    upstream = await startFakeOpenAI(() => ({ kind: 'text', content: 'ANSWER: 42' }));
    stack = await startStack({
      yaml: routerYaml(upstream.url, '    budget_usd_per_day: 5'),
      queue: 'in-process',
      env: { ADMIN_API_KEY: ADMIN_KEY },
      log: collectErrorLogs(unexpected),
    });
  });
  afterAll(async () => {
    await stack?.close();
    await upstream?.close();
  });

  async function call(method: 'GET' | 'POST' | 'DELETE', path: string, options: { body?: unknown; key?: string } = {}) {
    const res = await request(`${stack.gateway.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${options.key ?? ADMIN_KEY}`, ...(options.body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
    });
    return { status: res.statusCode, json: (await res.body.json()) as OpenAIError };
  }

  function expectClientError(res: { status: number; json: OpenAIError }, status: number, param?: string | null) {
    expect(res.status).toBe(status);
    expect(Object.keys(res.json.error).sort()).toEqual(['code', 'message', 'param', 'type']);
    expect(res.json.error).toMatchObject({ message: expect.any(String), type: 'invalid_request_error', code: expect.any(String) });
    if (param !== undefined) expect(res.json.error.param).toBe(param);
  }

  it.each([
    ['GET', '/v1/router/requests/%00'],
    ['GET', '/v1/admin/keys/%00'],
    ['DELETE', '/v1/admin/keys/%00'],
    ['GET', '/v1/admin/tenants/%00'],
    ['DELETE', '/v1/admin/budgets/a%00b'],
    ['GET', '/v1/admin/keys?tenant_id=%00'],
    ['GET', '/v1/admin/spend?key_id=x%00'],
  ] as const)('a NUL character in the URL: %s %s is a 400', async (method, path) => {
    expectClientError(await call(method, path), 400);
  });

  it.each([
    ['/v1/admin/keys?tenant_id=a&tenant_id=b', 'tenant_id'],
    ['/v1/admin/spend?tenant_id=a&tenant_id=b', 'tenant_id'],
    ['/v1/admin/spend?key_id=a&key_id=b', 'key_id'],
    ['/v1/admin/spend?route=a&route=b', 'route'],
    ['/v1/admin/budgets?subject=a&subject=b', 'subject'],
    ['/v1/router/requests?route=auto&route=auto', 'route'],
    ['/v1/router/timeseries?route=auto&route=x', 'route'],
  ])('a query parameter given twice: %s is a 400 naming it', async (path, param) => {
    expectClientError(await call('GET', path), 400, param);
  });

  it.each(['2026-13-01', '2026-02-30', '0000-01-01', '2026-04-31'])('a day that is not on the calendar, %s, is a 400', async (day) => {
    expectClientError(await call('GET', `/v1/admin/spend?from=${day}`), 400, 'from');
    expectClientError(await call('GET', `/v1/admin/spend?to=${day}`), 400, 'to');
  });

  it("a spend range whose 'from' is after its 'to' is a 400, not an empty list", async () => {
    expectClientError(await call('GET', '/v1/admin/spend?from=2026-12-02&to=2026-12-01'), 400, 'from');
  });

  it('a budget whose soft limit is above its hard cap (an alert that cannot fire) is a 400', async () => {
    const res = await call('POST', '/v1/admin/budgets', { body: { scope: 'route', subject: 'auto', period: 'day', hard_limit_usd: 1, soft_limit_usd: 5 } });
    expectClientError(res, 400, 'soft_limit_usd');
  });

  it("deleting a budget that comes from router.yaml says so, instead of that it does not exist", async () => {
    const listed = (await call('GET', '/v1/admin/budgets')) as unknown as { json: { data: Array<{ id: string; source: string }> } };
    expect(listed.json.data).toContainEqual(expect.objectContaining({ id: 'config_auto', source: 'config' }));
    const res = await call('DELETE', '/v1/admin/budgets/config_auto');
    expectClientError(res, 409, 'id');
    expect(res.json.error.message).toMatch(/router\.yaml/);
  });

  it('a DELETE sent with a JSON content type and no body (as scripts often send it) is carried out, and a POST without its body is still a 400', async () => {
    // A daily route budget on 'auto' is config_auto (router.yaml): this one is weekly.
    const created = await call('POST', '/v1/admin/budgets', { body: { scope: 'route', subject: 'auto', period: 'week', hard_limit_usd: 3 } });
    expect(created.status).toBe(201);
    const id = (created.json as unknown as { id: string }).id;
    const headers = { authorization: `Bearer ${ADMIN_KEY}`, 'content-type': 'application/json' };
    const deleted = await request(`${stack.gateway.url}/v1/admin/budgets/${id}`, { method: 'DELETE', headers });
    await deleted.body.dump();
    expect(deleted.statusCode).toBe(200);
    const listed = (await call('GET', '/v1/admin/budgets')) as unknown as { json: { data: Array<{ id: string }> } };
    expect(listed.json.data.map((b) => b.id)).not.toContain(id);
    const post = await request(`${stack.gateway.url}/v1/admin/budgets`, { method: 'POST', headers });
    expectClientError({ status: post.statusCode, json: (await post.body.json()) as OpenAIError }, 400);
  });

  it('a second budget with the same scope, subject and period is a 409 naming the first and how to change it; another period is a new budget', async () => {
    const body = { scope: 'route', subject: 'cheap', period: 'rolling', window_seconds: 3600, hard_limit_usd: 2 };
    const first = await call('POST', '/v1/admin/budgets', { body });
    expect(first.status).toBe(201);
    const id = (first.json as unknown as { id: string }).id;
    const again = await call('POST', '/v1/admin/budgets', { body: { ...body, hard_limit_usd: 1 } });
    expectClientError(again, 409, 'subject');
    expect(again.json.error.code).toBe('budget_exists');
    expect(again.json.error.message).toContain(`'${id}'`);
    expect(again.json.error.message).toContain(`POST /v1/admin/budgets/${id}`);
    expect((await call('POST', '/v1/admin/budgets', { body: { ...body, window_seconds: 60 } })).status).toBe(201);
    const listed = (await call('GET', '/v1/admin/budgets?scope=route&subject=cheap')) as unknown as { json: { data: Array<{ id: string; window_seconds: number }> } };
    expect(listed.json.data.filter((b) => b.window_seconds === 3600).map((b) => b.id)).toEqual([id]);
  });

  it("a stored budget duplicating router.yaml's budget_usd_per_day (config_auto) is a 409 saying to change router.yaml", async () => {
    const res = await call('POST', '/v1/admin/budgets', { body: { scope: 'route', subject: 'auto', period: 'day', hard_limit_usd: 1 } });
    expectClientError(res, 409, 'subject');
    expect(res.json.error.code).toBe('budget_exists');
    expect(res.json.error.message).toContain("'config_auto'");
    expect(res.json.error.message).toMatch(/router\.yaml/);
  });

  it('POST /v1/admin/budgets/{id} changes limits and answers the budget; a soft limit above the hard cap is a 400; a config budget 409; an unknown id 404', async () => {
    const created = await call('POST', '/v1/admin/budgets', { body: { scope: 'route', subject: 'strong', period: 'month', hard_limit_usd: 10, soft_limit_usd: 5 } });
    const id = (created.json as unknown as { id: string }).id;
    const changed = await call('POST', `/v1/admin/budgets/${id}`, { body: { hard_limit_usd: 20 } });
    expect(changed.status).toBe(200);
    expect(changed.json).toMatchObject({ id, hard_limit_usd: 20, soft_limit_usd: 5, period: 'month', source: 'admin' });
    expectClientError(await call('POST', `/v1/admin/budgets/${id}`, { body: { soft_limit_usd: 21 } }), 400, 'soft_limit_usd');
    expectClientError(await call('POST', `/v1/admin/budgets/${id}`, { body: { hard_limit_usd: 4 } }), 400, 'hard_limit_usd');
    expectClientError(await call('POST', `/v1/admin/budgets/${id}`, { body: { hard_limit_usd: -1 } }), 400, 'hard_limit_usd');
    expectClientError(await call('POST', `/v1/admin/budgets/${id}`, { body: {} }), 400, 'hard_limit_usd');
    expectClientError(await call('POST', `/v1/admin/budgets/${id}`, { body: { period: 'day' } }), 400);
    expect((await call('POST', `/v1/admin/budgets/${id}`, { body: { hard_limit_usd: 4, soft_limit_usd: 3 } })).json).toMatchObject({ hard_limit_usd: 4, soft_limit_usd: 3 });
    const listed = (await call('GET', '/v1/admin/budgets?scope=route&subject=strong')) as unknown as { json: { data: Array<{ id: string; hard_limit_usd: number }> } };
    expect(listed.json.data.find((b) => b.id === id)?.hard_limit_usd).toBe(4);

    const fromConfig = await call('POST', '/v1/admin/budgets/config_auto', { body: { hard_limit_usd: 9 } });
    expectClientError(fromConfig, 409, 'id');
    expect(fromConfig.json.error.code).toBe('budget_from_config');
    const unknown = await call('POST', '/v1/admin/budgets/budget_0000000000000000', { body: { hard_limit_usd: 9 } });
    expectClientError(unknown, 404, 'id');
    expect(unknown.json.error.code).toBe('budget_not_found');
  });

  it.each([
    ['hard_limit_usd', 1e-12],
    ['soft_limit_usd', 5e-10],
  ])('a %s of %d, below one nano-dollar (what the counters hold), is a 400 naming it, on create and on change', async (field, limit) => {
    const res = await call('POST', '/v1/admin/budgets', { body: { scope: 'route', subject: 'strong', period: 'week', [field]: limit } });
    expectClientError(res, 400, field);
    expect(res.json.error.message).toContain('nano-dollar');
    const listed = (await call('GET', '/v1/admin/budgets?scope=route&subject=strong')) as unknown as { json: { data: Array<{ id: string; period: string }> } };
    const target = listed.json.data.find((b) => b.period === 'day') ?? (await call('POST', '/v1/admin/budgets', { body: { scope: 'route', subject: 'strong', period: 'day', hard_limit_usd: 1 } })).json;
    const id = (target as unknown as { id: string }).id;
    expectClientError(await call('POST', `/v1/admin/budgets/${id}`, { body: { [field]: limit } }), 400, field);
  });

  it('a limit of exactly one nano-dollar is taken', async () => {
    const res = await call('POST', '/v1/admin/budgets', { body: { scope: 'route', subject: 'strong', period: 'week', hard_limit_usd: 1e-9 } });
    expect(res.status).toBe(201);
  });

  // Number() read '0x10' as 16, '1e3' as 1000, ' 5 ' as 5 and '' as 0 (the default on the dashboard's endpoints).
  const integerParams = [
    ['/v1/router/report', 'window'],
    ['/v1/router/timeseries', 'limit'],
    ['/v1/router/timeseries', 'buckets'],
    ['/v1/router/timeseries', 'bucket_size'],
    ['/v1/router/timeseries', 'bucket_seconds'],
    ['/v1/router/requests', 'limit'],
  ] as const;
  it.each(integerParams.flatMap(([path, name]) => ['0x10', '1e3', '%205%20', '', '+5', '5.0', '0b11', '-0'].map((value) => [path, name, value] as const)))(
    'an integer query parameter written other than in decimal digits: %s?%s=%s is a 400 naming it',
    async (path, name, value) => {
      const res = await call('GET', `${path}?${name}=${value}`);
      expectClientError(res, 400, name);
      expect(res.json.error.message).toContain(`'${name}'`);
    },
  );

  it.each(integerParams)('%s?%s= takes plain decimal digits, leading zeros too', async (path, name) => {
    expect((await call('GET', `${path}?${name}=16`)).status).toBe(200);
    expect((await call('GET', `${path}?${name}=016`)).status).toBe(200);
  });

  it("the report's window given twice is a 400 naming it", async () => {
    expectClientError(await call('GET', '/v1/router/report?window=5&window=6'), 400, 'window');
  });

  it('a real leap day is a day', async () => {
    expect((await call('GET', '/v1/admin/spend?from=2024-02-29&to=2024-02-29')).status).toBe(200);
  });

  it.each([
    ['a malformed percent-encoding', '/v1/router/requests/%ZZ', 400],
    ['an encoded lone surrogate', '/v1/models/%ED%A0%80', 400],
    ['a path parameter past the length limit', `/v1/models/${'x'.repeat(300)}`, 414],
  ])('%s gets an OpenAI-format error, not Fastify\'s', async (_name, path, status) => {
    expectClientError(await call('GET', path, { key: GATEWAY_KEY }), status, null);
  });

  /** What the server writes back to raw bytes, until it closes the connection. */
  function rawExchange(bytes: string): Promise<string> {
    const { hostname, port } = new URL(stack.gateway.url);
    return new Promise((resolve, reject) => {
      const socket = connect(Number(port), hostname, () => socket.write(bytes));
      let answer = '';
      socket.on('data', (d) => (answer += d));
      socket.on('close', () => resolve(answer));
      socket.on('error', reject);
    });
  }

  it.each([
    ['headers past the size limit', `GET /v1/models HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${'k'.repeat(20_000)}\r\n\r\n`, 431],
    ['a request line that is not HTTP', 'GARBAGE\r\n\r\n', 400],
  ])("%s: the connection's error is in OpenAI's format too", async (_name, bytes, status) => {
    const answer = await rawExchange(bytes);
    const [head, body] = answer.split('\r\n\r\n');
    expect(head.split('\r\n')[0]).toBe(`HTTP/1.1 ${status} ${status === 431 ? 'Request Header Fields Too Large' : 'Bad Request'}`);
    expect(head).toMatch(/content-type: application\/json/i);
    const json = JSON.parse(body) as OpenAIError;
    expect(json.error).toMatchObject({ message: expect.any(String), type: 'invalid_request_error', param: null, code: expect.any(String) });
  });

  it.each([
    ['/v1/admin/tenants', { id: 'with-nul', name: 'a\u0000b' }, 'name'],
    ['/v1/admin/keys', { name: 'a\u0000b' }, 'name'],
    ['/v1/admin/keys', { tier: 'pro\u0000' }, 'tier'],
    ['/v1/admin/keys', { tags: ['ok', 'a\u0000b'] }, 'tags.1'],
    ['/v1/admin/keys', { tags: ['\ud800'] }, 'tags.0'],
  ])('an admin body with text Postgres cannot store: POST %s %j is a 400 naming the field', async (path, body, param) => {
    expectClientError(await call('POST', path, { body }), 400, param);
  });

  it.each([
    ['/v1/feedback', GATEWAY_KEY, '{"request_id": "chatcmpl-x", "score": 1, "__proto__": {"a": 1}}', '__proto__'],
    ['/v1/admin/keys', ADMIN_KEY, '{"name": "k", "tags": [{"__proto__": {}}]}', 'tags[0].__proto__'],
    ['/v1/admin/tenants', ADMIN_KEY, '{"id": "t", "constructor": {"prototype": {}}}', 'constructor.prototype'],
  ])('a body with a "__proto__"-style key: POST %s is a 400 naming where, not "invalid JSON"', async (path, key, body, param) => {
    const res = await request(`${stack.gateway.url}${path}`, { method: 'POST', headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' }, body });
    const json = (await res.body.json()) as OpenAIError;
    expectClientError({ status: res.statusCode, json }, 400, param);
    expect(json.error.code).toBe('forbidden_key');
  });

  it.each([
    ['/v1/feedback', GATEWAY_KEY],
    ['/v1/admin/tenants', ADMIN_KEY],
  ])('a form-encoded body to POST %s is a 415: bodies are parsed as JSON only', async (path, key) => {
    const res = await request(`${stack.gateway.url}${path}`, { method: 'POST', headers: { authorization: `Bearer ${key}`, 'content-type': 'application/x-www-form-urlencoded' }, body: 'id=t&__proto__[a]=1' });
    const json = (await res.body.json()) as OpenAIError;
    expectClientError({ status: res.statusCode, json }, 415, null);
    expect(json.error.code).toBe('unsupported_media_type');
  });

  it('feedback with a NUL in its request id or comment is a 400', async () => {
    expectClientError(await call('POST', '/v1/feedback', { key: GATEWAY_KEY, body: { request_id: 'chatcmpl-\u0000', score: 1 } }), 400, 'request_id');
    const served = await stack.client.chat.completions.create({ model: 'auto', messages: [{ role: 'user', content: 'hi' }] });
    expectClientError(await call('POST', '/v1/feedback', { key: GATEWAY_KEY, body: { request_id: served.id, score: 1, comment: 'bad\u0000' } }), 400, 'comment');
  });

  // Each was a 201: a budget that never capped anything, a key that could never be used, and no sign of either.
  it.each([
    [{ scope: 'key', subject: 'key_000000000000' }, 404, 'key_not_found'],
    [{ scope: 'tenant', subject: 'no-such-tenant' }, 404, 'tenant_not_found'],
    [{ scope: 'route', subject: 'atuo' }, 404, 'route_not_found'],
  ] as const)('a budget on a subject that does not exist, %j, is a %s naming subject, not a budget that never applies', async (target, status, code) => {
    const res = await call('POST', '/v1/admin/budgets', { body: { ...target, period: 'day', hard_limit_usd: 1 } });
    expectClientError(res, status, 'subject');
    expect(res.json.error.code).toBe(code);
    const listed = (await call('GET', '/v1/admin/budgets')) as unknown as { json: { data: Array<{ subject: string }> } };
    expect(listed.json.data.map((b) => b.subject)).not.toContain(target.subject);
  });

  it('a budget on an existing key, tenant, route, model or static key is created', async () => {
    const key = (await call('POST', '/v1/admin/keys', { body: {} })) as unknown as { json: { id: string } };
    const staticKeyId = ((await call('GET', '/v1/budgets', { key: GATEWAY_KEY })) as unknown as { json: { key_id: string } }).json.key_id;
    for (const [scope, subject] of [['key', key.json.id], ['key', staticKeyId], ['tenant', 'default'], ['route', 'auto'], ['route', 'cheap']]) {
      const res = await call('POST', '/v1/admin/budgets', { body: { scope, subject, period: 'month', soft_limit_usd: 100 } });
      expect({ scope, subject, status: res.status }).toEqual({ scope, subject, status: 201 });
    }
  });

  it.each([
    [{ allowed_routes: ['auto', 'atuo'] }, 'allowed_routes.1', 'route_not_found'],
    [{ allowed_models: ['chep'] }, 'allowed_models.0', 'model_not_found'],
    [{ expires_at: '2020-01-01T00:00:00Z' }, 'expires_at', 'invalid_value'],
  ])('a key that could never be used, %j, is a 400 naming the field', async (body, param, code) => {
    const before = ((await call('GET', '/v1/admin/keys')) as unknown as { json: { data: unknown[] } }).json.data.length;
    const res = await call('POST', '/v1/admin/keys', { body });
    expectClientError(res, 400, param);
    expect(res.json.error.code).toBe(code);
    expect(((await call('GET', '/v1/admin/keys')) as unknown as { json: { data: unknown[] } }).json.data).toHaveLength(before);
  });

  it('a key limited to a configured route, a model named directly, and expiring later is created', async () => {
    const res = await call('POST', '/v1/admin/keys', { body: { allowed_routes: ['auto', 'strong'], allowed_models: ['cheap'], expires_at: new Date(Date.now() + 86_400_000).toISOString() } });
    expect(res.status).toBe(201);
  });

  it('logged no unexpected error', () => {
    expect(unexpected).toEqual([]);
  });
});
