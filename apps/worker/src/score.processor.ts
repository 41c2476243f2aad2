import { InjectQueue, OnWorkerEvent, Processor, WorkerHost } from '@nestjs/bullmq';
import { Inject, type OnApplicationBootstrap } from '@nestjs/common';
import { UnrecoverableError, type Job, type Queue } from 'bullmq';
import { ZodError } from 'zod';
import { JOB_BATCH, jobBatchSchema, parseJob, SCORING_QUEUE, type DeadLetterQueue } from '../../../libs/queue/src';
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
    @InjectQueue(SCORING_QUEUE) private readonly queue: Queue,
  ) {
    super();
  }

  onApplicationBootstrap(): void {
    this.worker.concurrency = this.concurrency;
    // The queue handle @nestjs/bullmq registers for this processor is never used here, but its Redis
    // connection reports errors during an outage; without a listener BullMQ prints each one to stderr
    // as an unhandled 'error' event. They surface as failed calls, and BullMQ reconnects by itself.
    this.queue.on('error', () => undefined);
  }

  /** The worker's own connection errors during a Redis outage: BullMQ reconnects and goes on taking jobs. */
  @OnWorkerEvent('error')
  onWorkerError(): void {
    /* nothing to do: see onApplicationBootstrap */
  }

  /**
   * A job that is about to fail for good is dead-lettered here, BEFORE BullMQ marks it failed: a
   * worker killed between the two then leaves a stalled job (retried, and the dead letter's fixed id
   * keeps one letter), never a failed job without its letter. The `failed` event adds it again
   * (a no-op) and covers the failures that never reach this code, such as a job stalled too often.
   */
  async process(job: Job): Promise<ScoreJobResult | BatchResult> {
    try {
      return await this.run(job);
    } catch (err) {
      if (isFinalFailure(job, err, job.attemptsMade + 1)) await this.deadLetter(job, err as Error, job.attemptsMade + 1);
      throw err;
    }
  }

  private async run(job: Job): Promise<ScoreJobResult | BatchResult> {
    if (job.name === JOB_BATCH) return this.processBatch(job);
    let parsed;
    try {
      parsed = parseJob(job.name, job.data);
    } catch (err) {
      throw new UnrecoverableError(`poison job ${job.id}: ${describe(err)}`);
    }
    return this.handler.handle(parsed);
  }

  /**
   * A batch of jobs in one BullMQ job: every entry handled at once (the handler's group commit puts
   * their scores in one transaction). A malformed entry is dead-lettered alone (as `<batch id>#<n>`);
   * any other failure fails the batch, which BullMQ retries whole: entries already recorded come back
   * as duplicates, so each request still counts once.
   */
  private async processBatch(job: Job): Promise<BatchResult> {
    const batch = jobBatchSchema.safeParse(job.data);
    if (!batch.success) throw new UnrecoverableError(`poison job ${job.id}: ${describe(batch.error)}`);
    const outcomes = await Promise.all(
      batch.data.jobs.map(async (entry, n) => {
        let parsed;
        try {
          parsed = parseJob(entry.name, entry.data);
        } catch (err) {
          await this.deadLetters.add({
            jobId: `${job.id}#${n}`,
            name: entry.name,
            data: entry.data,
            reason: `poison job in batch ${job.id}: ${describe(err)}`.slice(0, 1000),
            attemptsMade: 0,
            failedAt: new Date().toISOString(),
          });
          return 'dead_lettered' as const;
        }
        return (await this.handler.handle(parsed)).status;
      }),
    );
    const result: BatchResult = { status: 'batch', jobs: outcomes.length, outcomes: {} };
    for (const o of outcomes) result.outcomes[o] = (result.outcomes[o] ?? 0) + 1;
    return result;
  }

  /** A job that failed for good (poison, or its last attempt) goes to the dead-letter queue. */
  @OnWorkerEvent('failed')
  async onFailed(job: Job | undefined, error: Error): Promise<void> {
    if (!job || !isFinalFailure(job, error, job.attemptsMade)) return;
    await this.deadLetter(job, error, job.attemptsMade);
  }

  private async deadLetter(job: Job, error: Error, attemptsMade: number): Promise<void> {
    try {
      await this.deadLetters.add({
        jobId: String(job.id),
        name: job.name,
        data: job.data,
        reason: (error?.message ?? 'unknown').slice(0, 1000),
        attemptsMade,
        failedAt: new Date(job.finishedOn ?? Date.now()).toISOString(),
      });
    } catch {
      /* the job also stays in the queue's failed set (removeOnFail: false); the failed event tries again */
    }
  }
}

/** Whether this failure is the job's last: a poison payload, or no attempts left after `attemptsMade`. */
export function isFinalFailure(job: Pick<Job, 'opts'>, error: unknown, attemptsMade: number): boolean {
  const unrecoverable = error instanceof UnrecoverableError || (error as Error | undefined)?.name === 'UnrecoverableError';
  return unrecoverable || attemptsMade >= (job.opts.attempts ?? 1);
}

/** What a batch job returns: how many entries, and how each ended. */
export interface BatchResult {
  status: 'batch';
  jobs: number;
  outcomes: Partial<Record<ScoreJobResult['status'] | 'dead_lettered', number>>;
}

function describe(err: unknown): string {
  return err instanceof ZodError ? err.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ') : (err as Error).message;
}
