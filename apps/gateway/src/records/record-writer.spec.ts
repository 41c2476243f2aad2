import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { JobQueue, QueuedJob } from '../../../../libs/queue/src';
import type { NewRequestRow, RequestRecordRepository } from '../../../../libs/storage/src';
import { RecordWriter } from './record-writer';

function row(id: string): NewRequestRow {
  return { id, created_at: new Date('2026-01-01T00:00:00Z'), route: 'auto', model_id: 'm', provider_id: 'p', key_id: null, status: 'success', http_status: 200,
    error_type: null, error_message: null, streamed: false, prompt_tokens: 1, completion_tokens: 1, cached_tokens: 0, cost_usd: 0.001, latency_ms: 1,
    ttft_ms: null, finish_reason: 'stop', decision_reason: null, attempts: '[]' };
}

/** A repository whose database the test switches between up, down (rejects) and hung (never answers). */
class FakeRepository {
  mode: 'up' | 'down' | 'hung' = 'up';
  readonly written = new Set<string>();
  insertBatch(rows: NewRequestRow[]): Promise<number> {
    if (this.mode === 'down') return Promise.reject(new Error('ECONNREFUSED'));
    if (this.mode === 'hung') return new Promise(() => undefined);
    for (const r of rows) this.written.add(r.id);
    return Promise.resolve(rows.length);
  }
}

class ListQueue implements JobQueue {
  readonly jobs: string[] = [];
  async add(job: QueuedJob) {
    this.jobs.push(job.data.requestId);
  }
  async depth() {
    return 0;
  }
  async close() {}
}

const job = (id: string): QueuedJob => ({ name: 'apply-feedback', data: { requestId: id, score: 1, comment: null, at: '2026-01-01T00:00:00.000Z' } });

describe('RecordWriter', () => {
  const spoolPath = () => join(mkdtempSync(join(tmpdir(), 'records-')), 'records.jsonl');

  it('writes records, then enqueues their jobs', async () => {
    const repo = new FakeRepository();
    const queue = new ListQueue();
    const writer = new RecordWriter(repo as unknown as RequestRecordRepository, queue, { flushMs: 10_000, spoolPath: spoolPath() });
    writer.add({ row: row('a'), job: job('a') });
    writer.add({ row: row('b') });
    expect(writer.isPending('a')).toBe(true);
    await writer.flush();
    expect([...repo.written]).toEqual(['a', 'b']);
    expect(queue.jobs).toEqual(['a']);
    expect(writer.status()).toEqual({ reachable: true, pending: 0, dropped: 0, lastError: null });
    await writer.close();
  });

  it('close waits for a write that an add started while another was under way', async () => {
    // Each insert resolves on the next macrotask, so two writes overlap the way they do under load.
    const written: string[] = [];
    const slow = { insertBatch: (rows: NewRequestRow[]) => new Promise<number>((ok) => setTimeout(() => ok(written.push(...rows.map((r) => r.id))), 5)) };
    const writer = new RecordWriter(slow as unknown as RequestRecordRepository, new ListQueue(), { flushMs: 10_000, maxBatch: 2, spoolPath: spoolPath() });
    writer.add({ row: row('a') });
    writer.add({ row: row('b') }); // a full batch: its write starts
    writer.add({ row: row('c') });
    writer.add({ row: row('d') }); // another full batch: waits for the first write, then writes
    await writer.close();
    expect(written.sort()).toEqual(['a', 'b', 'c', 'd']);
    expect(writer.pendingCount).toBe(0);
  });

  it('flush returns once the records added before it are written, when the flush in flight goes on to write them', async () => {
    const written: string[] = [];
    const slow = { insertBatch: (rows: NewRequestRow[]) => new Promise<number>((ok) => setTimeout(() => ok(written.push(...rows.map((r) => r.id))), 5)) };
    const writer = new RecordWriter(slow as unknown as RequestRecordRepository, new ListQueue(), { flushMs: 10_000, spoolPath: spoolPath() });
    writer.add({ row: row('a') });
    const first = writer.flush(); // writes [a]; once done, it goes on with what came meanwhile
    writer.add({ row: row('b') });
    await writer.flush(); // waits for [a], then for the write of [b] the first flush started
    expect(written.sort()).toEqual(['a', 'b']);
    expect(writer.isPending('b')).toBe(false);
    await first;
    await writer.close();
  });

  it('keeps records while the database is down or hung, reports it, and writes them once it is back', async () => {
    const repo = new FakeRepository();
    const writer = new RecordWriter(repo as unknown as RequestRecordRepository, new ListQueue(), { flushMs: 10_000, writeTimeoutMs: 20, spoolPath: spoolPath() });
    repo.mode = 'hung';
    writer.add({ row: row('a') });
    await writer.flush();
    expect(writer.status()).toMatchObject({ reachable: false, pending: 1 });
    repo.mode = 'down';
    writer.add({ row: row('b') });
    await writer.flush();
    expect(writer.status()).toMatchObject({ reachable: false, pending: 2, lastError: expect.stringMatching(/took longer|ECONNREFUSED/) });
    repo.mode = 'up';
    await writer.flush();
    expect(writer.status()).toMatchObject({ reachable: true, pending: 0 });
    expect([...repo.written].sort()).toEqual(['a', 'b']);
    await writer.close();
  });

  it('counts the batch being written as pending while its write hangs', async () => {
    const repo = new FakeRepository();
    const writer = new RecordWriter(repo as unknown as RequestRecordRepository, new ListQueue(), { flushMs: 10_000, writeTimeoutMs: 200, spoolPath: spoolPath() });
    repo.mode = 'hung';
    writer.add({ row: row('a') });
    writer.add({ row: row('b') });
    const flushed = writer.flush();
    // The write is under way (taken out of the buffer, not written): still two records pending.
    expect(writer.status()).toMatchObject({ pending: 2 });
    await flushed;
    expect(writer.status()).toMatchObject({ reachable: false, pending: 2 });
    repo.mode = 'up';
    await writer.flush();
    expect(writer.status()).toMatchObject({ reachable: true, pending: 0 });
    await writer.close();
  });

  it('a new process replays the journal left by one that stopped during an outage', async () => {
    const path = spoolPath();
    const down = new FakeRepository();
    down.mode = 'down';
    const first = new RecordWriter(down as unknown as RequestRecordRepository, new ListQueue(), { flushMs: 10_000, writeTimeoutMs: 20, spoolPath: path });
    first.add({ row: row('a'), job: job('a') });
    first.add({ row: row('b') });
    await first.close();
    const up = new FakeRepository();
    const queue = new ListQueue();
    const second = new RecordWriter(up as unknown as RequestRecordRepository, queue, { flushMs: 10_000, spoolPath: path });
    expect(second.pendingCount).toBe(2);
    await second.flush();
    expect([...up.written]).toEqual(['a', 'b']);
    expect(queue.jobs).toEqual(['a']);
    await second.close();
    const third = new RecordWriter(up as unknown as RequestRecordRepository, queue, { flushMs: 10_000, spoolPath: path });
    expect(third.pendingCount).toBe(0);
    await third.close();
  });

  it('bounds what it holds during an outage and counts the drops', async () => {
    const repo = new FakeRepository();
    repo.mode = 'down';
    const writer = new RecordWriter(repo as unknown as RequestRecordRepository, new ListQueue(), { flushMs: 10_000, maxPending: 2 });
    for (const id of ['a', 'b', 'c']) writer.add({ row: row(id) });
    expect(writer.status()).toMatchObject({ pending: 2, dropped: 1 });
    expect(writer.isPending('a')).toBe(false);
    await writer.close();
  });
});
