import { sql } from 'kysely';
import { startGateway, type RunningGateway } from '../../apps/gateway/src/gateway';
import { startWorker, type RunningWorker } from '../../apps/worker/src/worker';
import { loadConfig } from '../../libs/config/src';
import { startFakeOpenAI, type FakeOpenAI } from '../fakes/fake-openai.server';
import { eventually, GATEWAY_KEY, routerYaml, testSettings } from '../support/stack';
import { createTestDatabase, REDIS_URL } from '../support/test-database';
import { TcpProxy } from './support/tcp-proxy';
import { burst, type Outcome } from './support/traffic';

/**
 * Redis and Postgres fail under traffic: the gateway reaches both through TCP proxies the test cuts
 * (connections dropped, new ones refused) and pauses (connections hang), while a worker keeps its
 * own direct connections. Every request must get an answer; after recovery every served request
 * must have exactly one record, one score and one spend entry.
 */
describe('outages of Redis and Postgres under traffic', () => {
  let upstream: FakeOpenAI;
  let database: Awaited<ReturnType<typeof createTestDatabase>>;
  let pgProxy: TcpProxy;
  let redisProxy: TcpProxy;
  let gateway: RunningGateway;
  let worker: RunningWorker;
  const outcomes: Outcome[] = [];
  let sent = 0;

  beforeAll(async () => {
    upstream = await startFakeOpenAI(() => ({ kind: 'text', content: 'ANSWER: 42', chunks: 3 }));
    database = await createTestDatabase();
    pgProxy = await TcpProxy.start(Number(new URL(database.url).port || 5432));
    redisProxy = await TcpProxy.start(Number(new URL(REDIS_URL).port || 6379));
    const env = testSettings(routerYaml(upstream.url), 'router-outage-');
    const quiet = () => undefined;
    gateway = await startGateway(loadConfig({ ...env, DATABASE_URL: pgProxy.rewrite(database.url), REDIS_URL: redisProxy.rewrite(REDIS_URL) }), { log: quiet });
    worker = await startWorker(loadConfig({ ...env, DATABASE_URL: database.url, REDIS_URL }));
  });

  afterAll(async () => {
    pgProxy?.resume();
    redisProxy?.resume();
    await gateway?.close();
    await worker?.close();
    await pgProxy?.close();
    await redisProxy?.close();
    await database?.drop();
    await upstream?.close();
  });

  async function traffic(n: number): Promise<Outcome[]> {
    const got = await burst(gateway.url, GATEWAY_KEY, sent, n);
    sent += n;
    outcomes.push(...got);
    return got;
  }

  const served = (got: Outcome[]) => got.filter((o) => o.status === 200 && o.complete).length;

  it('serves while healthy', async () => {
    expect(served(await traffic(20))).toBe(20);
    expect(gateway.runtime.status().status).toBe('ok');
  });

  it('serves while Redis is cut, spooling the scoring jobs, and replays them when it returns', async () => {
    redisProxy.cut();
    expect(served(await traffic(20))).toBe(20);
    await eventually(() => {
      expect(gateway.runtime.status()).toMatchObject({ status: 'degraded', queue: { reachable: false } });
      expect(gateway.runtime.status().queue.spooledJobs).toBeGreaterThan(0);
    }, 10_000);
    redisProxy.resume();
    await eventually(() => expect(gateway.runtime.status().queue).toMatchObject({ reachable: true, spooledJobs: 0 }), 20_000, 100);
  });

  it('serves while Redis hangs (enqueue times out instead of holding the request)', async () => {
    redisProxy.pause();
    expect(served(await traffic(20))).toBe(20);
    await eventually(() => expect(gateway.runtime.status().queue.reachable).toBe(false), 10_000);
    redisProxy.resume();
    await eventually(() => expect(gateway.runtime.status().queue).toMatchObject({ reachable: true, spooledJobs: 0 }), 30_000, 100);
  });

  it('serves from cached statistics while Postgres is cut, and writes the records when it returns', async () => {
    pgProxy.cut();
    expect(served(await traffic(20))).toBe(20);
    await eventually(() => expect(gateway.runtime.status()).toMatchObject({ status: 'degraded', database: { reachable: false } }), 15_000, 100);
    expect(gateway.runtime.status().database.pendingRecords).toBeGreaterThan(0);
    pgProxy.resume();
    await eventually(() => expect(gateway.runtime.status().database).toMatchObject({ reachable: true, pendingRecords: 0 }), 30_000, 100);
  });

  it('serves while Postgres hangs', async () => {
    pgProxy.pause();
    expect(served(await traffic(20))).toBe(20);
    await eventually(() => expect(gateway.runtime.status().database.reachable).toBe(false), 15_000, 100);
    pgProxy.resume();
    await eventually(() => expect(gateway.runtime.status()).toMatchObject({ status: 'ok', database: { pendingRecords: 0 } }), 30_000, 100);
  });

  it('after recovery: one record, one score and one spend entry per request served, nothing more', async () => {
    expect(outcomes).toHaveLength(sent);
    expect(outcomes.every((o) => o.status === 200 || o.cleanError)).toBe(true);
    const servedIds = new Set(outcomes.filter((o) => o.status === 200).map((o) => o.requestId));
    expect(servedIds.size).toBe(sent);
    const db = database.handle.db;
    await eventually(async () => expect(await gateway.runtime.arms.scoreCount()).toBe(sent), 30_000, 100);
    const records = await db.selectFrom('requests').select(['id', 'status']).execute();
    expect(records).toHaveLength(sent);
    expect(new Set(records.map((r) => r.id))).toEqual(servedIds);
    const spend = await db.selectFrom('spend_daily').select(sql<number>`sum(requests)`.as('n')).executeTakeFirstOrThrow();
    expect(Number(spend.n)).toBe(sent);
    const arms = await db.selectFrom('arm_stats').select('observations').where('context_key', '=', '').execute();
    expect(arms.reduce((n, a) => n + a.observations, 0)).toBe(sent);
    expect(gateway.runtime.status()).toMatchObject({ status: 'ok', database: { droppedRecords: 0 }, queue: { droppedJobs: 0 } });
  });
});
