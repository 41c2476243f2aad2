import { Queue } from 'bullmq';
import type { JobQueue } from './job-queue';
import { jobId, SCORING_QUEUE, type QueuedJob } from './jobs';

export function redisConnection(url: string) {
  const u = new URL(url);
  return {
    host: u.hostname,
    port: Number(u.port || 6379),
    username: u.username || undefined,
    password: u.password ? decodeURIComponent(u.password) : undefined,
    db: u.pathname.length > 1 ? Number(u.pathname.slice(1)) : 0,
    maxRetriesPerRequest: null,
  };
}

export const JOB_OPTIONS = {
  attempts: 8,
  backoff: { type: 'exponential', delay: 500 },
  removeOnComplete: { count: 10_000 },
  removeOnFail: false,
} as const;

export class BullmqJobQueue implements JobQueue {
  private readonly queue: Queue;

  constructor(redisUrl: string, prefix?: string) {
    this.queue = new Queue(SCORING_QUEUE, { connection: redisConnection(redisUrl), prefix });
  }

  async add(job: QueuedJob): Promise<void> {
    await this.queue.add(job.name, job.data, { ...JOB_OPTIONS, jobId: jobId(job) });
  }

  async depth(): Promise<number> {
    const counts = await this.queue.getJobCounts('waiting', 'active', 'delayed', 'prioritized');
    return Object.values(counts).reduce((a, b) => a + b, 0);
  }

  async close(): Promise<void> {
    await this.queue.close();
  }
}
