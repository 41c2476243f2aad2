import { Queue } from 'bullmq';
import type Redis from 'ioredis';
import { endOwnedRedis, ownedRedisClient } from './redis-connection';
import { SCORING_DEAD_QUEUE } from './jobs';

export interface DeadLetter {
  /** The failed job's id on the scoring queue. */
  jobId: string;
  name: string;
  data: unknown;
  reason: string;
  attemptsMade: number;
  failedAt: string;
}

/**
 * The scoring queue's dead letters: jobs that failed for good (a poison payload, or every attempt
 * used). Nothing consumes this queue; entries wait there for an operator and the report.
 */
export class DeadLetterQueue {
  private readonly queue: Queue;
  private readonly client: Redis;

  constructor(redisUrl: string, prefix?: string) {
    this.client = ownedRedisClient(redisUrl);
    this.queue = new Queue(SCORING_DEAD_QUEUE, { connection: this.client, prefix });
    this.queue.on('error', () => undefined); // connection errors surface as failed calls
  }

  async add(letter: DeadLetter): Promise<void> {
    await this.queue.add(letter.name, letter, { jobId: `dead-${letter.jobId}`, removeOnComplete: false, removeOnFail: false });
  }

  async count(): Promise<number> {
    const counts = await this.queue.getJobCounts('waiting', 'delayed', 'prioritized');
    return Object.values(counts).reduce((a, b) => a + b, 0);
  }

  async list(limit = 50): Promise<DeadLetter[]> {
    const jobs = await this.queue.getJobs(['waiting', 'delayed', 'prioritized'], 0, Math.max(0, limit - 1));
    return jobs.map((j) => j.data as DeadLetter);
  }

  async close(): Promise<void> {
    await this.queue.close();
    await endOwnedRedis(this.client);
  }
}
