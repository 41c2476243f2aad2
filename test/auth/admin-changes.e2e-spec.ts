import { createHash } from 'node:crypto';
import { Client } from 'pg';
import { startGateway, type RunningGateway } from '../../apps/gateway/src/gateway';
import { AccessService } from '../../apps/gateway/src/auth/access.service';
import { BudgetService } from '../../apps/gateway/src/budget/budget.service';
import { startFakeOpenAI, type FakeOpenAI } from '../fakes/fake-openai.server';
import { GATEWAY_KEY, startStack, type Stack } from '../support/stack';
import { REDIS_URL } from '../support/test-database';
import { admin, ADMIN_KEY, budgetYaml, call, chat, newKey, REQUEST_COST_USD, type Reply } from '../budget/budget-support';

/** A clock the test moves by hand: both gateways share it, so a rate-limit minute is the same on both. */
function manualClock(start: number) {
  let now = start;
  return { now: () => now, advance: (ms: number) => (now += ms) };
}

async function queryOne(url: string, text: string, params: unknown[]): Promise<Record<string, unknown>> {
  const c = new Client({ connectionString: url });
  await c.connect();
  try {
    return (await c.query(text, params)).rows[0] as Record<string, unknown>;
  } finally {
    await c.end();
  }
}

function expectError(reply: Reply, status: number, code: string, param: string | null): void {
  expect(reply.status).toBe(status);
  expect(Object.keys(reply.json.error ?? {}).sort()).toEqual(['code', 'message', 'param', 'type']);
  expect(reply.json.error).toMatchObject({ type: 'invalid_request_error', code, param });
}

/**
 * Keys, tenants and budgets changed through the admin API of one gateway process reach another that
 * shares its Postgres and Redis at its next reload (STATS_REFRESH_MS), as a revocation does. Two
 * startGateway instances in this one test process: separate Nest apps, caches, counter stores and
 * pools. STATS_REFRESH_MS is long here, so the second gateway reloads only when the test says (the
 * `refresh` its timer would call).
 */
describe('admin changes to keys, tenants and budgets, on two gateway processes', () => {
  let upstream: FakeOpenAI;
  let stack: Stack;
  let second: RunningGateway;
  const clock = manualClock(Date.UTC(2026, 11, 7, 12, 0, 0));

  beforeAll(async () => {
    upstream = await startFakeOpenAI(() => ({ kind: 'text', content: 'Hello!' }));
    stack = await startStack({
      yaml: budgetYaml(upstream.url),
      queue: 'in-process',
      clock,
      env: { ADMIN_API_KEY: ADMIN_KEY, REDIS_URL, INLINE_WORKER: 'true', STATS_REFRESH_MS: '3600000' },
    });
    second = await startGateway(stack.gateway.runtime.config, { clock, log: () => undefined });
  });
  afterAll(async () => {
    await second.close();
    await stack.close();
    await upstream.close();
  });

  const first = () => stack.gateway.url;
  /** What the second gateway's periodic reload does: keys (and their tenants' limits), then budgets. */
  const reloadSecond = async () => {
    await second.app.get(AccessService).refresh();
    await second.app.get(BudgetService).refresh();
  };
  /** One request after the other, alternating gateways (first, second, first, ...); their statuses. */
  const alternate = async (n: number, key: string, model = 'metered') => {
    const statuses: number[] = [];
    for (let i = 0; i < n; i++) statuses.push((await chat(i % 2 === 0 ? first() : second.url, key, model)).status);
    return statuses;
  };

  it("POST /v1/admin/keys/{id} changes a key in place: its secret keeps working with the new settings, on this gateway at once and on the other at its reload, as a revocation", async () => {
    const created = await newKey(first(), { name: 'ci', allowed_routes: ['auto'], tags: ['ci'] });
    expect((await chat(first(), created.key, 'metered')).json.error?.code).toBe('route_not_allowed');
    expect((await chat(second.url, created.key, 'metered')).json.error?.code).toBe('route_not_allowed');

    const changed = await call(first(), 'POST', `/v1/admin/keys/${created.id}`, ADMIN_KEY, { allowed_routes: null, name: 'ci-2', tags: ['ci', 'nightly'], tier: 'gold' });
    expect(changed.status).toBe(200);
    expect(changed.json).toMatchObject({ id: created.id, object: 'api_key', name: 'ci-2', allowed_routes: null, tags: ['ci', 'nightly'], tier: 'gold', revoked_at: null });
    expect(Object.keys(changed.json)).not.toContain('key');
    expect(Object.keys(changed.json)).not.toContain('key_hash');
    expect(JSON.stringify(changed.json)).not.toContain(created.key);
    const stored = await queryOne(stack.database.url, 'SELECT key_hash FROM api_keys WHERE id = $1', [created.id]);
    expect(created.id).toBe(`key_${String(stored.key_hash).slice(0, 12)}`); // same digest: same secret

    expect((await chat(first(), created.key, 'metered')).status).toBe(200);
    await reloadSecond();
    expect((await chat(second.url, created.key, 'metered')).status).toBe(200);

    // Limited again: both refuse the route.
    await admin(first(), 'POST', `/v1/admin/keys/${created.id}`, { allowed_routes: ['auto'] });
    await reloadSecond();
    for (const url of [first(), second.url]) {
      const refused = await chat(url, created.key, 'metered');
      expect(refused.status).toBe(403);
      expect(refused.json.error).toMatchObject({ type: 'permission_error', code: 'route_not_allowed' });
      expect((await chat(url, created.key, 'auto')).status).toBe(200);
    }

    // Revoked through the first gateway: the second refuses it after the same reload.
    await admin(first(), 'DELETE', `/v1/admin/keys/${created.id}`);
    await reloadSecond();
    expect((await chat(second.url, created.key)).json.error?.code).toBe('revoked_api_key');
  });

  it("a key's lowered rpm binds on both gateways, though each leased room under the old limit; raised, it serves again", async () => {
    clock.advance(60_000); // a fresh minute
    const { id, key } = await newKey(first(), { rpm: 1000 });
    // Room for ~1000 requests: each gateway leases a sixteenth of it on its first request.
    expect(await alternate(10, key)).toEqual(Array.from({ length: 10 }, () => 200));

    await admin(first(), 'POST', `/v1/admin/keys/${id}`, { rpm: 12 });
    await reloadSecond();
    // 10 used this minute: 2 more, whichever gateway serves them, although each still holds leased room.
    const statuses = await alternate(20, key);
    expect(statuses.filter((s) => s === 200)).toHaveLength(2);
    expect(statuses.filter((s) => s === 429)).toHaveLength(18);
    const refused = await chat(second.url, key);
    expect(refused.json.error).toMatchObject({ type: 'rate_limit_error', code: 'rate_limit_exceeded' });
    expect(refused.headers['x-ratelimit-limit-requests']).toBe('12');

    await admin(first(), 'POST', `/v1/admin/keys/${id}`, { rpm: null });
    await reloadSecond();
    expect(await alternate(4, key)).toEqual([200, 200, 200, 200]);
  });

  it("a key past its expiry works again once expires_at is moved or cleared", async () => {
    const { id, key } = await newKey(first(), { expires_at: new Date(clock.now() + 1000).toISOString() });
    clock.advance(2000);
    expect((await chat(first(), key)).json.error?.code).toBe('expired_api_key');
    expect(await admin(first(), 'POST', `/v1/admin/keys/${id}`, { expires_at: null })).toMatchObject({ expires_at: null });
    await reloadSecond();
    expect(await alternate(2, key)).toEqual([200, 200]);
  });

  it('changing a key: unknown 404, revoked 409, a GATEWAY_API_KEYS key 409 (revoking it too), bad input 400 naming the param, in OpenAI format', async () => {
    expectError(await call(first(), 'POST', '/v1/admin/keys/key_000000000000', ADMIN_KEY, { rpm: 5 }), 404, 'key_not_found', 'id');
    const staticKeyId = `key_${createHash('sha256').update(GATEWAY_KEY).digest('hex').slice(0, 12)}`;
    expectError(await call(first(), 'POST', `/v1/admin/keys/${staticKeyId}`, ADMIN_KEY, { rpm: 5 }), 409, 'key_from_config', 'id');
    expectError(await call(first(), 'DELETE', `/v1/admin/keys/${staticKeyId}`, ADMIN_KEY), 409, 'key_from_config', 'id');
    const { id } = await newKey(first(), {});
    await admin(first(), 'DELETE', `/v1/admin/keys/${id}`);
    expectError(await call(first(), 'POST', `/v1/admin/keys/${id}`, ADMIN_KEY, { rpm: 5 }), 409, 'key_revoked', 'id');

    const live = await newKey(first(), {});
    const bad: Array<[Record<string, unknown>, string, string]> = [
      [{ rpm: 0 }, 'rpm', 'invalid_value'],
      [{ tpm: 2 ** 31 }, 'tpm', 'invalid_value'],
      [{ allowed_routes: ['auto', 'no-such-route'] }, 'allowed_routes.1', 'route_not_found'],
      [{ allowed_models: ['no-such-model'] }, 'allowed_models.0', 'model_not_found'],
      [{ expires_at: new Date(clock.now() - 1000).toISOString() }, 'expires_at', 'invalid_value'],
      [{ tenant_id: 'other' }, 'tenant_id', 'invalid_value'],
      [{ name: 'a\u0000b' }, 'name', 'invalid_value'],
      [{}, null as unknown as string, 'invalid_value'],
    ];
    for (const [body, param, code] of bad) expectError(await call(first(), 'POST', `/v1/admin/keys/${live.id}`, ADMIN_KEY, body), 400, code, param);
    // Nothing changed.
    expect(await admin(first(), 'GET', `/v1/admin/keys/${live.id}`)).toMatchObject({ rpm: null, tpm: null, allowed_routes: null, allowed_models: null, expires_at: null });
    expect((await call(first(), 'POST', '/v1/admin/keys/a%00b', ADMIN_KEY, { rpm: 5 })).status).toBe(400);
  });

  it("a tenant's changed rpm reaches its keys on both gateways; unknown 404, bad input 400", async () => {
    clock.advance(60_000);
    await admin(first(), 'POST', '/v1/admin/tenants', { id: 'acme', rpm: 1000 });
    const a = await newKey(first(), { tenant_id: 'acme' });
    const b = await newKey(first(), { tenant_id: 'acme' });
    expect(await alternate(4, a.key)).toEqual([200, 200, 200, 200]);

    const changed = await call(first(), 'POST', '/v1/admin/tenants/acme', ADMIN_KEY, { rpm: 6, name: 'Acme Inc' });
    expect(changed.status).toBe(200);
    expect(changed.json).toMatchObject({ id: 'acme', name: 'Acme Inc', rpm: 6, tpm: null, deleted_at: null });
    await reloadSecond();
    // 4 used this minute by the tenant's keys: 2 more over both keys and both gateways.
    const statuses = [...(await alternate(5, a.key)), ...(await alternate(5, b.key))];
    expect(statuses.filter((s) => s === 200)).toHaveLength(2);

    await admin(first(), 'POST', '/v1/admin/tenants/acme', { rpm: null });
    await reloadSecond();
    expect(await alternate(2, b.key)).toEqual([200, 200]);

    expectError(await call(first(), 'POST', '/v1/admin/tenants/nobody', ADMIN_KEY, { rpm: 5 }), 404, 'tenant_not_found', 'id');
    expectError(await call(first(), 'POST', '/v1/admin/tenants/acme', ADMIN_KEY, { rpm: -5 }), 400, 'invalid_value', 'rpm');
    expectError(await call(first(), 'POST', '/v1/admin/tenants/acme', ADMIN_KEY, { name: null }), 400, 'invalid_value', 'name');
    expectError(await call(first(), 'POST', '/v1/admin/tenants/acme', ADMIN_KEY, { id: 'renamed' }), 400, 'invalid_value', 'id');
  });

  it('a tenant is deleted only once its keys are revoked; its id stays taken, its budgets go, its records and spend stay', async () => {
    await admin(first(), 'POST', '/v1/admin/tenants', { id: 'leaving' });
    const key = await newKey(first(), { tenant_id: 'leaving' });
    const budget = await admin<{ id: string }>(first(), 'POST', '/v1/admin/budgets', { scope: 'tenant', subject: 'leaving', period: 'month', hard_limit_usd: 1 });
    expect(await alternate(2, key.key)).toEqual([200, 200]);

    const refused = await call(first(), 'DELETE', '/v1/admin/tenants/leaving', ADMIN_KEY);
    expectError(refused, 409, 'tenant_has_active_keys', 'id');
    expect(refused.json.error?.message).toContain(key.id);
    expect((await chat(first(), key.key)).status).toBe(200); // refused: nothing changed

    await admin(first(), 'DELETE', `/v1/admin/keys/${key.id}`);
    const deleted = await call(first(), 'DELETE', '/v1/admin/tenants/leaving', ADMIN_KEY);
    expect(deleted.status).toBe(200);
    expect(deleted.json).toMatchObject({ id: 'leaving', deleted_at: expect.any(String) });
    expect(await admin(first(), 'GET', '/v1/admin/tenants/leaving')).toMatchObject({ id: 'leaving', deleted_at: expect.any(String), budgets: [] });
    expect((await call(first(), 'DELETE', '/v1/admin/tenants/leaving', ADMIN_KEY)).status).toBe(200); // again: as revoking a revoked key
    await reloadSecond();
    for (const url of [first(), second.url]) {
      const budgets = await admin<{ data: Array<{ id: string }> }>(url, 'GET', '/v1/admin/budgets?scope=tenant&subject=leaving');
      expect(budgets.data.map((b) => b.id)).not.toContain(budget.id);
    }

    expectError(await call(first(), 'POST', '/v1/admin/keys', ADMIN_KEY, { tenant_id: 'leaving' }), 409, 'tenant_deleted', 'tenant_id');
    expectError(await call(first(), 'POST', '/v1/admin/tenants', ADMIN_KEY, { id: 'leaving' }), 409, 'tenant_exists', 'id');
    expectError(await call(first(), 'POST', '/v1/admin/tenants/leaving', ADMIN_KEY, { rpm: 5 }), 409, 'tenant_deleted', 'id');
    expect((await call(first(), 'POST', '/v1/admin/budgets', ADMIN_KEY, { scope: 'tenant', subject: 'leaving', period: 'day', hard_limit_usd: 1 })).json.error).toMatchObject({ code: 'tenant_not_found', param: 'subject' });

    // Its requests' records and spend entries are all still there (3 served).
    for (const g of [stack.gateway, second]) await g.runtime.records.flush();
    expect(Number((await queryOne(stack.database.url, 'SELECT count(*) AS n FROM spend_ledger WHERE tenant_id = $1', ['leaving'])).n)).toBe(3);
    expect(Number((await queryOne(stack.database.url, 'SELECT count(*) AS n FROM requests WHERE key_id = $1', [key.id])).n)).toBe(3);
    const spend = await admin<{ requests: number; total_usd: number }>(first(), 'GET', `/v1/admin/spend?tenant_id=leaving&from=2026-12-01&to=2026-12-31`);
    expect(spend.requests).toBe(3);
    expect(spend.total_usd).toBeCloseTo(3 * REQUEST_COST_USD, 12);

    expectError(await call(first(), 'DELETE', '/v1/admin/tenants/default', ADMIN_KEY), 409, 'default_tenant', 'id');
    expectError(await call(first(), 'DELETE', '/v1/admin/tenants/nobody', ADMIN_KEY), 404, 'tenant_not_found', 'id');
    expect((await call(first(), 'DELETE', '/v1/admin/tenants/a%00b', ADMIN_KEY)).status).toBe(400);
  });

  it("a budget's hard limit removed (null) leaves a soft-only budget: both gateways serve past the old cap; removing the last limit is a 400", async () => {
    const { id, key } = await newKey(first(), {});
    const budget = await admin<{ id: string }>(first(), 'POST', '/v1/admin/budgets', { scope: 'key', subject: id, period: 'day', hard_limit_usd: 3 * REQUEST_COST_USD, soft_limit_usd: 2 * REQUEST_COST_USD });
    await reloadSecond();
    expect(await alternate(4, key)).toEqual([200, 200, 200, 429]);

    const changed = await call(first(), 'POST', `/v1/admin/budgets/${budget.id}`, ADMIN_KEY, { hard_limit_usd: null });
    expect(changed.status).toBe(200);
    expect(changed.json).toMatchObject({ id: budget.id, hard_limit_usd: null, soft_limit_usd: 2 * REQUEST_COST_USD, remaining_usd: null, soft_limit_exceeded: true });
    await reloadSecond();
    expect(await alternate(4, key)).toEqual([200, 200, 200, 200]);

    expectError(await call(first(), 'POST', `/v1/admin/budgets/${budget.id}`, ADMIN_KEY, { soft_limit_usd: null }), 400, 'invalid_value', 'soft_limit_usd');
    expectError(await call(first(), 'POST', `/v1/admin/budgets/${budget.id}`, ADMIN_KEY, { hard_limit_usd: null, soft_limit_usd: null }), 400, 'invalid_value', 'hard_limit_usd');
    // A cap again, checked against the soft limit kept.
    expect(await admin(first(), 'POST', `/v1/admin/budgets/${budget.id}`, { hard_limit_usd: 7 * REQUEST_COST_USD })).toMatchObject({ hard_limit_usd: 7 * REQUEST_COST_USD });
  });
});
