import type { LedgerEntry, SpendLedgerRepository } from '../../../../libs/storage/src/repositories/spend-ledger.repository';

/**
 * Keeps ledger writes off the request path: entries are appended in batches shortly after their
 * requests finish; a failed batch is retried, nothing is dropped while the process lives.
 */
export class LedgerWriter {
  private buffer: LedgerEntry[] = [];
  private timer?: NodeJS.Timeout;
  private flushing?: Promise<void>;

  constructor(
    private readonly repository: SpendLedgerRepository,
    private readonly options: { flushMs: number; onError?: (err: unknown) => void },
  ) {}

  add(entry: LedgerEntry): void {
    this.buffer.push(entry);
    if (this.buffer.length >= 500) void this.flush();
    else if (!this.timer) {
      this.timer = setTimeout(() => void this.flush(), this.options.flushMs);
      this.timer.unref();
    }
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
    this.flushing = this.repository
      .append(batch)
      .then(() => undefined)
      .catch((err: unknown) => {
        this.options.onError?.(err);
        this.buffer = batch.concat(this.buffer);
        if (!this.timer) {
          this.timer = setTimeout(() => void this.flush(), Math.max(this.options.flushMs, 1000));
          this.timer.unref();
        }
      })
      .finally(() => {
        this.flushing = undefined;
      });
    return this.flushing;
  }
}
