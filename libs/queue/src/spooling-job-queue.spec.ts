import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { JobQueue } from './job-queue';
import type { QueuedJob } from './jobs';
import { SpoolingJobQueue } from './spooling-job-queue';

function feedback(requestId: string): QueuedJob {
  return { name: 'apply-feedback', data: { requestId, score: 1, comment: null, at: '2026-01-01T00:00:00.000Z' } };
}

/** A queue whose availability the test switches: 'up', 'down' (rejects) or 'hung' (never answers). */
class SwitchableQueue implements JobQueue {
  mode: 'up' | 'down' | 'hung' = 'up';
  readonly added: string[] = [];
  async add(job: QueuedJob): Promise<void> {
    if (this.mode === 'down') throw new Error('connection refused');
    if (this.mode === 'hung') return new Promise<void>(() => undefined);
    this.added.push(job.data.requestId);
  }
  async depth(): Promise<number> {
    if (this.mode !== 'up') throw new Error('unreachable');
    return 0;
  }
  async close(): Promise<void> {}
}

describe('SpoolingJobQueue', () => {
  const spoolPath = () => join(mkdtempSync(join(tmpdir(), 'jobs-')), 'jobs.jsonl');

  it('passes jobs through while the queue answers', async () => {
    const inner = new SwitchableQueue();
    const queue = new SpoolingJobQueue(inner, { spoolPath: spoolPath() });
    await queue.add(feedback('r1'));
    expect(inner.added).toEqual(['r1']);
    expect(queue.status()).toEqual({ reachable: true, spooled: 0, dropped: 0 });
    await queue.close();
  });

  it('spools when the queue fails or hangs, then replays in order once it answers', async () => {
    const inner = new SwitchableQueue();
    const queue = new SpoolingJobQueue(inner, { spoolPath: spoolPath(), addTimeoutMs: 20, replayMs: 60_000 });
    inner.mode = 'hung';
    await queue.add(feedback('r1'));
    inner.mode = 'down';
    await queue.add(feedback('r2'));
    await queue.add(feedback('r3'));
    expect(queue.status()).toMatchObject({ reachable: false, spooled: 3 });
    await queue.replay();
    expect(queue.status().spooled).toBe(3);
    inner.mode = 'up';
    await queue.replay();
    expect(inner.added).toEqual(['r1', 'r2', 'r3']);
    expect(queue.status()).toEqual({ reachable: true, spooled: 0, dropped: 0 });
    await queue.close();
  });

  it('keeps spooled jobs on disk across a restart', async () => {
    const path = spoolPath();
    const down = new SwitchableQueue();
    down.mode = 'down';
    const first = new SpoolingJobQueue(down, { spoolPath: path, addTimeoutMs: 20, replayMs: 60_000 });
    await first.add(feedback('r1'));
    await first.add(feedback('r2'));
    await first.close();
    const up = new SwitchableQueue();
    const second = new SpoolingJobQueue(up, { spoolPath: path, addTimeoutMs: 20, replayMs: 60_000 });
    expect(second.status().spooled).toBe(2);
    await second.replay();
    expect(up.added).toEqual(['r1', 'r2']);
    await second.close();
    const third = new SpoolingJobQueue(new SwitchableQueue(), { spoolPath: path });
    expect(third.status().spooled).toBe(0);
    await third.close();
  });

  it('bounds the spool and counts what it drops', async () => {
    const inner = new SwitchableQueue();
    inner.mode = 'down';
    const queue = new SpoolingJobQueue(inner, { spoolPath: spoolPath(), addTimeoutMs: 20, replayMs: 60_000, maxSpooled: 2 });
    for (const id of ['r1', 'r2', 'r3']) await queue.add(feedback(id));
    expect(queue.status()).toMatchObject({ spooled: 2, dropped: 1 });
    inner.mode = 'up';
    await queue.replay();
    expect(inner.added).toEqual(['r2', 'r3']);
    await queue.close();
  });

  it('a probe notices an outage without traffic', async () => {
    const inner = new SwitchableQueue();
    const queue = new SpoolingJobQueue(inner, { spoolPath: spoolPath(), addTimeoutMs: 20 });
    inner.mode = 'down';
    expect(await queue.probe()).toBe(false);
    expect(queue.status().reachable).toBe(false);
    inner.mode = 'up';
    expect(await queue.probe()).toBe(true);
    await queue.close();
  });
});
