import { randomUUID } from 'node:crypto';
import { budgetsInForce, createCounterStore, SettledSpendCounter, type CounterStore } from '../../../libs/budget/src';
import type { AppConfig } from '../../../libs/config/src';
import { seededRandom, systemClock, withTimeout, type Clock, type Random } from '../../../libs/core/src';
import { closeUpstreamAgent, loadTokenizer, ProviderRegistry } from '../../../libs/providers/src';
import { join } from 'node:path';
import { BullmqJobQueue, InProcessJobQueue, LearningSignalSubscriber, SpoolingJobQueue, throttle, type JobQueue } from '../../../libs/queue/src';
import { ScoreJobHandler } from '../../../libs/scoring/src/score-job.handler';
import { ModelJudge } from '../../../libs/scoring/src/judge/model-judge';
import { judgeBudgetRoom, judgeCallWriter, judgeModelCaller } from '../../../libs/scoring/src/judge/call-judge-model';
import {
  ArmStatsRepository,
  migrateToLatest,
  openDatabase,
  ReportRepository,
  RequestRecordRepository,
  SpendRepository,
  type DatabaseHandle,
} from '../../../libs/storage/src';
import { BudgetRepository } from '../../../libs/storage/src/repositories/budget.repository';
import { RecordWriter } from './records/record-writer';
import { LearnedState } from './routing/learned-state';
import { gatedRoutes, SCORE_DELAY_PUSH_MIN_MS, ScoreDelayGates } from './routing/score-delay-gates';
import { SpendTracker } from './routing/spend-tracker';

export interface RuntimeOverrides {
  clock?: Clock;
  random?: Random;
  log?: (level: 'info' | 'warn' | 'error', message: string, fields?: Record<string, unknown>) => void;
}

/** Everything the gateway holds besides its HTTP layer, built once at start-up and closed in order. */
export interface GatewayRuntime {
  config: AppConfig;
  clock: Clock;
  random: Random;
  database: DatabaseHandle;
  queue: JobQueue;
  providers: ProviderRegistry;
  learned: LearnedState;
  /** Whether each route on the default safe exploration gets its scores promptly (round 31's gate). */
  scoreDelays: ScoreDelayGates;
  spend: SpendTracker;
  records: RecordWriter;
  requests: RequestRecordRepository;
  arms: ArmStatsRepository;
  reports: ReportRepository;
  /** The budget and rate-limit counters (BudgetService's), shared with every process on Redis; closed with the runtime. */
  counters: CounterStore;
  log: NonNullable<RuntimeOverrides['log']>;
  /** Readiness without I/O: what is reachable and what waits locally (see docs/resilience.md). */
  status(): RuntimeStatus;
  close(): Promise<void>;
}

/**
 * `ok`: everything reachable. `degraded`: still serving (from cached statistics and config), but
 * Postgres or the queue is unreachable and records or jobs wait locally. `stopping`: shutting down.
 */
export interface RuntimeStatus {
  status: 'ok' | 'degraded' | 'stopping';
  database: { reachable: boolean; pendingRecords: number; droppedRecords: number; lastError: string | null };
  queue: { kind: 'bullmq' | 'in-process'; reachable: boolean; spooledJobs: number; droppedJobs: number };
}

/** Local journals of records and jobs not yet delivered; one DATA_DIR per gateway process. */
export function spoolPaths(dataDir: string): { records: string; jobs: string } {
  return { records: join(dataDir, 'spool', 'records.jsonl'), jobs: join(dataDir, 'spool', 'jobs.jsonl') };
}

export const jsonLog: NonNullable<RuntimeOverrides['log']> = (level, message, fields) => {
  const line = JSON.stringify({ level, time: new Date().toISOString(), msg: message, ...fields });
  (level === 'error' ? process.stderr : process.stdout).write(`${line}\n`);
};

/**
 * The least time between two statistics reads that workers' announcements trigger: at 1,000 requests
 * a second, at most 50 decisions on a state older than the newest commit (plus the worker's own lag),
 * against about 250 on average with the 500 ms poll alone; at most 20 reads a second per gateway.
 */
export const LEARNED_PUSH_MIN_MS = 50;

export async function createRuntime(config: AppConfig, overrides: RuntimeOverrides = {}): Promise<GatewayRuntime> {
  const clock = overrides.clock ?? systemClock;
  const random = overrides.random ?? seededRandom((Date.now() ^ process.pid) >>> 0);
  const log = overrides.log ?? jsonLog;
  const providers = new ProviderRegistry(config.providers);
  // Exact token counts need the tokenizer's tables: loaded now when a model uses them, never otherwise.
  for (const model of config.models.values()) if (model.tokenizer) loadTokenizer(model.tokenizer);
  const database = await openDatabase({ url: config.databaseUrl, dataDir: config.dataDir, timeoutMs: config.databaseTimeoutMs });
  try {
    await migrateToLatest(database.migrationDb);
  } catch (err) {
    await database.close();
    throw err;
  }
  const requests = new RequestRecordRepository(database.db);
  const arms = new ArmStatsRepository(database.db);
  const reports = new ReportRepository(database.db);
  const learned = new LearnedState(arms);
  const spend = new SpendTracker(new SpendRepository(database.db), clock);
  const spools = spoolPaths(config.dataDir);
  let queue: JobQueue;
  let spooling: SpoolingJobQueue | undefined;
  let signal: LearningSignalSubscriber | undefined;
  // A worker's commit (the in-process one's directly, BullMQ workers' announced on Redis) triggers a read
  // of the new statistics, at most every LEARNED_PUSH_MIN_MS; the poll below stays the backstop.
  const refreshLearned = throttle(() => void learned.refresh().catch(() => undefined), LEARNED_PUSH_MIN_MS);
  // The same commit may open a gated route's score-delay gate: its closed gates are re-read too.
  const scoreDelays = new ScoreDelayGates(gatedRoutes(config.routes.values()), (route, window) => requests.scoreDelayCounts(route, window));
  const refreshGates = throttle(() => void scoreDelays.refreshClosed().catch(() => undefined), SCORE_DELAY_PUSH_MIN_MS);
  const refreshSoon = Object.assign(
    () => {
      refreshLearned();
      refreshGates();
    },
    {
      cancel: () => {
        refreshLearned.cancel();
        refreshGates.cancel();
      },
    },
  );
  const counters = createCounterStore(config, clock);
  if (config.inlineWorker || !config.redisUrl) {
    // Judge calls count in the budgets' counters as a worker's do (in process: this gateway's own).
    const budgetSpend = new SettledSpendCounter(() => budgetsInForce(config, new BudgetRepository(database.db)), counters, clock);
    // A call is skipped when the judged request's hard budgets have no room left for its worst case.
    const judge = new ModelJudge(judgeModelCaller(config.models, providers), judgeCallWriter(requests, budgetSpend), clock, randomUUID, judgeBudgetRoom(config.models, budgetSpend));
    const handler = new ScoreJobHandler(arms, clock, refreshSoon, judge);
    queue = new InProcessJobQueue((job) => handler.handle(job).then(() => undefined), {
      concurrency: config.workerConcurrency,
      onError: (job, err) => log('error', 'scoring job failed', { job: job.name, requestId: job.data.requestId, error: (err as Error).message }),
    });
  } else {
    spooling = new SpoolingJobQueue(new BullmqJobQueue(config.redisUrl, config.queuePrefix), { spoolPath: spools.jobs, log });
    queue = spooling;
    signal = new LearningSignalSubscriber(config.redisUrl, config.queuePrefix, refreshSoon);
    void signal.start();
  }
  const records = new RecordWriter(requests, queue, {
    flushMs: config.recordFlushMs,
    spoolPath: spools.records,
    onWritten: (rows) => spend.written(rows.filter((r) => r.route).map((r) => ({ route: r.route!, costUsd: r.cost_usd ?? 0 }))),
    onError: (err) => log('warn', 'record write or enqueue failed; will retry', { error: (err as Error).message }),
  });
  await Promise.all([learned.refresh(), spend.refresh(), scoreDelays.refresh()]);
  scoreDelays.start(undefined, (err) => log('warn', 'score delay read failed; keeping the last reading', { error: err.message }));
  // The statistics poll doubles as the database probe; the queue gets its own cheap probe.
  const databaseProbe = { reachable: true, lastError: null as string | null };
  const poll = setInterval(() => {
    withTimeout(Promise.all([learned.refresh(), spend.refresh()]), Math.max(2000, config.statsRefreshMs * 4), 'statistics refresh').then(
      () => {
        databaseProbe.reachable = true;
        databaseProbe.lastError = null;
      },
      (err: Error) => {
        if (databaseProbe.reachable) log('warn', 'database unreachable; serving from cached statistics', { error: err.message });
        databaseProbe.reachable = false;
        databaseProbe.lastError = err.message;
      },
    );
    void spooling?.probe();
  }, config.statsRefreshMs);
  poll.unref();
  let stopping = false;
  return {
    config,
    clock,
    random,
    database,
    queue,
    providers,
    learned,
    scoreDelays,
    spend,
    records,
    requests,
    arms,
    reports,
    counters,
    log,
    status() {
      const writer = records.status();
      const q = spooling?.status();
      const dbReachable = databaseProbe.reachable && writer.reachable;
      const queueReachable = q?.reachable ?? true;
      return {
        status: stopping ? 'stopping' : dbReachable && queueReachable ? 'ok' : 'degraded',
        database: { reachable: dbReachable, pendingRecords: writer.pending, droppedRecords: writer.dropped, lastError: writer.lastError ?? databaseProbe.lastError },
        queue: { kind: spooling ? 'bullmq' : 'in-process', reachable: queueReachable, spooledJobs: q?.spooled ?? 0, droppedJobs: q?.dropped ?? 0 },
      };
    },
    async close() {
      stopping = true;
      clearInterval(poll);
      learned.stop();
      scoreDelays.stop();
      refreshSoon.cancel();
      await signal?.close();
      // Records first (their jobs go to the queue or its spool), then the queue (it delivers or
      // journals what it holds), then the database. Whatever is unreachable stays journaled on disk.
      await records.close();
      await queue.close();
      await counters.close();
      await database.close();
      await closeUpstreamAgent();
    },
  };
}
