import { InProcessJobQueue } from './in-process-job-queue';
import type { QueuedJob } from './jobs';

const job = (requestId: string): QueuedJob => ({ name: 'apply-feedback', data: { requestId, score: 1, comment: null, at: '2026-11-21T10:00:00.000Z' } });

describe('InProcessJobQueue', () => {
  it('runs each job id once and retries a failing job until it succeeds', async () => {
    const calls: string[] = [];
    let failuresLeft = 2;
    const queue = new InProcessJobQueue(
      async (j) => {
        calls.push(j.data.requestId);
        if (j.data.requestId === 'flaky' && failuresLeft-- > 0) throw new Error('transient');
      },
      { concurrency: 2, baseDelayMs: 1 },
    );
    await queue.add(job('a'));
    await queue.add(job('a'));
    await queue.add(job('flaky'));
    await queue.drain();
    expect(calls.filter((c) => c === 'a')).toHaveLength(1);
    expect(calls.filter((c) => c === 'flaky')).toHaveLength(3);
    expect(await queue.deadLetterCount()).toBe(0);
  });

  it('on close, gives a job waiting out a long backoff one last try at once', async () => {
    let tries = 0;
    const failed: string[] = [];
    const queue = new InProcessJobQueue(
      async () => {
        tries++;
        throw new Error('down');
      },
      { concurrency: 1, baseDelayMs: 3_600_000, onError: (j) => failed.push(j.data.requestId) },
    );
    await queue.add(job('x'));
    await new Promise((r) => setImmediate(r));
    await queue.close(); // would take an hour without the wake-up
    expect(tries).toBe(2);
    expect(failed).toEqual(['x']);
    await expect(queue.add(job('y'))).rejects.toThrow(/closed/);
  });
});
