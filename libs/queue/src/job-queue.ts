import type { QueuedJob } from './jobs';

/** Where the gateway puts work for the workers: BullMQ on Redis, or in-process on the embedded default. */
export interface JobQueue {
  add(job: QueuedJob): Promise<void>;
  /** Jobs waiting or running. */
  depth(): Promise<number>;
  close(): Promise<void>;
}

export type JobHandler = (job: QueuedJob) => Promise<void>;
