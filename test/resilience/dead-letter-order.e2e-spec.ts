import { randomBytes } from 'node:crypto';
import type { Job, Queue } from 'bullmq';
import { DeadLetterQueue } from '../../libs/queue/src';
import type { ScoreJobHandler } from '../../libs/scoring/src/score-job.handler';
import { ScoreProcessor } from '../../apps/worker/src/score.processor';
import { REDIS_URL } from '../support/test-database';
import { scoreJob } from './support/score-jobs';

/**
 * A job that fails for good is dead-lettered before BullMQ marks it failed, so a worker killed
 * between the two cannot leave a failed job without its letter (the worker-kill test once lost
 * both poison jobs' letters that way). Real Redis; the job object is what BullMQ hands to process().
 */
describe('dead-lettering order', () => {
  const prefix = `t${randomBytes(4).toString('hex')}`;
  let deadLetters: DeadLetterQueue;
  const unusedQueue = { on: () => undefined } as unknown as Queue;
  const failing = { handle: async () => Promise.reject(new Error('database down')) } as unknown as ScoreJobHandler;

  beforeAll(() => {
    deadLetters = new DeadLetterQueue(REDIS_URL, prefix);
  });
  afterAll(async () => {
    await deadLetters.close();
  });

  const job = (id: string, name: string, attemptsMade: number) =>
    ({ id, name, data: { requestId: id }, opts: { attempts: 8 }, attemptsMade }) as unknown as Job;

  it('writes the letter of a poison job while process() is still failing it', async () => {
    const processor = new ScoreProcessor(failing, 1, deadLetters, unusedQueue);
    await expect(processor.process(job('poison-a', 'no-such-job', 0))).rejects.toThrow(/poison job poison-a/);
    const letters = await deadLetters.list();
    expect(letters.map((l) => l.jobId)).toEqual(['poison-a']);
    expect(letters[0]).toMatchObject({ name: 'no-such-job', attemptsMade: 1 });
  });

  it('writes the letter on the last attempt only, and the failed event does not write a second one', async () => {
    const processor = new ScoreProcessor(failing, 1, deadLetters, unusedQueue);
    const valid = scoreJob(1).data;
    const early = { ...job('score-b', 'score-response', 3), data: valid } as unknown as Job;
    await expect(processor.process(early)).rejects.toThrow('database down');
    expect((await deadLetters.list()).map((l) => l.jobId)).not.toContain('score-b');

    const last = { ...job('score-b', 'score-response', 7), data: valid } as unknown as Job;
    await expect(processor.process(last)).rejects.toThrow('database down');
    await processor.onFailed({ ...last, attemptsMade: 8 } as unknown as Job, new Error('database down'));
    const letters = (await deadLetters.list()).filter((l) => l.jobId === 'score-b');
    expect(letters).toHaveLength(1);
    expect(letters[0]).toMatchObject({ attemptsMade: 8, reason: 'database down' });
  });
});
