import { BullModule } from '@nestjs/bullmq';
import { Module, type DynamicModule } from '@nestjs/common';
import { redisConnection, SCORING_QUEUE, type DeadLetterQueue } from '../../../libs/queue/src';
import type { ScoreJobHandler } from '../../../libs/scoring/src/score-job.handler';
import { DEAD_LETTERS, SCORE_JOB_HANDLER, ScoreProcessor, WORKER_CONCURRENCY } from './score.processor';

@Module({})
export class WorkerModule {
  static forRoot(options: { redisUrl: string; handler: ScoreJobHandler; concurrency: number; prefix?: string; deadLetters: DeadLetterQueue }): DynamicModule {
    return {
      module: WorkerModule,
      imports: [
        BullModule.forRoot({ connection: redisConnection(options.redisUrl), prefix: options.prefix }),
        BullModule.registerQueue({ name: SCORING_QUEUE }),
      ],
      providers: [
        { provide: SCORE_JOB_HANDLER, useValue: options.handler },
        { provide: WORKER_CONCURRENCY, useValue: options.concurrency },
        { provide: DEAD_LETTERS, useValue: options.deadLetters },
        ScoreProcessor,
      ],
    };
  }
}
