import type { NewRequestRow, RequestKind, RequestRecordRepository } from '../../../../libs/storage/src';
import type { RecordSpend } from '../../../../libs/storage/src/repositories/spend-ledger.repository';
import { withTimeout } from '../../../../libs/core/src';
import { addJobs, type JobQueue, type QueuedJob } from '../../../../libs/queue/src';
import { FileSpool } from '../../../../libs/spool/src';

export interface PendingRecord {
  row: NewRequestRow;
  /** The scoring job to enqueue once the record is written; none for failed requests. */
  job?: QueuedJob;
  /** The request's spend entry for the ledger, written with the record (and journaled with it). */
  spend?: RecordSpend;
}

export interface RecordWriterOptions {
  flushMs: number;
  maxBatch?: number;
  /** A write that takes longer counts as failed (the rows stay pending and are retried). */
  writeTimeoutMs?: number;
  /** Bound on records held while the database is unreachable; beyond it the oldest are dropped and counted. */
  maxPending?: number;
  /**
   * A journal file for records not yet written: every record is appended when it is added and the
   * file is emptied once everything is written, so a crash or a restart during a database outage
   * loses nothing that was journaled. Without it, pending records live in memory only.
   */
  spoolPath?: string;
  onWritten?: (rows: NewRequestRow[]) => Promise<void> | void;
  onError?: (err: unknown) => void;
}

export interface RecordWriterStatus {
  /** False after a failed or timed-out write, until a write succeeds again. */
  reachable: boolean;
  /** Records accepted and not yet written. */
  pending: number;
  /** Records dropped because `maxPending` was exceeded during an outage. */
  dropped: number;
  lastError: string | null;
}

/** A hung database holds a pooled connection per timed-out write; past this many, writes wait. */
const MAX_OUTSTANDING_WRITES = 3;

function isPendingRecord(value: unknown): value is PendingRecord {
  const v = value as { row?: { id?: unknown } } | null;
  return typeof v === 'object' && v !== null && typeof v.row?.id === 'string';
}

/**
 * Keeps database and queue writes off the request path: records are buffered and written in
 * batches shortly after their responses, then their scoring jobs are enqueued. A failed or slow
 * write is retried with the batch (with a few hung writes outstanding at most); records wait in a bounded
 * buffer mirrored to a journal on disk (when `spoolPath` is set) and are replayed from it on the
 * next start. Writes are idempotent per request id, so a replayed record never counts twice.
 */
export class RecordWriter {
  private buffer: PendingRecord[] = [];
  /** Records of the batch being written now (taken out of `buffer`, not written yet). */
  private writing = 0;
  private timer?: NodeJS.Timeout;
  private flushing?: Promise<void>;
  /** Timed-out inserts that have not settled yet (each may hold a pooled connection). */
  private readonly outstanding = new Set<Promise<unknown>>();
  /**
   * Ids of the records not yet written, with their kind (feedback tells an embeddings call apart before it is written).
   * A row without `kind` is a chat record, as the column's default says: the row type is the insert type, where
   * `kind` is optional, and a journal written before the column existed (20261206T200000-request-kind) has none.
   */
  private readonly ids = new Map<string, RequestKind>();
  private readonly spool?: FileSpool<PendingRecord>;
  private toJournal: PendingRecord[] = [];
  private journalScheduled = false;
  private reachable = true;
  private lastError: string | null = null;
  private dropped = 0;
  private closed = false;

  constructor(
    private readonly repository: RequestRecordRepository,
    private readonly queue: JobQueue,
    private readonly options: RecordWriterOptions,
  ) {
    if (options.spoolPath) {
      const { spool, recovered } = FileSpool.open<PendingRecord>(
        // A journal write failed (disk full, say): those records are still held in memory and written as usual.
        { path: options.spoolPath, onError: (err) => options.onError?.(new Error(`record journal ${options.spoolPath}: ${(err as Error).message}`)) },
        isPendingRecord,
      );
      this.spool = spool;
      const seen = new Set<string>();
      for (const record of recovered) {
        if (seen.has(record.row.id)) continue;
        seen.add(record.row.id);
        this.buffer.push(record);
        this.ids.set(record.row.id, record.row.kind ?? 'chat');
      }
      if (this.buffer.length > 0) this.scheduleRetry(0);
    }
  }

  add(record: PendingRecord): void {
    if (this.closed) {
      this.options.onError?.(new Error(`record ${record.row.id} arrived after the writer closed`));
      return;
    }
    this.buffer.push(record);
    this.ids.set(record.row.id, record.row.kind ?? 'chat');
    this.journal(record);
    const max = this.options.maxPending ?? 100_000;
    while (this.buffer.length > max) {
      const oldest = this.buffer.shift()!;
      this.ids.delete(oldest.row.id);
      this.dropped++;
    }
    if (this.buffer.length >= (this.options.maxBatch ?? 200) && this.reachable) void this.flush();
    else if (!this.timer) {
      this.timer = setTimeout(() => void this.flush(), this.reachable ? this.options.flushMs : this.retryMs);
      this.timer.unref();
    }
  }

  /** True while a record is buffered and not yet written. */
  isPending(id: string): boolean {
    return this.ids.has(id);
  }

  /** The kind of a record not yet written; undefined when none with this id is pending. */
  pendingKind(id: string): RequestKind | undefined {
    return this.ids.get(id);
  }

  /** Records accepted and not written yet, the batch being written included. */
  get pendingCount(): number {
    return this.buffer.length + this.writing;
  }

  status(): RecordWriterStatus {
    return { reachable: this.reachable, pending: this.pendingCount, dropped: this.dropped, lastError: this.lastError };
  }

  /** Writes what is buffered; resolves when that write ends (records stay pending if it failed). */
  async flush(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    if (this.flushing) {
      // The flush in flight may go straight on to write what came meanwhile (these records among them): wait for every write.
      while (this.flushing) await this.flushing;
      if (this.buffer.length > 0 && this.reachable) return this.flush();
      return;
    }
    if (this.buffer.length === 0) return;
    const batch = this.buffer.splice(0, this.options.maxBatch ?? 200);
    this.flushing = this.write(batch).finally(() => {
      this.flushing = undefined;
    });
    await this.flushing;
    if (this.buffer.length > 0 && this.reachable) return this.flush();
  }

  /** A last flush, then the journal is synced: records still unwritten wait in it for the next start. */
  async close(): Promise<void> {
    if (this.closed) return;
    // A flush started by `add` may still be writing when this one finds the buffer empty: wait for
    // every write to end, or the database and queue would close under it.
    do await this.flush();
    while (this.flushing || (this.buffer.length > 0 && this.reachable));
    this.closed = true;
    clearTimeout(this.timer);
    this.timer = undefined;
    this.writeJournal();
    await this.spool?.close();
  }

  private get retryMs(): number {
    return Math.max(this.options.flushMs, 1000);
  }

  private async write(batch: PendingRecord[]): Promise<void> {
    this.writing = batch.length;
    try {
      if (this.outstanding.size >= MAX_OUTSTANDING_WRITES) throw new Error(`${this.outstanding.size} record writes are still waiting on the database`);
      const insert = this.repository.insertBatch(
        batch.map((r) => r.row),
        batch.map((r) => r.spend),
      );
      this.outstanding.add(insert);
      const settled = () => void this.outstanding.delete(insert);
      insert.then(settled, settled);
      await withTimeout(insert, this.options.writeTimeoutMs ?? 5000, 'record write');
    } catch (err) {
      this.writing = 0;
      this.reachable = false;
      this.lastError = (err as Error).message;
      this.options.onError?.(err);
      this.buffer = batch.concat(this.buffer);
      this.scheduleRetry(this.retryMs);
      return;
    }
    this.writing = 0;
    this.reachable = true;
    this.lastError = null;
    for (const r of batch) this.ids.delete(r.row.id);
    try {
      await withTimeout(Promise.resolve(this.options.onWritten?.(batch.map((r) => r.row))), this.options.writeTimeoutMs ?? 5000, 'after-write hook');
    } catch (err) {
      this.options.onError?.(err);
    }
    // The batch's scoring jobs go to the queue in one call; if it fails they are all tried again
    // (job ids are deterministic, so one that did get through is not queued twice).
    let failed: PendingRecord[] = [];
    const withJobs = batch.filter((r) => r.job);
    try {
      await addJobs(this.queue, withJobs.map((r) => r.job!));
    } catch (err) {
      this.options.onError?.(err);
      failed = withJobs.map((r) => ({ row: r.row, job: r.job }));
    }
    // The record is written (re-inserting it is a no-op); only the job needs another try.
    if (failed.length > 0) {
      for (const r of failed) this.ids.set(r.row.id, r.row.kind ?? 'chat');
      this.buffer = failed.concat(this.buffer);
      this.scheduleRetry(this.retryMs);
    }
    if (this.buffer.length === 0 && this.toJournal.length === 0) this.spool?.clear();
    else if (this.spool && this.spool.journaled > 2 * this.buffer.length + 10_000) {
      this.toJournal = [];
      this.spool.rewrite(this.buffer);
    }
  }

  /** Records added in one turn of the event loop go to the journal in one append. */
  private journal(record: PendingRecord): void {
    if (!this.spool) return;
    this.toJournal.push(record);
    if (this.journalScheduled) return;
    this.journalScheduled = true;
    setImmediate(() => this.writeJournal());
  }

  private writeJournal(): void {
    this.journalScheduled = false;
    if (this.toJournal.length === 0) return;
    const entries = this.toJournal;
    this.toJournal = [];
    this.spool?.append(entries);
  }

  private scheduleRetry(ms: number): void {
    if (this.timer || this.closed) return;
    this.timer = setTimeout(() => void this.flush(), ms);
    this.timer.unref();
  }
}
