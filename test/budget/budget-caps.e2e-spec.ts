import { Client } from 'pg';
import { startGateway, type RunningGateway } from '../../apps/gateway/src/gateway';
import { BudgetService, LEASE_SYNC_MS } from '../../apps/gateway/src/budget/budget.service';
import { startFakeOpenAI, type FakeOpenAI } from '../fakes/fake-openai.server';
import { startStack, type Stack } from '../support/stack';
import { REDIS_URL } from '../support/test-database';
import { admin, ADMIN_KEY, budgetYaml, call, chat, newKey, REQUEST_COST_USD, tally, type Reply } from './budget-support';

const CAP_USD = 100 * REQUEST_COST_USD;

async function ledgerSpend(stack: Stack, column: 'key_id' | 'tenant_id', subject: string): Promise<{ cost: number; n: number }> {
  const c = new Client({ connectionString: stack.database.url });
  await c.connect();
  try {
    const { rows } = await c.query<{ cost: number | null; n: string }>(`SELECT sum(cost_usd) AS cost, count(*) AS n FROM spend_ledger WHERE ${column} = $1`, [subject]);
    return { cost: Number(rows[0].cost ?? 0), n: Number(rows[0].n) };
  } finally {
    await c.end();
  }
}

async function flushAll(...gateways: RunningGateway[]): Promise<void> {
  for (const g of gateways) {
    // The spend entries go with the records. A write that fails (a timeout on a loaded machine) leaves
    // its records pending, retried by the writer: flush until none is left, and say why if some stay.
    await g.runtime.records.flush();
    for (let i = 0; i < 100 && g.runtime.records.pendingCount > 0; i++) {
      await new Promise((r) => setTimeout(r, 100));
      await g.runtime.records.flush();
    }
    expect(g.runtime.records.status()).toMatchObject({ pending: 0, dropped: 0 });
    await g.app.get(BudgetService).flush();
  }
}

describe.each([
  ['in process (embedded default)', {}],
  ['on Redis', { REDIS_URL, INLINE_WORKER: 'true' }],
] as const)('hard budget caps hold under 500 concurrent requests, counters %s', (_name, env) => {
  let upstream: FakeOpenAI;
  let stack: Stack;

  beforeAll(async () => {
    upstream = await startFakeOpenAI(() => ({ kind: 'text', content: 'Hello!' }));
    stack = await startStack({ yaml: budgetYaml(upstream.url), queue: 'in-process', env: { ADMIN_API_KEY: ADMIN_KEY, ...env } });
  });
  afterAll(async () => {
    await stack.close();
    await upstream.close();
  });

  it('a key whose budget allows 100 requests gets exactly 100; the other 400 get the budget error', async () => {
    const expectedStore = 'REDIS_URL' in env ? 'redis' : 'in-process';
    expect(stack.gateway.app.get(BudgetService).storeKind).toBe(expectedStore);
    const base = stack.gateway.url;
    await admin(base, 'POST', '/v1/admin/tenants', { id: 'acme' });
    const { id, key } = await newKey(base, { tenant_id: 'acme' });
    await admin(base, 'POST', '/v1/admin/budgets', { scope: 'key', subject: id, period: 'day', hard_limit_usd: CAP_USD, soft_limit_usd: CAP_USD / 2 });

    const replies = await Promise.all(Array.from({ length: 500 }, () => chat(base, key)));
    const t = tally(replies);
    expect(t.other.map((r) => [r.status, r.json.error?.code])).toEqual([]);
    expect(t.ok).toBe(100);
    expect(t.budget).toBe(400);
    const refused = replies.find((r) => r.status === 429)!;
    expect(refused.json.error).toMatchObject({ type: 'insufficient_quota', code: 'budget_exceeded' });
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);

    await flushAll(stack.gateway);
    const spend = await ledgerSpend(stack, 'key_id', id);
    // Every served request's real cost equals its reservation here, so the cap is reached exactly.
    expect(spend.n).toBe(100);
    expect(spend.cost).toBeLessThanOrEqual(CAP_USD + 1e-12);
    expect(spend.cost).toBeCloseTo(CAP_USD, 12);

    const budgets = await admin<{ data: Array<{ subject: string; remaining_usd: number; soft_limit_exceeded: boolean; hard_limit_reached: boolean }> }>(base, 'GET', `/v1/admin/budgets?scope=key&subject=${id}`);
    expect(budgets.data).toEqual([expect.objectContaining({ subject: id, soft_limit_exceeded: true, hard_limit_reached: true })]);
    expect(budgets.data[0].remaining_usd).toBeCloseTo(0, 12);
    const alerts = await admin<{ data: Array<{ subject: string }> }>(base, 'GET', '/v1/admin/budgets/alerts');
    expect(alerts.data.map((a) => a.subject)).toContain(id);
    const mine = await call(base, 'GET', '/v1/budgets', key);
    expect(mine.status).toBe(200);
    expect(mine.json).toMatchObject({ key_id: id, tenant_id: 'acme', data: [expect.objectContaining({ subject: id, hard_limit_reached: true })] });
    const report = await admin<{ total_usd: number; requests: number }>(base, 'GET', `/v1/admin/spend?key_id=${id}`);
    expect(report.requests).toBe(100);
    expect(report.total_usd).toBeCloseTo(CAP_USD, 12);
  });

  it('with room for many requests, most reserve against a local lease and the cap still holds exactly', async () => {
    const base = stack.gateway.url;
    const budgets = stack.gateway.app.get(BudgetService);
    const allowed = 600;
    const cap = allowed * REQUEST_COST_USD;
    const { id, key } = await keyWithDailyBudget(base, cap);
    const before = budgets.sharedReservations;
    // Waves of 100 concurrent requests: early ones lease, later ones reserve locally, the last ones near the cap go to the store.
    const replies: Reply[] = [];
    for (let wave = 0; wave < 3; wave++) replies.push(...(await Promise.all(Array.from({ length: 100 }, () => chat(base, key)))));
    // Far from the cap, one round trip to the shared counters leases room for many requests.
    expect(budgets.sharedReservations - before).toBeLessThan(60);
    for (let wave = 3; wave < 9; wave++) replies.push(...(await Promise.all(Array.from({ length: 100 }, () => chat(base, key)))));
    const t = tally(replies);
    expect(t.other.map((r) => [r.status, r.json.error?.code])).toEqual([]);
    expect(t.ok).toBe(allowed);
    expect(t.budget).toBe(300);
    await flushAll(stack.gateway);
    const spend = await ledgerSpend(stack, 'key_id', id);
    expect(spend.n).toBe(allowed);
    expect(spend.cost).toBeCloseTo(cap, 12);
    const status = await admin<{ data: Array<{ spent_usd: number; remaining_usd: number }> }>(base, 'GET', `/v1/admin/budgets?scope=key&subject=${id}`);
    expect(status.data[0].spent_usd).toBeCloseTo(cap, 12);
    expect(status.data[0].remaining_usd).toBeCloseTo(0, 12);
  });

  it('steady traffic over many lease syncs keeps reserving locally; the counters are exact once it stops', async () => {
    const base = stack.gateway.url;
    const budgets = stack.gateway.app.get(BudgetService);
    const { id, key } = await keyWithDailyBudget(base, 10_000 * REQUEST_COST_USD);
    const before = budgets.sharedReservations;
    // One request after another for well over LEASE_SYNC_MS x 5: each sync would hand the lease back and
    // the next request lease again on its own time, unless a lease in use keeps its room.
    const started = Date.now();
    let served = 0;
    // At least 11 requests whatever the machine's load (a loaded machine served 10 in the time), over at least 6 syncs.
    while (Date.now() - started < 6 * LEASE_SYNC_MS || served <= 10) {
      const reply = await chat(base, key);
      expect(reply.status).toBe(200);
      served++;
      await new Promise((r) => setTimeout(r, 15));
    }
    expect(budgets.sharedReservations - before).toBeLessThanOrEqual(2);
    await flushAll(stack.gateway);
    const status = await admin<{ data: Array<{ spent_usd: number }> }>(base, 'GET', `/v1/admin/budgets?scope=key&subject=${id}`);
    expect(status.data[0].spent_usd).toBeCloseTo(served * REQUEST_COST_USD, 12);
  });

  it('sporadic traffic (requests further apart than a lease sync) reserves locally too; reports stay exact', async () => {
    const base = stack.gateway.url;
    const budgets = stack.gateway.app.get(BudgetService);
    const { id, key } = await keyWithDailyBudget(base, 10_000 * REQUEST_COST_USD);
    const before = budgets.sharedReservations;
    // Each request waits out three lease syncs: an idle lease handed back at the first would make every
    // request lease again on its own time (6 shared reservations); one kept while idle makes 1.
    for (let i = 0; i < 6; i++) {
      expect((await chat(base, key)).status).toBe(200);
      await new Promise((r) => setTimeout(r, 3 * LEASE_SYNC_MS));
    }
    expect(budgets.sharedReservations - before).toBeLessThanOrEqual(2);
    await flushAll(stack.gateway);
    // A report gives every lease back first, kept idle ones included.
    const status = await admin<{ data: Array<{ spent_usd: number }> }>(base, 'GET', `/v1/admin/budgets?scope=key&subject=${id}`);
    expect(status.data[0].spent_usd).toBeCloseTo(6 * REQUEST_COST_USD, 12);
  });

  it('a tenant cap shared by several keys holds across all of them', async () => {
    const base = stack.gateway.url;
    await admin(base, 'POST', '/v1/admin/tenants', { id: 'shared' });
    const keys = await Promise.all([0, 1, 2, 3, 4].map(() => newKey(base, { tenant_id: 'shared' })));
    await admin(base, 'POST', '/v1/admin/budgets', { scope: 'tenant', subject: 'shared', period: 'month', hard_limit_usd: CAP_USD });

    const replies = await Promise.all(Array.from({ length: 500 }, (_, i) => chat(base, keys[i % keys.length].key)));
    const t = tally(replies);
    expect(t.other).toEqual([]);
    expect(t.ok).toBe(100);
    expect(t.budget).toBe(400);
    await flushAll(stack.gateway);
    const spend = await ledgerSpend(stack, 'tenant_id', 'shared');
    expect(spend.cost).toBeLessThanOrEqual(CAP_USD + 1e-12);
    expect(spend.n).toBe(100);
    const tenant = await admin<{ budgets: Array<{ spent_usd: number }> }>(base, 'GET', '/v1/admin/tenants/shared');
    expect(tenant.budgets[0].spent_usd).toBeCloseTo(CAP_USD, 12);
  });

  it('when real costs are below the reservations, spend never passes the cap and the rest is refused', async () => {
    // The fake answers 2 tokens but each request reserves 50: at most cap / reservation in flight at once.
    const base = stack.gateway.url;
    const { id, key } = await newKey(base, { tenant_id: 'default' });
    await admin(base, 'POST', '/v1/admin/budgets', { scope: 'key', subject: id, period: 'rolling', window_seconds: 3600, hard_limit_usd: CAP_USD });
    const send = () => chatWith(base, key, 50);
    const replies = await Promise.all(Array.from({ length: 500 }, send));
    const t = tally(replies);
    expect(t.other).toEqual([]);
    expect(t.ok).toBeGreaterThanOrEqual(4); // CAP / (50 tokens x $10/1M) = 4 reservations fit at once
    expect(t.budget).toBe(500 - t.ok);
    await flushAll(stack.gateway);
    const spend = await ledgerSpend(stack, 'key_id', id);
    expect(spend.n).toBe(t.ok);
    expect(spend.cost).toBeLessThanOrEqual(CAP_USD + 1e-12);
  });
});

function chatWith(base: string, key: string, maxTokens: number): Promise<Reply> {
  return call(base, 'POST', '/v1/chat/completions', key, { model: 'metered', max_tokens: maxTokens, messages: [{ role: 'user', content: 'Say hello.' }] });
}

describe('two gateway processes sharing Redis and Postgres', () => {
  // Two startGateway instances in this one test process: separate Nest apps, counter stores, Redis
  // connections and database pools, sharing only Redis and Postgres, as two processes would.
  let upstream: FakeOpenAI;
  let stack: Stack;
  let second: RunningGateway;

  beforeAll(async () => {
    upstream = await startFakeOpenAI(() => ({ kind: 'text', content: 'Hello!' }));
    stack = await startStack({ yaml: budgetYaml(upstream.url), queue: 'in-process', env: { ADMIN_API_KEY: ADMIN_KEY, REDIS_URL, INLINE_WORKER: 'true' } });
    second = await startGateway(stack.gateway.runtime.config, { log: () => undefined });
  });
  afterAll(async () => {
    await second.close();
    await stack.close();
    await upstream.close();
  });

  /** Request i goes to the first gateway when i is even, to the second when odd. */
  const either = (i: number) => (i % 2 === 0 ? stack.gateway.url : second.url);

  it('a key cap holds: 500 requests split over both gateways, exactly 100 served', async () => {
    const { id, key } = await newKey(stack.gateway.url, { tenant_id: 'default' });
    await admin(stack.gateway.url, 'POST', '/v1/admin/budgets', { scope: 'key', subject: id, period: 'week', hard_limit_usd: CAP_USD });
    // The second gateway learns of the key and the budget from Postgres on its next refresh.
    await second.app.get(BudgetService).refresh();
    const replies = await Promise.all(Array.from({ length: 500 }, (_, i) => chat(either(i), key)));
    const t = tally(replies);
    expect(t.other).toEqual([]);
    expect(t.ok).toBe(100);
    expect(t.budget).toBe(400);
    const served = replies.map((r, i) => (r.status === 200 ? i % 2 : -1)).filter((g) => g >= 0);
    expect(new Set(served).size).toBe(2);
    await flushAll(stack.gateway, second);
    const spend = await ledgerSpend(stack, 'key_id', id);
    expect(spend.n).toBe(100);
    expect(spend.cost).toBeLessThanOrEqual(CAP_USD + 1e-12);
  });

  it('the same budget POSTed 10 times at once, to both gateways, is created once; the others are 409 budget_exists naming it', async () => {
    const { id } = await newKey(stack.gateway.url, { tenant_id: 'default' });
    await second.app.get(BudgetService).refresh();
    const body = { scope: 'key', subject: id, period: 'day', hard_limit_usd: CAP_USD };
    const replies = await Promise.all(Array.from({ length: 10 }, (_, i) => call(either(i), 'POST', '/v1/admin/budgets', ADMIN_KEY, body)));
    const created = replies.filter((r) => r.status === 201);
    expect(replies.map((r) => r.status).sort()).toEqual([201, ...Array.from({ length: 9 }, () => 409)]);
    const budgetId = created[0].json.id as string;
    for (const r of replies.filter((x) => x.status === 409)) {
      expect(r.json.error).toMatchObject({ type: 'invalid_request_error', code: 'budget_exists', param: 'subject' });
      expect(r.json.error?.message).toContain(budgetId);
    }
    // The budget may have been created by the second gateway: the first lists it after its next refresh.
    await stack.gateway.app.get(BudgetService).refresh();
    const listed = await admin<{ data: Array<{ id: string }> }>(stack.gateway.url, 'GET', `/v1/admin/budgets?scope=key&subject=${id}`);
    expect(listed.data.map((b) => b.id)).toEqual([budgetId]);
  });

  it('a hard limit lowered below spend plus what the gateways leased binds on both at once; raised, it serves again', async () => {
    const { id, key } = await newKey(stack.gateway.url, { tenant_id: 'default' });
    // Room for 10 000 requests: each gateway leases room for hundreds of them in memory.
    const budget = await admin<{ id: string }>(stack.gateway.url, 'POST', '/v1/admin/budgets', { scope: 'key', subject: id, period: 'day', hard_limit_usd: 10_000 * REQUEST_COST_USD });
    await second.app.get(BudgetService).refresh();
    const reservationsBefore = second.app.get(BudgetService).sharedReservations;
    const first = await Promise.all(Array.from({ length: 50 }, (_, i) => chat(either(i), key)));
    expect(first.map((r) => r.status)).toEqual(first.map(() => 200));
    // Lease syncs pass; each gateway keeps the room it leased (flushAll would give it back).
    await new Promise((r) => setTimeout(r, 3 * LEASE_SYNC_MS));
    expect(second.app.get(BudgetService).sharedReservations - reservationsBefore).toBeLessThan(25);

    // Lowered to 52 requests' worth: 2 more, whichever gateway serves them.
    const changed = await admin<{ id: string; hard_limit_usd: number }>(stack.gateway.url, 'POST', `/v1/admin/budgets/${budget.id}`, { hard_limit_usd: 52 * REQUEST_COST_USD });
    expect(changed).toMatchObject({ id: budget.id, hard_limit_usd: 52 * REQUEST_COST_USD });
    // The second gateway learns of the change on its next refresh (every STATS_REFRESH_MS).
    await second.app.get(BudgetService).refresh();
    const lowered = tally(await Promise.all(Array.from({ length: 100 }, (_, i) => chat(either(i), key))));
    expect(lowered.other).toEqual([]);
    expect(lowered.ok).toBe(2);
    await flushAll(stack.gateway, second);
    expect((await ledgerSpend(stack, 'key_id', id)).n).toBe(52);

    await admin(stack.gateway.url, 'POST', `/v1/admin/budgets/${budget.id}`, { hard_limit_usd: 60 * REQUEST_COST_USD });
    await second.app.get(BudgetService).refresh();
    const raised = tally(await Promise.all(Array.from({ length: 100 }, (_, i) => chat(either(i), key))));
    expect(raised.ok).toBe(8);
    await flushAll(stack.gateway, second);
    const spend = await ledgerSpend(stack, 'key_id', id);
    expect(spend.n).toBe(60);
    expect(spend.cost).toBeLessThanOrEqual(60 * REQUEST_COST_USD + 1e-12);
  });
});

/** A new key of tenant "default" with a daily budget of `capUsd` on it. */
async function keyWithDailyBudget(base: string, capUsd: number): Promise<{ id: string; key: string }> {
  const created = await newKey(base, { tenant_id: 'default' });
  await admin(base, 'POST', '/v1/admin/budgets', { scope: 'key', subject: created.id, period: 'day', hard_limit_usd: capUsd });
  return created;
}
