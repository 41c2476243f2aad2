import type { AppConfig } from '../../../libs/config/src';
import { seededRandom, systemClock, type Clock, type Random } from '../../../libs/core/src';
import { closeUpstreamAgent, ProviderRegistry } from '../../../libs/providers/src';
import { BullmqJobQueue, InProcessJobQueue, type JobQueue } from '../../../libs/queue/src';
import { ScoreJobHandler } from '../../../libs/scoring/src/score-job.handler';
import {
  ArmStatsRepository,
  migrateToLatest,
  openDatabase,
  ReportRepository,
  RequestRecordRepository,
  SpendRepository,
  type DatabaseHandle,
} from '../../../libs/storage/src';
import { RecordWriter } from './records/record-writer';
import { LearnedState } from './routing/learned-state';
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
  spend: SpendTracker;
  records: RecordWriter;
  requests: RequestRecordRepository;
  arms: ArmStatsRepository;
  reports: ReportRepository;
  log: NonNullable<RuntimeOverrides['log']>;
  close(): Promise<void>;
}

export const jsonLog: NonNullable<RuntimeOverrides['log']> = (level, message, fields) => {
  const line = JSON.stringify({ level, time: new Date().toISOString(), msg: message, ...fields });
  (level === 'error' ? process.stderr : process.stdout).write(`${line}\n`);
};

export async function createRuntime(config: AppConfig, overrides: RuntimeOverrides = {}): Promise<GatewayRuntime> {
  const clock = overrides.clock ?? systemClock;
  const random = overrides.random ?? seededRandom((Date.now() ^ process.pid) >>> 0);
  const log = overrides.log ?? jsonLog;
  const providers = new ProviderRegistry(config.providers);
  const database = await openDatabase({ url: config.databaseUrl, dataDir: config.dataDir });
  try {
    await migrateToLatest(database.db);
  } catch (err) {
    await database.close();
    throw err;
  }
  const requests = new RequestRecordRepository(database.db);
  const arms = new ArmStatsRepository(database.db);
  const reports = new ReportRepository(database.db);
  const learned = new LearnedState(arms);
  const spend = new SpendTracker(new SpendRepository(database.db), clock);
  let queue: JobQueue;
  if (config.inlineWorker || !config.redisUrl) {
    const handler = new ScoreJobHandler(arms, clock, () => void learned.refresh().catch(() => undefined));
    queue = new InProcessJobQueue((job) => handler.handle(job).then(() => undefined), {
      concurrency: config.workerConcurrency,
      onError: (job, err) => log('error', 'scoring job failed', { job: job.name, requestId: job.data.requestId, error: (err as Error).message }),
    });
  } else {
    queue = new BullmqJobQueue(config.redisUrl, config.queuePrefix);
  }
  const records = new RecordWriter(requests, queue, {
    flushMs: config.recordFlushMs,
    onWritten: (rows) => spend.written(rows.filter((r) => r.route).map((r) => ({ route: r.route!, costUsd: r.cost_usd ?? 0 }))),
    onError: (err) => log('warn', 'record write or enqueue failed; will retry', { error: (err as Error).message }),
  });
  await Promise.all([learned.refresh(), spend.refresh()]);
  learned.start(config.statsRefreshMs);
  return {
    config,
    clock,
    random,
    database,
    queue,
    providers,
    learned,
    spend,
    records,
    requests,
    arms,
    reports,
    log,
    async close() {
      learned.stop();
      await records.flush();
      await queue.close();
      await records.flush();
      await database.close();
      await closeUpstreamAgent();
    },
  };
}
