import { Queue } from 'bullmq';
import type Redis from 'ioredis';
import { DeadLetterQueue } from './dead-letter-queue';
import type { JobQueue } from './job-queue';
import { batchJobId, JOB_BATCH, jobId, SCORING_QUEUE, type JobBatch, type QueuedJob } from './jobs';
import { endOwnedRedis, ownedRedisClient, redisConnection } from './redis-connection';

export { redisConnection };

export const JOB_OPTIONS = {
  attempts: 8,
  backoff: { type: 'exponential', delay: 500 },
  removeOnComplete: { count: 10_000 },
  removeOnFail: false,
} as const;

export class BullmqJobQueue implements JobQueue {
  private readonly queue: Queue;
  private readonly client: Redis;
  private readonly dead: DeadLetterQueue;

  constructor(redisUrl: string, prefix?: string) {
    // Without the offline queue, commands fail at once while Redis is unreachable instead of
    // piling up in memory; the caller (SpoolingJobQueue) spools the job. The client is ours (see
    // ownedRedisClient): its error listener outlives the queue.
    this.client = ownedRedisClient(redisUrl);
    this.queue = new Queue(SCORING_QUEUE, { connection: this.client, prefix });
    // Connection errors surface as failed adds (which the caller spools); without a listener they
    // would be reported as unhandled 'error' events.
    this.queue.on('error', () => undefined);
    this.dead = new DeadLetterQueue(redisUrl, prefix);
  }

  async add(job: QueuedJob): Promise<void> {
    await this.queue.add(job.name, job.data, { ...JOB_OPTIONS, jobId: jobId(job) });
  }

  /**
   * The whole batch as one BullMQ job (`JOB_BATCH`): one add, and for the worker one take and one
   * completion, instead of one of each per request. A single job goes as itself.
   */
  async addMany(jobs: QueuedJob[]): Promise<void> {
    if (jobs.length === 0) return;
    if (jobs.length === 1) return this.add(jobs[0]);
    const batch: JobBatch = { jobs: jobs.map((job) => ({ name: job.name, data: job.data })) };
    await this.queue.add(JOB_BATCH, batch, { ...JOB_OPTIONS, jobId: batchJobId(jobs) });
  }

  async depth(): Promise<number> {
    const counts = await this.queue.getJobCounts('waiting', 'active', 'delayed', 'prioritized');
    return Object.values(counts).reduce((a, b) => a + b, 0);
  }

  deadLetterCount(): Promise<number> {
    return this.dead.count();
  }

  async close(): Promise<void> {
    await Promise.all([this.queue.close(), this.dead.close()]);
    await endOwnedRedis(this.client);
  }
}
