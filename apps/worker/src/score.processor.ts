import { OnWorkerEvent, Processor, WorkerHost } from '@nestjs/bullmq';
import { Inject, type OnApplicationBootstrap } from '@nestjs/common';
import { UnrecoverableError, type Job } from 'bullmq';
import { ZodError } from 'zod';
import { parseJob, SCORING_QUEUE, type DeadLetterQueue } from '../../../libs/queue/src';
import type { ScoreJobHandler, ScoreJobResult } from '../../../libs/scoring/src/score-job.handler';

export const SCORE_JOB_HANDLER = Symbol('SCORE_JOB_HANDLER');
export const WORKER_CONCURRENCY = Symbol('WORKER_CONCURRENCY');
export const DEAD_LETTERS = Symbol('DEAD_LETTERS');

/**
 * Takes scoring and feedback jobs off the BullMQ queue. A malformed payload fails at once, without
 * retries. A worker that dies mid-job stops renewing its lock (every lockDuration / 2); another
 * worker's stalled check puts the job back within about lockDuration + stalledInterval, and the
 * idempotent handler makes the retry count once.
 */
@Processor(SCORING_QUEUE, { lockDuration: 10_000, stalledInterval: 5_000 })
export class ScoreProcessor extends WorkerHost implements OnApplicationBootstrap {
  constructor(
    @Inject(SCORE_JOB_HANDLER) private readonly handler: ScoreJobHandler,
    @Inject(WORKER_CONCURRENCY) private readonly concurrency: number,
    @Inject(DEAD_LETTERS) private readonly deadLetters: DeadLetterQueue,
  ) {
    super();
  }

  onApplicationBootstrap(): void {
    this.worker.concurrency = this.concurrency;
  }

  async process(job: Job): Promise<ScoreJobResult> {
    let parsed;
    try {
      parsed = parseJob(job.name, job.data);
    } catch (err) {
      const detail = err instanceof ZodError ? err.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ') : (err as Error).message;
      throw new UnrecoverableError(`poison job ${job.id}: ${detail}`);
    }
    return this.handler.handle(parsed);
  }

  /** A job that failed for good (poison, or its last attempt) goes to the dead-letter queue. */
  @OnWorkerEvent('failed')
  async onFailed(job: Job | undefined, error: Error): Promise<void> {
    if (!job) return;
    const final = error instanceof UnrecoverableError || error?.name === 'UnrecoverableError' || job.attemptsMade >= (job.opts.attempts ?? 1);
    if (!final) return;
    try {
      await this.deadLetters.add({
        jobId: String(job.id),
        name: job.name,
        data: job.data,
        reason: (error?.message ?? 'unknown').slice(0, 1000),
        attemptsMade: job.attemptsMade,
        failedAt: new Date(job.finishedOn ?? job.timestamp).toISOString(),
      });
    } catch {
      /* the job also stays in the queue's failed set (removeOnFail: false) */
    }
  }
}
