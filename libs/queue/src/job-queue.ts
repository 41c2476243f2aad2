import type { QueuedJob } from './jobs';

/** Where the gateway puts work for the workers: BullMQ on Redis, or in-process on the embedded default. */
export interface JobQueue {
  add(job: QueuedJob): Promise<void>;
  /** Jobs waiting or running. */
  depth(): Promise<number>;
  close(): Promise<void>;
  /** Jobs that failed for good and sit in the dead-letter queue. */
  deadLetterCount?(): Promise<number>;
}

export type JobHandler = (job: QueuedJob) => Promise<void>;
