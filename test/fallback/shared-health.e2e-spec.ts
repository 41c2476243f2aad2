import { randomBytes } from 'node:crypto';
import Redis from 'ioredis';
import { SharedHealth } from '../../apps/gateway/src/health-breaker/shared-health';
import { eventually } from '../support/stack';
import { REDIS_URL } from '../support/test-database';

describe('circuit breakers are shared between gateway processes through Redis', () => {
  const options = { failureThreshold: 3, cooldownMs: 60_000, maxCooldownMs: 120_000 };
  const clock = { now: () => 1_000_000 };
  const prefix = `t${randomBytes(4).toString('hex')}`;
  let one: SharedHealth;
  let two: SharedHealth;

  beforeAll(() => {
    const shared = { redisUrl: REDIS_URL, prefix, namespace: 'deployment', pollMs: 60_000 };
    one = new SharedHealth(clock, options, shared);
    two = new SharedHealth(clock, options, shared);
  });
  afterAll(async () => {
    await one.close();
    await two.close();
  });

  it('failures seen by two processes add up, and both see the breaker open', async () => {
    two.watch(['p/m']);
    one.recordFailure('p/m');
    two.recordFailure('p/m');
    one.recordFailure('p/m');
    // Pushes are asynchronous; once they land, a pull brings the shared count in.
    await eventually(async () => {
      await one.pull();
      await two.pull();
      expect(one.state('p/m')).toBe('open');
      expect(two.state('p/m')).toBe('open');
    });
    expect(two.view()).toContainEqual(expect.objectContaining({ key: 'p/m', failures: 3, opens: 1 }));
  });

  it('a success in one process closes the breaker for the other', async () => {
    one.recordSuccess('p/m');
    await eventually(async () => {
      await two.pull();
      expect(two.state('p/m')).toBe('closed');
    });
  });

  it('once closed again, successes stay off Redis (no write per request)', async () => {
    const redis = new Redis(REDIS_URL);
    try {
      const key = `${prefix}:health:deployment:p/m`;
      await eventually(async () => expect(await redis.hget(key, 'failures')).toBe('0'));
      await redis.del(key);
      for (let i = 0; i < 20; i++) one.recordSuccess('p/m');
      // A push would re-create the hash; give one a moment to land, as the pushes above did.
      await new Promise((r) => setTimeout(r, 200));
      expect(await redis.exists(key)).toBe(0);
      // A failure is still shared at once.
      one.recordFailure('p/m');
      await eventually(async () => expect(await redis.hget(key, 'failures')).toBe('1'));
    } finally {
      redis.disconnect();
    }
  });
});
