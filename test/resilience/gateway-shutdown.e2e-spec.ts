import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startWorker, type RunningWorker } from '../../apps/worker/src/worker';
import { loadConfig } from '../../libs/config/src';
import { ArmStatsRepository, RequestRecordRepository } from '../../libs/storage/src';
import { SpendLedgerRepository } from '../../libs/storage/src/repositories/spend-ledger.repository';
import { startFakeOpenAI, type FakeOpenAI } from '../fakes/fake-openai.server';
import { eventually, GATEWAY_KEY, routerYaml } from '../support/stack';
import { createTestDatabase, REDIS_URL } from '../support/test-database';
import { startApp, type Child } from './support/child-process';
import { TcpProxy } from './support/tcp-proxy';
import { chat, type Outcome } from './support/traffic';

function refused(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.on('connect', () => {
      socket.destroy();
      resolve(false);
    });
    socket.on('error', (err: NodeJS.ErrnoException) => resolve(err.code === 'ECONNREFUSED'));
  });
}

/**
 * The gateway as a real process: SIGTERM lets in-flight streams finish, flushes records and jobs
 * and exits 0; SIGKILL during a database outage loses none of the answered requests, which the
 * next process replays from its journal.
 */
describe('gateway process shutdown', () => {
  let upstream: FakeOpenAI;
  let database: Awaited<ReturnType<typeof createTestDatabase>>;
  let worker: RunningWorker;
  let pgProxy: TcpProxy;
  let requests: RequestRecordRepository;
  let arms: ArmStatsRepository;
  const children: Child[] = [];
  const dataDir = mkdtempSync(join(tmpdir(), 'router-shutdown-'));
  const prefix = `t${randomBytes(4).toString('hex')}`;
  let env: Record<string, string>;

  beforeAll(async () => {
    upstream = await startFakeOpenAI(() => ({ kind: 'text', content: 'ANSWER: 42 and some more words', chunks: 10, chunkDelayMs: 150 }));
    database = await createTestDatabase();
    pgProxy = await TcpProxy.start(Number(new URL(database.url).port || 5432));
    writeFileSync(join(dataDir, 'router.yaml'), routerYaml(upstream.url));
    env = {
      ROUTER_CONFIG: join(dataDir, 'router.yaml'),
      PORT: '0',
      GATEWAY_API_KEYS: GATEWAY_KEY,
      LOG_LEVEL: 'warn',
      STATS_REFRESH_MS: '100',
      RECORD_FLUSH_MS: '20',
      QUEUE_PREFIX: prefix,
      DATA_DIR: dataDir,
      REDIS_URL,
    };
    worker = await startWorker(loadConfig({ ...env, LOG_LEVEL: 'silent', DATABASE_URL: database.url }));
    requests = new RequestRecordRepository(database.handle.db);
    arms = new ArmStatsRepository(database.handle.db);
  });

  afterAll(async () => {
    for (const c of children) if (c.process.exitCode === null && c.process.signalCode === null) c.process.kill('SIGKILL');
    pgProxy?.resume();
    await worker?.close();
    await pgProxy?.close();
    await database?.drop();
    await upstream?.close();
  });

  async function gateway(databaseUrl: string): Promise<{ child: Child; url: string; port: number }> {
    const child = startApp('apps/gateway/src/main.ts', { ...env, DATABASE_URL: databaseUrl });
    children.push(child);
    const listening = await child.waitFor('gateway listening');
    const url = String(listening.url).replace(/\/v1$/, '');
    return { child, url, port: Number(new URL(url).port) };
  }

  it('SIGTERM: stops accepting, finishes the streams in flight, flushes records and jobs, exits 0', async () => {
    const { child, url, port } = await gateway(database.url);
    const before = upstream.requests.length;
    const inFlight: Array<Promise<Outcome>> = [];
    for (let i = 0; i < 6; i++) inFlight.push(chat(url, GATEWAY_KEY, i, i % 3 !== 0));
    await eventually(() => expect(upstream.requests.length - before).toBe(6), 10_000, 10);

    child.process.kill('SIGTERM');
    await eventually(async () => expect(await refused(port)).toBe(true), 10_000, 20);
    const outcomes = await Promise.all(inFlight);
    expect(outcomes.map((o) => [o.status, o.complete])).toEqual(Array.from({ length: 6 }, () => [200, true]));
    expect(await child.exited).toEqual({ code: 0, signal: null });

    // Flushed before exit: the records are in Postgres, the jobs in Redis, nothing left in the journal.
    expect(await requests.count()).toBe(6);
    // And every answered request's spend is in the ledger (they settle while the server drains).
    expect(Number((await new SpendLedgerRepository(database.handle.db).totalFor('tenant', 'default')).requests)).toBe(6);
    await eventually(async () => expect(await arms.scoreCount()).toBe(6), 20_000, 100);
    const journal = join(dataDir, 'spool', 'records.jsonl');
    expect(existsSync(journal) ? readFileSync(journal, 'utf8') : '').toBe('');
  }, 60_000);

  it('SIGKILL during a database outage: the next process writes every answered request', async () => {
    const { child, url } = await gateway(pgProxy.rewrite(database.url));
    pgProxy.cut();
    const outcomes: Outcome[] = [];
    for (let i = 0; i < 5; i++) outcomes.push(await chat(url, GATEWAY_KEY, 100 + i, i % 2 === 0));
    expect(outcomes.every((o) => o.status === 200 && o.complete)).toBe(true);
    const journal = join(dataDir, 'spool', 'records.jsonl');
    await eventually(() => expect(readFileSync(journal, 'utf8').trim().split('\n')).toHaveLength(5), 5_000, 20);

    child.process.kill('SIGKILL');
    expect((await child.exited).signal).toBe('SIGKILL');
    pgProxy.resume();
    expect(await requests.count()).toBe(6); // committed data untouched

    const next = await gateway(database.url);
    await eventually(async () => expect(await requests.count()).toBe(11), 20_000, 100);
    for (const o of outcomes) expect(await requests.findById(o.requestId!)).toBeDefined();
    await eventually(async () => expect(await arms.scoreCount()).toBe(11), 20_000, 100);
    // Their spend too: the ledger entries were journaled with the records (they used to wait in memory).
    expect(Number((await new SpendLedgerRepository(database.handle.db).totalFor('tenant', 'default')).requests)).toBe(11);
    next.child.process.kill('SIGTERM');
    expect((await next.child.exited).code).toBe(0);
  }, 60_000);
});
