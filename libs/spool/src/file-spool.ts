import { close, closeSync, existsSync, fsync, fsyncSync, ftruncate, mkdirSync, open, openSync, readFileSync, rename, write, writeFile } from 'node:fs';
import { dirname } from 'node:path';
import { promisify } from 'node:util';

const closeAsync = promisify(close);
const fsyncAsync = promisify(fsync);
const ftruncateAsync = promisify(ftruncate);
const openAsync = promisify(open);
const renameAsync = promisify(rename);
const writeAsync = promisify(write);
const writeFileAsync = promisify(writeFile);

export interface FileSpoolOptions {
  /** The journal file; its directory is created when missing. */
  path: string;
  /** How often appended lines are fsync'd; a crash loses at most this window of appends. */
  fsyncMs?: number;
  /** A write to the journal failed (disk full, say): the entries stay in the owner's memory only. */
  onError?: (err: unknown) => void;
}

/** Lines appended while the file operation before them was still running: written together. */
interface PendingLines {
  lines: string[];
}

/**
 * An append-only journal of entries not yet delivered, one JSON line each, fsync'd in batches.
 * The owner keeps its own in-memory copy and delivers from it: the file only matters after a crash,
 * when {@link FileSpool.open} hands back every entry still journaled (delivery is at least once, so
 * entries must be idempotent). When the owner has nothing left to deliver it calls {@link clear};
 * while it still holds some, {@link rewrite} compacts the file to just those.
 *
 * The calls return at once: the file operations run on libuv's thread pool, one at a time, in call
 * order. A truncation waits for the disk while an fsync of the same file is being written back
 * (measured here: p90 3 ms, p99 13 ms), so a synchronous one stalled every request and stream on the
 * process's thread.
 */
export class FileSpool<T> {
  private fd: number;
  private lines = 0;
  private dirty = false;
  private syncing?: Promise<void>;
  private timer?: NodeJS.Timeout;
  private closed = false;
  /** The tail of the chain of file operations. */
  private tail: Promise<void> = Promise.resolve();
  /** Lines queued for a write that has not started yet; later appends join them. */
  private pending?: PendingLines;

  private constructor(
    private readonly options: FileSpoolOptions,
    fd: number,
    lines: number,
  ) {
    this.fd = fd;
    this.lines = lines;
  }

  /** Opens (or creates) the journal and returns what a previous process left undelivered. */
  static open<T>(options: FileSpoolOptions, isEntry: (value: unknown) => value is T): { spool: FileSpool<T>; recovered: T[] } {
    mkdirSync(dirname(options.path), { recursive: true });
    const recovered: T[] = [];
    if (existsSync(options.path)) {
      for (const line of readFileSync(options.path, 'utf8').split('\n')) {
        if (!line) continue;
        try {
          const value: unknown = JSON.parse(line);
          if (isEntry(value)) recovered.push(value);
        } catch {
          /* a torn last line from a crash mid-write: it was never acknowledged to anyone */
        }
      }
    }
    const fd = openSync(options.path, 'a');
    return { spool: new FileSpool<T>(options, fd, recovered.length), recovered };
  }

  /** Lines in the file (appended entries, including ones delivered since the last clear). */
  get journaled(): number {
    return this.lines;
  }

  append(entries: readonly T[]): void {
    if (this.closed || entries.length === 0) return;
    const text = entries.map((e) => `${JSON.stringify(e)}\n`).join('');
    if (this.pending) this.pending.lines.push(text);
    else {
      const pending: PendingLines = { lines: [text] };
      this.pending = pending;
      this.enqueue(async () => {
        if (this.pending === pending) this.pending = undefined;
        if (pending.lines.length > 0) await writeAll(this.fd, Buffer.from(pending.lines.join('')));
      });
    }
    this.lines += entries.length;
    this.dirty = true;
    if (!this.timer) {
      this.timer = setTimeout(() => {
        this.timer = undefined;
        void this.sync();
      }, this.options.fsyncMs ?? 50);
      this.timer.unref();
    }
  }

  /** Flushes appended lines to disk (after the file operations asked for so far). */
  async sync(): Promise<void> {
    await this.settled();
    if (this.syncing) await this.syncing;
    if (!this.dirty || this.closed) return;
    this.dirty = false;
    this.syncing = fsyncAsync(this.fd)
      .catch((err: unknown) => this.options.onError?.(err))
      .finally(() => {
        this.syncing = undefined;
      });
    await this.syncing;
  }

  /** Resolves when every file operation asked for so far, and any asked for meanwhile, has ended. */
  async settled(): Promise<void> {
    let tail: Promise<void>;
    do {
      tail = this.tail;
      await tail;
    } while (tail !== this.tail);
  }

  /**
   * Everything journaled has been delivered: empties the file. Not fsync'd: if the machine crashes
   * before the OS writes the truncation, delivered entries come back and are delivered again.
   */
  clear(): void {
    if (this.closed || this.lines === 0) return;
    this.dropPending();
    this.lines = 0;
    this.dirty = false;
    this.enqueue(() => ftruncateAsync(this.fd, 0));
  }

  /** Replaces the file's content with `entries` (the ones still undelivered), atomically. */
  rewrite(entries: readonly T[]): void {
    if (this.closed) return;
    if (entries.length === 0) return this.clear();
    this.dropPending();
    this.lines = entries.length;
    this.dirty = false;
    const text = entries.map((e) => `${JSON.stringify(e)}\n`).join('');
    this.enqueue(async () => {
      const tmp = `${this.options.path}.tmp`;
      await writeFileAsync(tmp, text, { flush: true });
      await renameAsync(tmp, this.options.path);
      if (this.syncing) await this.syncing; // an fsync in flight still holds the old descriptor
      const old = this.fd;
      this.fd = await openAsync(this.options.path, 'a');
      await closeAsync(old);
    });
  }

  async close(): Promise<void> {
    if (this.closed) return;
    clearTimeout(this.timer);
    this.timer = undefined;
    await this.settled();
    if (this.syncing) await this.syncing;
    if (this.dirty) fsyncSync(this.fd);
    this.closed = true;
    closeSync(this.fd);
  }

  /** Runs `operation` after every operation asked for before it; a failure is reported, not thrown. */
  private enqueue(operation: () => Promise<unknown>): void {
    this.tail = this.tail.then(operation).then(
      () => undefined,
      (err: unknown) => this.options.onError?.(err),
    );
  }

  /** The owner has delivered everything appended so far: lines not yet written need not be. */
  private dropPending(): void {
    if (!this.pending) return;
    this.pending.lines.length = 0;
    this.pending = undefined;
  }
}

async function writeAll(fd: number, data: Buffer): Promise<void> {
  let offset = 0;
  while (offset < data.length) {
    const { bytesWritten } = await writeAsync(fd, data, offset, data.length - offset);
    offset += bytesWritten;
  }
}
