import type { QueuedJob } from './jobs';

/** Where the gateway puts work for the workers: BullMQ on Redis, or in-process on the embedded default. */
export interface JobQueue {
  add(job: QueuedJob): Promise<void>;
  /** Several jobs in one round trip, where the queue can (all or none reported; ids keep retries idempotent). */
  addMany?(jobs: QueuedJob[]): Promise<void>;
  /** Jobs waiting or running. */
  depth(): Promise<number>;
  close(): Promise<void>;
  /** Jobs that failed for good and sit in the dead-letter queue. */
  deadLetterCount?(): Promise<number>;
}

export type JobHandler = (job: QueuedJob) => Promise<void>;

/** Adds jobs in one call when the queue supports it, one by one otherwise. */
export async function addJobs(queue: JobQueue, jobs: QueuedJob[]): Promise<void> {
  if (jobs.length === 0) return;
  if (queue.addMany) return queue.addMany(jobs);
  await Promise.all(jobs.map((job) => queue.add(job)));
}
