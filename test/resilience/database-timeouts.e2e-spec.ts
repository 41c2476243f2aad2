import { randomBytes } from 'node:crypto';
import { request } from 'undici';
import { startGateway, type RunningGateway } from '../../apps/gateway/src/gateway';
import { loadConfig } from '../../libs/config/src';
import { ADMIN_KEY } from '../budget/budget-support';
import { startFakeOpenAI, type FakeOpenAI } from '../fakes/fake-openai.server';
import { eventually, GATEWAY_KEY, routerYaml, testSettings } from '../support/stack';
import { createTestDatabase } from '../support/test-database';
import { TcpProxy } from './support/tcp-proxy';

interface Reply {
  status: number;
  headers: Record<string, unknown>;
  json: { error?: { type?: string; code?: string; message?: string }; data?: unknown[] };
}

/**
 * DATABASE_TIMEOUT_MS on a Postgres server that hangs, or fails over (the open connections dead, new
 * ones fine). Calls that wait on the database get an OpenAI-format 503 in bounded time instead of
 * hanging, and a connection whose statement went unanswered is dropped, so the gateway works again
 * on fresh connections without waiting for TCP to give up (about 15 minutes on Linux).
 * Every call here gives up after 4 s: a request the gateway holds fails the test instead of hanging it.
 */
describe('database timeouts: a Postgres that hangs or fails over', () => {
  let upstream: FakeOpenAI;
  let database: Awaited<ReturnType<typeof createTestDatabase>>;
  let pgProxy: TcpProxy;
  let gateway: RunningGateway;

  beforeAll(async () => {
    upstream = await startFakeOpenAI(() => ({ kind: 'text', content: 'ANSWER: 42', chunks: 1 }));
    database = await createTestDatabase();
    pgProxy = await TcpProxy.start(Number(new URL(database.url).port || 5432));
    const env = { ...testSettings(routerYaml(upstream.url), 'router-dbtimeout-'), ADMIN_API_KEY: ADMIN_KEY, DATABASE_TIMEOUT_MS: '500' };
    gateway = await startGateway(loadConfig({ ...env, DATABASE_URL: pgProxy.rewrite(database.url) }), { log: () => undefined });
  });

  afterAll(async () => {
    pgProxy?.resume();
    await gateway?.close();
    await pgProxy?.close();
    await database?.drop();
    await upstream?.close();
  });

  async function call(method: string, path: string, key: string, body?: unknown): Promise<Reply> {
    const res = await request(`${gateway.url}${path}`, {
      method: method as 'GET',
      headers: { authorization: `Bearer ${key}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
      headersTimeout: 4000,
      bodyTimeout: 4000,
    });
    const text = await res.body.text();
    return { status: res.statusCode, headers: res.headers, json: text ? (JSON.parse(text) as Reply['json']) : {} };
  }

  const chat = (key: string) => call('POST', '/v1/chat/completions', key, { model: 'auto', messages: [{ role: 'user', content: 'What is 6 x 7?' }] });

  it('while Postgres hangs: an uncached key and the admin API get a 503 in time, a cached key is served', async () => {
    expect((await call('GET', '/v1/admin/keys', ADMIN_KEY)).status).toBe(200);
    pgProxy.pause();
    try {
      const unknownKey = await chat(`sk-gw-${randomBytes(12).toString('hex')}`);
      expect(unknownKey.status).toBe(503);
      expect(unknownKey.json.error).toMatchObject({ type: 'server_error', code: 'key_store_unavailable' });

      const keys = await call('GET', '/v1/admin/keys', ADMIN_KEY);
      expect(keys.status).toBe(503);
      expect(keys.json.error).toMatchObject({ type: 'server_error', code: 'database_unavailable' });
      expect(keys.headers['retry-after']).toBe('1');

      // Routing and the request itself need no database: served, its record waits.
      expect((await chat(GATEWAY_KEY)).status).toBe(200);
    } finally {
      pgProxy.resume();
    }
    await eventually(() => expect(gateway.runtime.status()).toMatchObject({ status: 'ok', database: { reachable: true, pendingRecords: 0 } }), 20_000, 100);
  });

  it('after a failover (every open connection dead, new ones fine): reads, writes and records work again', async () => {
    // Several pooled connections open at once, then all of them stranded.
    await Promise.all(Array.from({ length: 6 }, () => call('GET', '/v1/admin/keys', ADMIN_KEY)));
    expect(pgProxy.connections).toBeGreaterThan(1);
    pgProxy.strand();
    expect(pgProxy.connections).toBe(0);

    expect((await chat(GATEWAY_KEY)).status).toBe(200);
    // Calls that land on a stranded connection fail in time and drop it; the pool then opens new ones.
    await eventually(async () => expect((await call('GET', '/v1/admin/keys', ADMIN_KEY)).status).toBe(200), 20_000, 100);
    const created = await call('POST', '/v1/admin/keys', ADMIN_KEY, { tenant_id: 'default', name: 'after-failover' });
    expect(created.status).toBe(201);
    expect((await chat((created.json as unknown as { key: string }).key)).status).toBe(200);
    await eventually(() => expect(gateway.runtime.status()).toMatchObject({ status: 'ok', database: { reachable: true, pendingRecords: 0 } }), 20_000, 100);
    // Every request has its record: the three served and the 503 of the key the database could not check.
    const records = await database.handle.db.selectFrom('requests').select(['status', 'error_type']).orderBy('created_at').execute();
    expect(records.map((r) => [r.status, r.error_type])).toEqual([
      ['error', 'key_store_unavailable'],
      ['success', null],
      ['success', null],
      ['success', null],
    ]);
  });
});
