import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Redis from 'ioredis';
import { Client } from 'pg';
import { startFakeOpenAI, type FakeOpenAI } from '../fakes/fake-openai.server';
import { startApp, type Child } from '../resilience/support/child-process';
import { eventually } from '../support/stack';
import { createTestDatabase, REDIS_URL } from '../support/test-database';
import { admin, ADMIN_KEY, budgetYaml, call, chat, newKey, REQUEST_COST_USD, tally } from './budget-support';

const CAP_USD = 100 * REQUEST_COST_USD;
/** How long a process may take to drain and flush after SIGTERM before it is killed. */
const STOP_BOUND_MS = 15_000;

interface GatewayProcess {
  child: Child;
  url: string;
  dataDir: string;
}

/** SIGTERM, then SIGKILL if the process has not exited within STOP_BOUND_MS. */
async function stop(child: Child): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  if (child.process.exitCode !== null || child.process.signalCode !== null) return child.exited;
  child.process.kill('SIGTERM');
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<'late'>((resolve) => (timer = setTimeout(() => resolve('late'), STOP_BOUND_MS)));
  const first = await Promise.race([child.exited, late]);
  clearTimeout(timer);
  if (first !== 'late') return first;
  child.process.kill('SIGKILL');
  return child.exited;
}

/**
 * Issue 6, across real OS processes: two gateway processes (apps/gateway/src/main.ts, spawned with
 * the transpile-on-load hook) share only the machine's Redis (budget counters under one
 * QUEUE_PREFIX) and a fresh Postgres database. 500 concurrent requests split over both against a
 * key budget worth 100 requests: each request's real cost equals its reservation, so exactly 100 are
 * served, the other 400 get 429 `budget_exceeded`, and the ledger never records more than the cap.
 */
describe('a key budget cap holds across two gateway OS processes', () => {
  let upstream: FakeOpenAI;
  let database: Awaited<ReturnType<typeof createTestDatabase>>;
  const configDir = mkdtempSync(join(tmpdir(), 'router-budget-2p-'));
  const prefix = `t${randomBytes(4).toString('hex')}`;
  const gateways: GatewayProcess[] = [];

  async function startGatewayProcess(): Promise<GatewayProcess> {
    const dataDir = mkdtempSync(join(tmpdir(), 'router-budget-2p-data-'));
    const child = startApp('apps/gateway/src/main.ts', {
      ROUTER_CONFIG: join(configDir, 'router.yaml'),
      DATABASE_URL: database.url,
      REDIS_URL,
      INLINE_WORKER: 'true',
      QUEUE_PREFIX: prefix,
      PORT: '0',
      ADMIN_API_KEY: ADMIN_KEY,
      DATA_DIR: dataDir,
      LOG_LEVEL: 'warn',
      STATS_REFRESH_MS: '200',
      RECORD_FLUSH_MS: '50',
    });
    const gateway: GatewayProcess = { child, url: '', dataDir };
    gateways.push(gateway);
    const listening = await child.waitFor('gateway listening', 40_000);
    gateway.url = String(listening.url).replace(/\/v1$/, '');
    return gateway;
  }

  beforeAll(async () => {
    upstream = await startFakeOpenAI(() => ({ kind: 'text', content: 'Hello!' }));
    database = await createTestDatabase();
    writeFileSync(join(configDir, 'router.yaml'), budgetYaml(upstream.url));
    await Promise.all([startGatewayProcess(), startGatewayProcess()]);
  }, 60_000);

  afterAll(async () => {
    await Promise.all(gateways.map((g) => stop(g.child)));
    for (const g of gateways) rmSync(g.dataDir, { recursive: true, force: true });
    rmSync(configDir, { recursive: true, force: true });
    const redis = new Redis(REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 1 });
    try {
      await redis.connect();
      let cursor = '0';
      do {
        const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
        if (keys.length > 0) await redis.del(...keys);
        cursor = next;
      } while (cursor !== '0');
    } finally {
      redis.disconnect();
    }
    await database?.drop();
    await upstream?.close();
  }, 60_000);

  it('500 concurrent requests split over both processes: exactly 100 served, 400 refused, ledger spend within the cap', async () => {
    const [one, two] = gateways;
    expect(one.child.process.pid).not.toBe(two.child.process.pid);

    // Tenant, key and budget are made through the admin API of the first process only.
    await admin(one.url, 'POST', '/v1/admin/tenants', { id: 'two-procs' });
    const { id, key } = await newKey(one.url, { tenant_id: 'two-procs' });
    await admin(one.url, 'POST', '/v1/admin/budgets', { scope: 'key', subject: id, period: 'day', hard_limit_usd: CAP_USD });
    // The second process learns of the key (Postgres lookup) and the budget (its background refresh).
    await eventually(async () => {
      const mine = await call(two.url, 'GET', '/v1/budgets', key);
      expect(mine.status).toBe(200);
      expect(mine.json).toMatchObject({ key_id: id, data: [expect.objectContaining({ subject: id, hard_limit_usd: CAP_USD })] });
    }, 10_000, 100);

    const targets = Array.from({ length: 500 }, (_, i) => (i % 2 === 0 ? one : two));
    const replies = await Promise.all(targets.map((g) => chat(g.url, key)));
    const t = tally(replies);
    expect(t.other.map((r) => [r.status, r.json.error?.code])).toEqual([]);
    expect(t.ok).toBe(100);
    expect(t.budget).toBe(400);
    // Each process alone would serve 100 (its own counter): 100 in all means one shared counter. Which
    // process wins how many of them is scheduling (one may take all 100), so it is not asserted.
    const refused = replies.find((r) => r.status === 429)!;
    expect(refused.json).toEqual({ error: { message: expect.any(String), type: 'insufficient_quota', code: 'budget_exceeded', param: null } });
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);

    // SIGTERM flushes each process's ledger writer before it exits 0.
    expect(await Promise.all([stop(one.child), stop(two.child)])).toEqual([
      { code: 0, signal: null },
      { code: 0, signal: null },
    ]);
    const c = new Client({ connectionString: database.url });
    await c.connect();
    try {
      const { rows } = await c.query<{ cost: number | null; n: string }>('SELECT sum(cost_usd) AS cost, count(*) AS n FROM spend_ledger WHERE key_id = $1', [id]);
      const spend = { cost: Number(rows[0].cost ?? 0), n: Number(rows[0].n) };
      expect(spend.n).toBe(100);
      expect(spend.cost).toBeLessThanOrEqual(CAP_USD + 1e-12);
      expect(spend.cost).toBeCloseTo(CAP_USD, 12);
    } finally {
      await c.end();
    }
  }, 60_000);
});
