import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import { NestFactory } from '@nestjs/core';
import { budgetsInForce, RedisCounterStore, SettledSpendCounter } from '../../../libs/budget/src';
import type { AppConfig } from '../../../libs/config/src';
import { systemClock, type Clock } from '../../../libs/core/src';
import { DeadLetterQueue, LearningSignalPublisher } from '../../../libs/queue/src';
import { ProviderRegistry } from '../../../libs/providers/src';
import { ModelJudge } from '../../../libs/scoring/src/judge/model-judge';
import { ScoreJobHandler } from '../../../libs/scoring/src/score-job.handler';
import { ArmStatsRepository, migrateToLatest, openDatabase, RequestRecordRepository } from '../../../libs/storage/src';
import { BudgetRepository } from '../../../libs/storage/src/repositories/budget.repository';
import { judgeBudgetRoom, judgeCallWriter, judgeModelCaller } from '../../../libs/scoring/src/judge/call-judge-model';
import { WorkerModule } from './worker.module';

export interface RunningWorker {
  /** Jobs that failed for good and wait in the dead-letter queue. */
  deadLetters: DeadLetterQueue;
  close(): Promise<void>;
}

/** Starts a scoring worker on Postgres and Redis. Several may run side by side. */
export async function startWorker(config: AppConfig, options: { clock?: Clock } = {}): Promise<RunningWorker> {
  if (!config.redisUrl || !config.databaseUrl) {
    throw new Error('The worker needs DATABASE_URL and REDIS_URL; on the embedded default the gateway scores in-process.');
  }
  const database = await openDatabase({ url: config.databaseUrl, dataDir: config.dataDir, timeoutMs: config.databaseTimeoutMs });
  await migrateToLatest(database.migrationDb);
  // Gateways read the statistics as soon as a commit announces them (their poll is the backstop).
  const signal = new LearningSignalPublisher(config.redisUrl, config.queuePrefix);
  const clock = options.clock ?? systemClock;
  // Routes' judge models (route option `judge`) are called through the provider adapters, as the gateway calls models.
  const requests = new RequestRecordRepository(database.db);
  // Their cost counts in the judged request's budgets, in the Redis counters the gateways reserve in.
  const counters = new RedisCounterStore(config.redisUrl, `${config.queuePrefix}:budget`);
  const budgetSpend = new SettledSpendCounter(() => budgetsInForce(config, new BudgetRepository(database.db)), counters, clock);
  // A call is skipped when the judged request's hard budgets have no room left for its worst case.
  const judge = new ModelJudge(judgeModelCaller(config.models, new ProviderRegistry(config.providers)), judgeCallWriter(requests, budgetSpend), clock, randomUUID, judgeBudgetRoom(config.models, budgetSpend));
  const handler = new ScoreJobHandler(new ArmStatsRepository(database.db), clock, signal.changed, judge);
  const deadLetters = new DeadLetterQueue(config.redisUrl, config.queuePrefix);
  const app = await NestFactory.createApplicationContext(
    WorkerModule.forRoot({ redisUrl: config.redisUrl, handler, concurrency: config.workerConcurrency, prefix: config.queuePrefix, deadLetters }),
    { logger: config.logLevel === 'silent' ? false : ['error', 'warn'] },
  );
  await app.init();
  return {
    deadLetters,
    async close() {
      await app.close();
      await deadLetters.close();
      await signal.close();
      await counters.close();
      await database.close();
    },
  };
}
