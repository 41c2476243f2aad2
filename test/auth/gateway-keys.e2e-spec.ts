import { Readable } from 'node:stream';
import { request } from 'undici';
import { BudgetService } from '../../apps/gateway/src/budget/budget.service';
import { startFakeOpenAI, type FakeOpenAI } from '../fakes/fake-openai.server';
import { GATEWAY_KEY, startStack, type Stack } from '../support/stack';
import { admin, ADMIN_KEY, budgetYaml, call, chat, newKey } from '../budget/budget-support';

/** A clock the test moves by hand. */
function manualClock(start: number) {
  let now = start;
  return { now: () => now, advance: (ms: number) => (now += ms) };
}

describe('gateway keys: created, used and revoked through the admin API; OpenAI-format 401/403', () => {
  let upstream: FakeOpenAI;
  let stack: Stack;
  const logs: string[] = [];
  const clock = manualClock(Date.UTC(2026, 10, 21, 12, 0, 0));
  const secrets: string[] = [GATEWAY_KEY, ADMIN_KEY];
  let stdoutWrite: typeof process.stdout.write;
  let stderrWrite: typeof process.stderr.write;

  beforeAll(async () => {
    // Everything the process prints while the gateway runs (request logs included), kept for the last test.
    stdoutWrite = process.stdout.write.bind(process.stdout);
    stderrWrite = process.stderr.write.bind(process.stderr);
    process.stdout.write = ((chunk: string | Uint8Array, ...rest: never[]) => {
      logs.push(String(chunk));
      return rest.length >= 0;
    }) as typeof process.stdout.write;
    process.stderr.write = ((chunk: string | Uint8Array, ...rest: never[]) => {
      logs.push(String(chunk));
      return rest.length >= 0;
    }) as typeof process.stderr.write;
    upstream = await startFakeOpenAI(() => ({ kind: 'text', content: 'Hello!' }));
    stack = await startStack({
      yaml: budgetYaml(upstream.url),
      queue: 'in-process',
      clock,
      env: { ADMIN_API_KEY: ADMIN_KEY, LOG_LEVEL: 'debug' },
      log: (level, message, fields) => logs.push(JSON.stringify({ level, message, ...fields })),
    });
  });
  afterAll(async () => {
    await stack.close();
    await upstream.close();
    process.stdout.write = stdoutWrite;
    process.stderr.write = stderrWrite;
  });

  const base = () => stack.gateway.url;

  it('the admin API needs the admin key', async () => {
    expect((await call(base(), 'GET', '/v1/admin/keys', undefined)).status).toBe(401);
    const wrong = await call(base(), 'GET', '/v1/admin/keys', 'not-the-admin-key');
    expect(wrong.status).toBe(401);
    expect(wrong.json.error).toMatchObject({ type: 'invalid_request_error', code: 'invalid_api_key' });
    // A gateway key is not an admin key.
    expect((await call(base(), 'GET', '/v1/admin/keys', GATEWAY_KEY)).status).toBe(401);
    expect((await call(base(), 'GET', '/v1/admin/keys', ADMIN_KEY)).status).toBe(200);
  });

  it('bad admin input gets a 400 naming the field', async () => {
    const res = await call(base(), 'POST', '/v1/admin/budgets', ADMIN_KEY, { scope: 'key', subject: 'k', period: 'rolling', hard_limit_usd: -1 });
    expect(res.status).toBe(400);
    expect(res.json.error?.message).toMatch(/hard_limit_usd/);
    expect(res.json.error?.message).toMatch(/window_seconds/);
    expect((await call(base(), 'POST', '/v1/admin/keys', ADMIN_KEY, { tenant_id: 'nobody' })).status).toBe(404);
    // Limits beyond what the database column holds are the caller's mistake (a 400), not a failed insert (a 500).
    for (const [path, body] of [
      ['/v1/admin/keys', { tenant_id: 'default', tpm: 10_000_000_000 }],
      ['/v1/admin/tenants', { id: 'too-big', rpm: 2 ** 31 }],
    ] as const) {
      const big = await call(base(), 'POST', path, ADMIN_KEY, body);
      expect(big.status).toBe(400);
      expect(big.json.error).toMatchObject({ type: 'invalid_request_error' });
      expect(big.json.error?.message).toMatch(/tpm|rpm/);
    }
  });

  it('a created key is shown once, stored hashed, and works until revoked', async () => {
    await admin(base(), 'POST', '/v1/admin/tenants', { id: 'team-a', name: 'Team A' });
    const created = await newKey(base(), { tenant_id: 'team-a', name: 'ci', tier: 'gold', tags: ['ci'] });
    secrets.push(created.key);
    expect(created.key).toMatch(/^sk-gw-/);
    expect(created.id).toMatch(/^key_[0-9a-f]{12}$/);
    const listed = await admin<{ data: Array<Record<string, unknown>> }>(base(), 'GET', '/v1/admin/keys?tenant_id=team-a');
    expect(listed.data).toEqual([expect.objectContaining({ id: created.id, tier: 'gold', tags: ['ci'], revoked_at: null })]);
    expect(JSON.stringify(listed)).not.toContain(created.key);

    const ok = await chat(base(), created.key);
    expect(ok.status).toBe(200);
    await admin(base(), 'DELETE', `/v1/admin/keys/${created.id}`);
    const revoked = await chat(base(), created.key);
    expect(revoked.status).toBe(401);
    expect(revoked.json.error).toMatchObject({ type: 'invalid_request_error', code: 'revoked_api_key' });

    // Each change is in the log: what was done to which object, the fields set (not their values).
    const audit = logs.filter((l) => l.includes('"admin action')).map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(audit).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ level: 'info', message: 'admin action', action: 'tenants.create', id: 'team-a', fields: ['id', 'name'] }),
        expect.objectContaining({ level: 'info', message: 'admin action', action: 'keys.create', method: 'POST', id: created.id, fields: ['name', 'tags', 'tenant_id', 'tier'] }),
        expect.objectContaining({ level: 'info', message: 'admin action', action: 'keys.revoke', method: 'DELETE', target: { id: created.id }, id: created.id }),
        // The earlier test's refused changes, with their status and code.
        expect.objectContaining({ level: 'warn', message: 'admin action refused', action: 'keys.create', status: 404 }),
        expect.objectContaining({ level: 'warn', message: 'admin action refused', action: 'budgets.create', status: 400 }),
      ]),
    );
    // Reads are not changes.
    expect(audit.some((a) => a.method === 'GET')).toBe(false);
    expect(JSON.stringify(audit)).not.toContain('gold');
  });

  it('no key, a wrong key, an expired key: 401 in OpenAI format', async () => {
    const none = await call(base(), 'POST', '/v1/chat/completions', undefined, { model: 'metered', messages: [{ role: 'user', content: 'hi' }] });
    expect(none.status).toBe(401);
    // As OpenAI answers a request without a key: no code, the same type as a wrong key's.
    expect(none.json.error).toMatchObject({ type: 'invalid_request_error', code: null });
    const wrong = await chat(base(), 'sk-gw-wrong-key-for-this-test');
    expect(wrong.status).toBe(401);
    expect(wrong.json.error?.code).toBe('invalid_api_key');
    expect(JSON.stringify(wrong.json)).not.toContain('sk-gw-wrong');

    const soon = await newKey(base(), { expires_at: new Date(clock.now() + 60_000).toISOString() });
    secrets.push(soon.key);
    expect((await chat(base(), soon.key)).status).toBe(200);
    clock.advance(61_000);
    const expired = await chat(base(), soon.key);
    expect(expired.status).toBe(401);
    expect(expired.json.error).toMatchObject({ type: 'invalid_request_error', code: 'expired_api_key' });
  });

  it('a key used on a route or model it may not use: 403', async () => {
    const limited = await newKey(base(), { allowed_routes: ['auto'] });
    const onlyPricey = await newKey(base(), { allowed_models: ['pricey'] });
    secrets.push(limited.key, onlyPricey.key);
    const direct = await chat(base(), limited.key, 'metered');
    expect(direct.status).toBe(403);
    expect(direct.json.error).toMatchObject({ type: 'permission_error', code: 'route_not_allowed' });
    expect((await chat(base(), limited.key, 'auto')).status).toBe(200);
    const model = await chat(base(), onlyPricey.key, 'metered');
    expect(model.status).toBe(403);
    expect(model.json.error).toMatchObject({ type: 'permission_error', code: 'model_not_allowed' });
    const viaRoute = await chat(base(), onlyPricey.key, 'auto');
    expect(viaRoute.status).toBe(200);
    expect(viaRoute.headers['x-router-model']).toBe('pricey');
  });

  it('the static GATEWAY_API_KEYS key keeps working, in tenant "default"', async () => {
    const res = await chat(base(), GATEWAY_KEY);
    expect(res.status).toBe(200);
  });

  it('rate limits: requests per minute per key, with x-ratelimit headers and retry-after on 429', async () => {
    const key = await newKey(base(), { rpm: 3, tpm: 100_000 });
    secrets.push(key.key);
    const replies = [];
    for (let i = 0; i < 4; i++) replies.push(await chat(base(), key.key));
    expect(replies.map((r) => r.status)).toEqual([200, 200, 200, 429]);
    expect(replies[0].headers['x-ratelimit-limit-requests']).toBe('3');
    expect(replies[0].headers['x-ratelimit-remaining-requests']).toBe('2');
    expect(replies[2].headers['x-ratelimit-remaining-requests']).toBe('0');
    expect(replies[0].headers['x-ratelimit-limit-tokens']).toBe('100000');
    expect(String(replies[0].headers['x-ratelimit-reset-requests'])).toMatch(/^\d+(m\d+)?s$|^\d+ms$/);
    expect(replies[3].json.error).toMatchObject({ type: 'rate_limit_error', code: 'rate_limit_exceeded' });
    expect(Number(replies[3].headers['retry-after'])).toBeGreaterThan(0);
    clock.advance(60_000);
    expect((await chat(base(), key.key)).status).toBe(200);
  });

  it('a streamed answer carries the x-ratelimit headers too, whether served by the raw route or through Fastify', async () => {
    clock.advance(60_000); // a fresh minute
    const key = await newKey(base(), { rpm: 50, tpm: 100_000 });
    secrets.push(key.key);
    const body = JSON.stringify({ model: 'metered', max_tokens: 2, stream: true, messages: [{ role: 'user', content: 'Say hello.' }] });
    const headers = { 'content-type': 'application/json', authorization: `Bearer ${key.key}` };
    // With its length the body takes the raw route; sent chunked (no content-length), it goes through Fastify.
    const raw = await request(`${base()}/v1/chat/completions`, { method: 'POST', headers, body });
    const chunked = await request(`${base()}/v1/chat/completions`, { method: 'POST', headers, body: Readable.from([Buffer.from(body)]) });
    for (const [res, remaining] of [[raw, '49'], [chunked, '48']] as const) {
      const text = await res.body.text();
      expect(res.statusCode).toBe(200);
      expect(String(res.headers['content-type'])).toMatch(/^text\/event-stream/);
      expect(text).toContain('data: [DONE]');
      expect(res.headers['x-ratelimit-limit-requests']).toBe('50');
      expect(res.headers['x-ratelimit-remaining-requests']).toBe(remaining);
      expect(res.headers['x-ratelimit-limit-tokens']).toBe('100000');
      expect(res.headers['x-router-model']).toBeDefined();
    }
  });

  it('tokens per minute per tenant, shared by its keys', async () => {
    await admin(base(), 'POST', '/v1/admin/tenants', { id: 'tpm-team', tpm: 60 });
    const a = await newKey(base(), { tenant_id: 'tpm-team' });
    const b = await newKey(base(), { tenant_id: 'tpm-team' });
    secrets.push(a.key, b.key);
    // Each request counts its prompt estimate plus max_tokens (2); 60 tokens fit a few, not many.
    const statuses: number[] = [];
    for (let i = 0; i < 10; i++) statuses.push((await chat(base(), i % 2 ? a.key : b.key)).status);
    expect(statuses).toContain(200);
    expect(statuses[statuses.length - 1]).toBe(429);
    const refused = await chat(base(), a.key);
    expect(refused.json.error?.code).toBe('rate_limit_exceeded');
    expect(refused.headers['x-ratelimit-remaining-tokens']).toBeDefined();
  });

  it('a limit with plenty of room is leased: most requests count locally, the headers still count down, the limit holds exactly', async () => {
    const budgets = stack.gateway.app.get(BudgetService);
    clock.advance(60_000); // a fresh minute
    const key = await newKey(base(), { rpm: 200, tpm: 10_000_000 });
    secrets.push(key.key);
    const before = budgets.sharedRateCounts;
    const remaining: number[] = [];
    for (let i = 0; i < 20; i++) {
      const reply = await chat(base(), key.key);
      expect(reply.status).toBe(200);
      remaining.push(Number(reply.headers['x-ratelimit-remaining-requests']));
    }
    expect(remaining).toEqual(Array.from({ length: 20 }, (_, i) => 199 - i));
    // Leases of a sixteenth of what is left (12, then 11 requests): a few round trips, not 20.
    expect(budgets.sharedRateCounts - before).toBeLessThanOrEqual(4);
    // 250 more at once: exactly the 180 left pass, leased room or not.
    const replies = await Promise.all(Array.from({ length: 250 }, () => chat(base(), key.key)));
    expect(replies.filter((r) => r.status === 200)).toHaveLength(180);
    expect(replies.filter((r) => r.status !== 200).map((r) => r.json.error?.code)).toEqual(Array.from({ length: 70 }, () => 'rate_limit_exceeded'));
  });

  it('no key appears in the logs', async () => {
    expect(logs.length).toBeGreaterThan(0);
    const text = logs.join('\n');
    for (const secret of secrets) expect(text).not.toContain(secret);
    // Nor in the request records.
    const rows = await stack.database.handle.db.selectFrom('requests').selectAll().execute();
    const dump = JSON.stringify(rows);
    for (const secret of secrets) expect(dump).not.toContain(secret);
  });
});
