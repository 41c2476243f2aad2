import { withTimeout } from '../../core/src/with-timeout';
import { FileSpool } from '../../spool/src';
import { addJobs, type JobQueue } from './job-queue';
import { jobId, type QueuedJob } from './jobs';

export interface SpoolingJobQueueOptions {
  /** Where jobs wait while the queue is unreachable (an append-only file under DATA_DIR). */
  spoolPath: string;
  /** How long one `add` may take before the job is spooled instead. */
  addTimeoutMs?: number;
  /** How often spooled jobs are retried. */
  replayMs?: number;
  /** Bound on spooled jobs; beyond it the oldest are dropped (counted in `status().dropped`). */
  maxSpooled?: number;
  log?: (level: 'info' | 'warn' | 'error', message: string, fields?: Record<string, unknown>) => void;
}

export interface QueueStatus {
  /** False while jobs wait in the spool because the queue did not accept them. */
  reachable: boolean;
  spooled: number;
  dropped: number;
}

function isQueuedJob(value: unknown): value is QueuedJob {
  const v = value as { name?: unknown; data?: { requestId?: unknown } } | null;
  return typeof v === 'object' && v !== null && (v.name === 'score-response' || v.name === 'apply-feedback') && typeof v.data?.requestId === 'string';
}

/**
 * A queue in front of another (BullMQ on Redis) that never makes its caller wait on it: an `add`
 * that fails or takes longer than `addTimeoutMs` puts the job in a local journal instead, and the
 * journal is replayed, oldest first, once the queue answers again. While anything is spooled, new
 * jobs go to the spool too (keeping their order and sparing callers the timeout). Jobs have
 * deterministic ids and the worker is idempotent per request, so a job that did reach Redis before
 * its `add` timed out and is replayed again counts once.
 */
export class SpoolingJobQueue implements JobQueue {
  private readonly spooled = new Map<string, QueuedJob>();
  private readonly spool: FileSpool<QueuedJob>;
  private timer?: NodeJS.Timeout;
  private replaying?: Promise<void>;
  private dropped = 0;
  private closed = false;
  private probeOk = true;

  constructor(
    private readonly inner: JobQueue,
    private readonly options: SpoolingJobQueueOptions,
  ) {
    const { spool, recovered } = FileSpool.open<QueuedJob>(
      { path: options.spoolPath, onError: (err) => options.log?.('error', 'could not write the local spool of scoring jobs', { error: (err as Error).message }) },
      isQueuedJob,
    );
    this.spool = spool;
    for (const job of recovered) this.spooled.set(jobId(job), job);
    if (recovered.length > 0) {
      options.log?.('info', 'replaying scoring jobs spooled by a previous run', { jobs: this.spooled.size });
      this.scheduleReplay(0);
    }
  }

  async add(job: QueuedJob): Promise<void> {
    if (this.closed) throw new Error('queue is closed');
    if (this.spooled.size > 0) return this.toSpool([job]);
    try {
      await withTimeout(this.inner.add(job), this.options.addTimeoutMs ?? 1000, 'enqueue');
    } catch (err) {
      this.options.log?.('warn', 'queue unreachable; spooling scoring jobs locally', { error: (err as Error).message });
      this.toSpool([job]);
    }
  }

  /** Like `add` for a batch: one call to the queue, or all of them to the spool. */
  async addMany(jobs: QueuedJob[]): Promise<void> {
    if (this.closed) throw new Error('queue is closed');
    if (jobs.length === 0) return;
    if (this.spooled.size > 0) return this.toSpool(jobs);
    try {
      await withTimeout(addJobs(this.inner, jobs), this.options.addTimeoutMs ?? 1000, 'enqueue');
    } catch (err) {
      this.options.log?.('warn', 'queue unreachable; spooling scoring jobs locally', { error: (err as Error).message });
      this.toSpool(jobs);
    }
  }

  status(): QueueStatus {
    return { reachable: this.spooled.size === 0 && this.probeOk, spooled: this.spooled.size, dropped: this.dropped };
  }

  /** Asks the queue something cheap, so an outage shows in `status()` even without traffic. */
  async probe(): Promise<boolean> {
    try {
      await withTimeout(this.inner.depth(), this.options.addTimeoutMs ?? 1000, 'queue probe');
      this.probeOk = true;
      if (this.spooled.size > 0) void this.replay();
    } catch {
      this.probeOk = false;
    }
    return this.probeOk;
  }

  async depth(): Promise<number> {
    let inner = 0;
    try {
      inner = await withTimeout(this.inner.depth(), this.options.addTimeoutMs ?? 1000, 'queue depth');
    } catch {
      /* unknown while unreachable; the spool still counts */
    }
    return inner + this.spooled.size;
  }

  async deadLetterCount(): Promise<number> {
    if (!this.inner.deadLetterCount) return 0;
    return withTimeout(this.inner.deadLetterCount(), this.options.addTimeoutMs ?? 1000, 'dead-letter count');
  }

  /** Tries every spooled job once now; resolves when the round ends (some may remain spooled). */
  replay(): Promise<void> {
    this.replaying ??= this.replayRound().finally(() => {
      this.replaying = undefined;
    });
    return this.replaying;
  }

  /** Delivers what it can within one round, keeps the rest journaled on disk, then closes. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    clearTimeout(this.timer);
    if (this.spooled.size > 0) await this.replay();
    if (this.spooled.size > 0) this.options.log?.('warn', 'scoring jobs left in the local spool for the next start', { jobs: this.spooled.size });
    await this.spool.close();
    try {
      await withTimeout(this.inner.close(), (this.options.addTimeoutMs ?? 1000) * 3, 'queue close');
    } catch {
      /* the jobs are safe in the spool */
    }
  }

  private toSpool(jobs: QueuedJob[]): void {
    const fresh = jobs.filter((j) => !this.spooled.has(jobId(j)));
    for (const job of fresh) this.spooled.set(jobId(job), job);
    const max = this.options.maxSpooled ?? 100_000;
    while (this.spooled.size > max) {
      this.spooled.delete(this.spooled.keys().next().value as string);
      this.dropped++;
    }
    this.spool.append(fresh);
    this.scheduleReplay(this.options.replayMs ?? 1000);
  }

  private scheduleReplay(ms: number): void {
    if (this.timer || this.closed) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.replay().then(() => {
        if (this.spooled.size > 0) this.scheduleReplay(this.options.replayMs ?? 1000);
      });
    }, ms);
    this.timer.unref();
  }

  private async replayRound(): Promise<void> {
    const timeoutMs = this.options.addTimeoutMs ?? 1000;
    // The oldest job first, alone, as a probe; once it goes through, the rest in parallel slices.
    let width = 1;
    while (this.spooled.size > 0) {
      const slice = [...this.spooled.entries()].slice(0, width);
      const results = await Promise.allSettled(slice.map(([, job]) => withTimeout(this.inner.add(job), timeoutMs, 'enqueue')));
      let delivered = 0;
      results.forEach((r, i) => {
        if (r.status === 'fulfilled') {
          this.spooled.delete(slice[i][0]);
          delivered++;
        }
      });
      if (delivered < slice.length) break;
      width = 200;
    }
    if (this.spooled.size === 0) {
      this.spool.clear();
      this.options.log?.('info', 'queue reachable again; spooled scoring jobs delivered');
    } else if (this.spool.journaled > 2 * this.spooled.size + 1000) {
      this.spool.rewrite([...this.spooled.values()]);
    }
  }
}
