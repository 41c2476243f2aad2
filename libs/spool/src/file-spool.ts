import { closeSync, existsSync, fsync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, writeSync, ftruncateSync } from 'node:fs';
import { dirname } from 'node:path';

export interface FileSpoolOptions {
  /** The journal file; its directory is created when missing. */
  path: string;
  /** How often appended lines are fsync'd; a crash loses at most this window of appends. */
  fsyncMs?: number;
}

/**
 * An append-only journal of entries not yet delivered, one JSON line each, fsync'd in batches.
 * The owner keeps its own in-memory copy and delivers from it: the file only matters after a crash,
 * when {@link FileSpool.open} hands back every entry still journaled (delivery is at least once, so
 * entries must be idempotent). When the owner has nothing left to deliver it calls {@link clear};
 * while it still holds some, {@link rewrite} compacts the file to just those.
 */
export class FileSpool<T> {
  private fd: number;
  private lines = 0;
  private dirty = false;
  private syncing?: Promise<void>;
  private timer?: NodeJS.Timeout;
  private closed = false;

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
    writeSync(this.fd, entries.map((e) => `${JSON.stringify(e)}\n`).join(''));
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

  /** Flushes appended lines to disk. */
  async sync(): Promise<void> {
    if (this.syncing) await this.syncing;
    if (!this.dirty || this.closed) return;
    this.dirty = false;
    const fd = this.fd;
    this.syncing = new Promise<void>((resolve) => fsync(fd, () => resolve())).finally(() => {
      this.syncing = undefined;
    });
    await this.syncing;
  }

  /**
   * Everything journaled has been delivered: empties the file. Not fsync'd: if the machine crashes
   * before the OS writes the truncation, delivered entries come back and are delivered again.
   */
  clear(): void {
    if (this.closed || this.lines === 0) return;
    ftruncateSync(this.fd, 0);
    this.lines = 0;
    this.dirty = false;
  }

  /** Replaces the file's content with `entries` (the ones still undelivered), atomically. */
  rewrite(entries: readonly T[]): void {
    if (this.closed) return;
    if (entries.length === 0) return this.clear();
    const tmp = `${this.options.path}.tmp`;
    const fd = openSync(tmp, 'w');
    try {
      writeSync(fd, entries.map((e) => `${JSON.stringify(e)}\n`).join(''));
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, this.options.path);
    closeSync(this.fd);
    this.fd = openSync(this.options.path, 'a');
    this.lines = entries.length;
    this.dirty = false;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    clearTimeout(this.timer);
    this.timer = undefined;
    if (this.syncing) await this.syncing;
    if (this.dirty) fsyncSync(this.fd);
    this.closed = true;
    closeSync(this.fd);
  }
}
