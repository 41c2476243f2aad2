import type { NewRequestRow, RequestRecordRepository } from '../../../../libs/storage/src';
import type { JobQueue, QueuedJob } from '../../../../libs/queue/src';

export interface PendingRecord {
  row: NewRequestRow;
  /** The scoring job to enqueue once the record is written; none for failed requests. */
  job?: QueuedJob;
}

/**
 * Keeps database and queue writes off the request path: records are buffered and written in
 * batches shortly after their responses, then their scoring jobs are enqueued. A failed write is
 * retried with the batch; nothing is dropped while the process lives.
 */
export class RecordWriter {
  private buffer: PendingRecord[] = [];
  private timer?: NodeJS.Timeout;
  private flushing?: Promise<void>;
  private readonly ids = new Set<string>();

  constructor(
    private readonly repository: RequestRecordRepository,
    private readonly queue: JobQueue,
    private readonly options: { flushMs: number; maxBatch?: number; onWritten?: (rows: NewRequestRow[]) => Promise<void> | void; onError?: (err: unknown) => void },
  ) {}

  add(record: PendingRecord): void {
    this.buffer.push(record);
    this.ids.add(record.row.id);
    if (this.buffer.length >= (this.options.maxBatch ?? 200)) void this.flush();
    else if (!this.timer) {
      this.timer = setTimeout(() => void this.flush(), this.options.flushMs);
      this.timer.unref();
    }
  }

  /** True while a record is buffered and not yet written. */
  isPending(id: string): boolean {
    return this.ids.has(id);
  }

  get pendingCount(): number {
    return this.buffer.length;
  }

  async flush(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    if (this.flushing) {
      await this.flushing;
      if (this.buffer.length > 0) return this.flush();
      return;
    }
    if (this.buffer.length === 0) return;
    const batch = this.buffer;
    this.buffer = [];
    this.flushing = this.write(batch).finally(() => {
      this.flushing = undefined;
    });
    return this.flushing;
  }

  private async write(batch: PendingRecord[]): Promise<void> {
    try {
      await this.repository.insertBatch(batch.map((r) => r.row));
    } catch (err) {
      this.options.onError?.(err);
      this.buffer = batch.concat(this.buffer);
      this.scheduleRetry();
      return;
    }
    for (const r of batch) this.ids.delete(r.row.id);
    await this.options.onWritten?.(batch.map((r) => r.row));
    const failed: PendingRecord[] = [];
    await Promise.all(
      batch.map(async (r) => {
        if (!r.job) return;
        try {
          await this.queue.add(r.job);
        } catch (err) {
          this.options.onError?.(err);
          failed.push({ row: r.row, job: r.job });
        }
      }),
    );
    // The record is written (re-inserting it is a no-op); only the job needs another try.
    if (failed.length > 0) {
      this.buffer = failed.concat(this.buffer);
      this.scheduleRetry();
    }
  }

  private scheduleRetry(): void {
    if (this.timer) return;
    this.timer = setTimeout(() => void this.flush(), Math.max(this.options.flushMs, 1000));
    this.timer.unref();
  }
}
