import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Queue } from 'bullmq';
import { BullmqJobQueue, DeadLetterQueue, JOB_BATCH, redisConnection, SCORING_QUEUE, type QueuedJob } from '../../libs/queue/src';
import { ArmStatsRepository } from '../../libs/storage/src';
import { eventually } from '../support/stack';
import { createTestDatabase, REDIS_URL } from '../support/test-database';
import { startApp, type Child } from './support/child-process';
import { scoreJob } from './support/score-jobs';

/**
 * The gateway enqueues a record batch's scoring jobs as one BullMQ job. A worker process scores every
 * entry once, dead-letters a malformed entry alone, and the same batch enqueued again (a journal
 * replay) is neither queued nor counted twice.
 */
describe('scoring jobs enqueued as one batch', () => {
  let database: Awaited<ReturnType<typeof createTestDatabase>>;
  let producer: BullmqJobQueue;
  let raw: Queue;
  let deadLetters: DeadLetterQueue;
  let worker: Child;
  const prefix = `t${randomBytes(4).toString('hex')}`;

  beforeAll(async () => {
    database = await createTestDatabase();
    producer = new BullmqJobQueue(REDIS_URL, prefix);
    raw = new Queue(SCORING_QUEUE, { connection: redisConnection(REDIS_URL), prefix });
    deadLetters = new DeadLetterQueue(REDIS_URL, prefix);
    worker = startApp('apps/worker/src/main.ts', {
      DATABASE_URL: database.url,
      REDIS_URL,
      QUEUE_PREFIX: prefix,
      LOG_LEVEL: 'silent',
      DATA_DIR: mkdtempSync(join(tmpdir(), 'worker-')),
    });
    await worker.waitFor('worker started');
  });

  afterAll(async () => {
    if (worker && worker.process.exitCode === null && worker.process.signalCode === null) worker.process.kill('SIGKILL');
    await producer?.close();
    await raw?.close();
    await deadLetters?.close();
    await database?.drop();
  });

  it('scores each entry once, as one BullMQ job, and dead-letters only the malformed entry', async () => {
    const arms = new ArmStatsRepository(database.handle.db);
    const poison = { name: 'score-response', data: { requestId: 'batch-poison' } } as unknown as QueuedJob;
    const jobs = [...Array.from({ length: 60 }, (_, i) => scoreJob(i, 'chatcmpl-batch')), poison];
    await producer.addMany(jobs);
    await eventually(async () => expect(await arms.scoreCount()).toBe(60), 30_000, 50);
    await eventually(async () => expect(await raw.getJobCounts('completed', 'failed', 'waiting', 'active')).toEqual({ completed: 1, failed: 0, waiting: 0, active: 0 }), 10_000);
    const [done] = await raw.getJobs(['completed']);
    expect(done.name).toBe(JOB_BATCH);
    expect(done.returnvalue).toEqual({ status: 'batch', jobs: 61, outcomes: { recorded: 60, dead_lettered: 1 } });
    await eventually(async () => expect(await deadLetters.count()).toBe(1), 10_000);
    expect((await deadLetters.list())[0]).toMatchObject({ jobId: `${done.id}#60`, name: 'score-response' });

    // Every arm counted once: 30 requests on each model, a third of them failing the validator.
    const rows = await database.handle.db.selectFrom('arm_stats').select(['model_id', 'observations', 'successes']).where('route', '=', 'auto').where('context_key', '=', '').execute();
    expect(Object.fromEntries(rows.map((r) => [r.model_id, r.observations]))).toEqual({ cheap: 30, strong: 30 });
    expect(rows.reduce((n, r) => n + r.successes, 0)).toBe(40);

    // The same batch again: same job id, so BullMQ keeps the one it has; nothing is scored twice.
    await producer.addMany(jobs);
    await new Promise((r) => setTimeout(r, 300));
    expect(await raw.getJobCounts('completed', 'waiting', 'active')).toEqual({ completed: 1, waiting: 0, active: 0 });
    expect(await arms.scoreCount()).toBe(60);
  }, 60_000);
});
