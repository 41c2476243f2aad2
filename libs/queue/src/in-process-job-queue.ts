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

  /**
   * Stops taking jobs and lets the accepted ones finish. A job waiting to retry gets one last try at
   * once instead of sleeping through its backoff, so shutdown takes at most one more attempt per job.
   */
  async close(): Promise<void> {
    this.closed = true;
    for (const wake of this.sleepers) wake();
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
          if (attempt >= attempts || this.closed || (err as { poison?: boolean }).poison) {
            this.dead++;
            this.options.onError?.(job, err);
            return;
          }
          await this.sleep((this.options.baseDelayMs ?? 200) * 2 ** (attempt - 1));
        }
      }
    } finally {
      this.running--;
      this.waiting.shift()?.();
    }
  }

  private readonly sleepers = new Set<() => void>();

  /** A backoff pause that close() can cut short. */
  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const wake = () => {
        clearTimeout(timer);
        this.sleepers.delete(wake);
        resolve();
      };
      const timer = setTimeout(wake, ms);
      this.sleepers.add(wake);
    });
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
