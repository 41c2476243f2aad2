import { startGateway, type RunningGateway } from '../../apps/gateway/src/gateway';
import { startWorker, type RunningWorker } from '../../apps/worker/src/worker';
import { loadConfig } from '../../libs/config/src';
import { startFakeOpenAI, type FakeOpenAI } from '../fakes/fake-openai.server';
import { eventually, GATEWAY_KEY, routerYaml, testSettings } from '../support/stack';
import { createTestDatabase, REDIS_URL } from '../support/test-database';
import { TcpProxy } from './support/tcp-proxy';
import { burst } from './support/traffic';

/**
 * The worker's side of a Redis outage: the worker reaches Redis through a proxy the test cuts and
 * pauses while the gateway keeps enqueueing (directly). The worker must not crash (an 'error' event
 * nobody listens to would end the process; here it would fail the test), and once Redis is back it
 * scores every request exactly once.
 */
describe('a worker whose Redis goes away', () => {
  let upstream: FakeOpenAI;
  let database: Awaited<ReturnType<typeof createTestDatabase>>;
  let redisProxy: TcpProxy;
  let gateway: RunningGateway;
  let worker: RunningWorker;
  const uncaught: unknown[] = [];
  const onUncaught = (err: unknown) => uncaught.push(err);
  let sent = 0;
  let consoleError: jest.SpyInstance;

  beforeAll(async () => {
    process.on('uncaughtException', onUncaught);
    // BullMQ prints an 'error' event nobody listens to with console.error instead of crashing.
    consoleError = jest.spyOn(console, 'error');
    upstream = await startFakeOpenAI(() => ({ kind: 'text', content: 'ANSWER: 42' }));
    database = await createTestDatabase();
    redisProxy = await TcpProxy.start(Number(new URL(REDIS_URL).port || 6379));
    const env = { ...testSettings(routerYaml(upstream.url), 'router-worker-outage-'), DATABASE_URL: database.url };
    gateway = await startGateway(loadConfig({ ...env, REDIS_URL }), { log: () => undefined });
    worker = await startWorker(loadConfig({ ...env, REDIS_URL: redisProxy.rewrite(REDIS_URL) }));
  });

  afterAll(async () => {
    process.off('uncaughtException', onUncaught);
    consoleError?.mockRestore();
    redisProxy?.resume();
    await gateway?.close();
    await worker?.close();
    await redisProxy?.close();
    await database?.drop();
    await upstream?.close();
  });

  const traffic = async (n: number) => {
    const got = await burst(gateway.url, GATEWAY_KEY, sent, n);
    sent += n;
    expect(got.filter((o) => o.status === 200).length).toBe(n);
  };

  it('keeps running through a cut and a hang, then scores every request once', async () => {
    await traffic(20);
    await eventually(async () => expect(await gateway.runtime.arms.scoreCount()).toBe(20), 15_000, 100);

    redisProxy.cut();
    await traffic(30);
    await new Promise((r) => setTimeout(r, 1500));
    // Nothing new is scored while the worker cannot reach its queue.
    expect(await gateway.runtime.arms.scoreCount()).toBeLessThan(50);
    redisProxy.resume();
    await eventually(async () => expect(await gateway.runtime.arms.scoreCount()).toBe(50), 30_000, 100);

    redisProxy.pause();
    await traffic(30);
    await new Promise((r) => setTimeout(r, 1500));
    redisProxy.resume();
    await eventually(async () => expect(await gateway.runtime.arms.scoreCount()).toBe(80), 45_000, 100);

    const rows = await database.handle.db.selectFrom('arm_stats').select(['observations']).where('route', '=', 'auto').where('context_key', '=', '').execute();
    expect(rows.reduce((n, r) => n + r.observations, 0)).toBe(80);
    expect(uncaught).toEqual([]);
    expect(consoleError.mock.calls.map((args) => String(args[0]))).toEqual([]);
  }, 120_000);
});
