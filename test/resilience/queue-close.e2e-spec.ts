import { randomBytes } from 'node:crypto';
import type Redis from 'ioredis';
import { BullmqJobQueue } from '../../libs/queue/src';
import { REDIS_URL } from '../support/test-database';

/**
 * BullMQ takes its error listener off a connection when its queue closes. A reply that arrives after
 * that (a depth probe cut short by an outage: ioredis reports "Command queue state error") was an
 * 'error' event with no listener, which throws and crashes the process. The gateway's queues run on
 * a client of their own whose listener stays.
 */
describe('the scoring queue after close', () => {
  it('a late Redis client error after close is handled, not thrown', async () => {
    const queue = new BullmqJobQueue(REDIS_URL, `t${randomBytes(4).toString('hex')}`);
    expect(await queue.depth()).toBe(0);
    await queue.close();
    const client = (queue as unknown as { client: Redis }).client;
    expect(client.listenerCount('error')).toBeGreaterThan(0);
    expect(() => client.emit('error', new Error('Command queue state error. Last reply: 0,0,0,0'))).not.toThrow();
  });
});
