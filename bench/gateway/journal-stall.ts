import { fsync, ftruncateSync, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FileSpool } from '../../libs/spool/src';
import { percentile } from './stats';

/**
 * How long the JavaScript thread is held by the record journal's file calls, in the pattern the
 * gateway makes them: a ~1 KB line appended every millisecond, an fsync 50 ms after the first unsynced
 * append, and the file emptied after every 20 appends (a written batch). First with synchronous calls
 * (the journal before session 6), then through FileSpool, which runs them on libuv's thread pool.
 * After `tsc -p tsconfig.build.json`: `node dist/bench/gateway/journal-stall.js [appends]`.
 */
const LINE = `${JSON.stringify({ row: { id: 'x'.repeat(36), body: 'y'.repeat(900) } })}\n`;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const micros = (from: bigint) => Number(process.hrtime.bigint() - from) / 1000;

async function synchronous(path: string, appends: number): Promise<{ append: number[]; clear: number[] }> {
  const fd = openSync(path, 'a');
  const append: number[] = [];
  const clear: number[] = [];
  let timer: NodeJS.Timeout | undefined;
  let syncing = false;
  for (let i = 1; i <= appends; i++) {
    let t = process.hrtime.bigint();
    writeSync(fd, LINE);
    append.push(micros(t));
    timer ??= setTimeout(() => {
      timer = undefined;
      if (syncing) return;
      syncing = true;
      fsync(fd, () => (syncing = false));
    }, 50);
    if (i % 20 === 0) {
      t = process.hrtime.bigint();
      ftruncateSync(fd, 0);
      clear.push(micros(t));
    }
    await sleep(1);
  }
  clearTimeout(timer);
  return { append, clear };
}

async function throughSpool(path: string, appends: number): Promise<{ append: number[]; clear: number[] }> {
  const { spool } = FileSpool.open<{ line: string }>({ path }, (v): v is { line: string } => typeof (v as { line?: unknown }).line === 'string');
  const append: number[] = [];
  const clear: number[] = [];
  const entry = { line: LINE };
  for (let i = 1; i <= appends; i++) {
    let t = process.hrtime.bigint();
    spool.append([entry]);
    append.push(micros(t));
    if (i % 20 === 0) {
      t = process.hrtime.bigint();
      spool.clear();
      clear.push(micros(t));
    }
    await sleep(1);
  }
  await spool.close();
  return { append, clear };
}

async function main(): Promise<void> {
  const appends = Number(process.argv[2] ?? 4000);
  const dir = mkdtempSync(join(tmpdir(), 'journal-stall-'));
  try {
    const rows: Array<[string, { append: number[]; clear: number[] }]> = [
      ['synchronous calls (before)', await synchronous(join(dir, 'sync.jsonl'), appends)],
      ['FileSpool (thread pool)', await throughSpool(join(dir, 'spool.jsonl'), appends)],
    ];
    console.log(`Journal calls on the JavaScript thread, ${appends} appends, emptied every 20 (us; ${tmpdir()})\n`);
    console.log('| journal | append p50 | append p99 | append max | empty p50 | empty p90 | empty p99 | empty max |');
    console.log('|---|---|---|---|---|---|---|---|');
    for (const [name, r] of rows) {
      const cells = [percentile(r.append, 50), percentile(r.append, 99), Math.max(...r.append), percentile(r.clear, 50), percentile(r.clear, 90), percentile(r.clear, 99), Math.max(...r.clear)];
      console.log(`| ${name} | ${cells.map((x) => x.toFixed(1)).join(' | ')} |`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

void main();
