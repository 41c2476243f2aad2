import type { JobHandler, JobQueue } from './job-queue';
import { jobId, type QueuedJob } from './jobs';

/**
 * The embedded default's queue: the same jobs and handler as the BullMQ worker, run in this process
 * with the same at-most-once-per-id and retry-with-backoff behaviour.
 */
export class InProcessJobQueue implements JobQueue {
  private readonly seen = new Set<string>();
  private readonly pending = new Set<Promise<void>>();
  private running = 0;
  private readonly waiting: Array<() => void> = [];
  private closed = false;
  private dead = 0;

  constructor(
    private readonly handler: JobHandler,
    private readonly options: { concurrency: number; attempts?: number; baseDelayMs?: number; onError?: (job: QueuedJob, err: unknown) => void },
  ) {}

  async add(job: QueuedJob): Promise<void> {
    if (this.closed) throw new Error('queue is closed');
    const id = jobId(job);
    if (this.seen.has(id)) return;
    this.seen.add(id);
    if (this.seen.size > 100_000) this.seen.delete(this.seen.values().next().value as string);
    const run = this.run(job).finally(() => this.pending.delete(run));
    this.pending.add(run);
  }

  async depth(): Promise<number> {
    return this.pending.size;
  }

  /** Jobs that failed for good (poison or out of attempts) since start. */
  async deadLetterCount(): Promise<number> {
    return this.dead;
  }

  /** Waits for every accepted job to finish. */
  async drain(): Promise<void> {
    while (this.pending.size > 0) await Promise.allSettled([...this.pending]);
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.drain();
  }

  private async run(job: QueuedJob): Promise<void> {
    await this.slot();
    try {
      const attempts = this.options.attempts ?? 8;
      for (let attempt = 1; ; attempt++) {
        try {
          await this.handler(job);
          return;
        } catch (err) {
          if (attempt >= attempts || (err as { poison?: boolean }).poison) {
            this.dead++;
            this.options.onError?.(job, err);
            return;
          }
          await new Promise((r) => setTimeout(r, (this.options.baseDelayMs ?? 200) * 2 ** (attempt - 1)));
        }
      }
    } finally {
      this.running--;
      this.waiting.shift()?.();
    }
  }

  private async slot(): Promise<void> {
    if (this.running < this.options.concurrency) {
      this.running++;
      return;
    }
    await new Promise<void>((resolve) => this.waiting.push(resolve));
    this.running++;
  }
}
