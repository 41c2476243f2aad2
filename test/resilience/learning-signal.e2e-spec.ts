import Redis from 'ioredis';
import { learningChannel, redisConnection } from '../../libs/queue/src';
import { startFakeOpenAI, type FakeOpenAI } from '../fakes/fake-openai.server';
import { eventually, routerYaml, startStack, type Stack } from '../support/stack';
import { REDIS_URL } from '../support/test-database';

/**
 * Workers announce each commit on Redis, and the gateway reads the new statistics at once. The
 * gateway's poll is set to ten minutes here, so only the announcement can bring the scores in.
 */
describe('statistics announced by the worker', () => {
  let upstream: FakeOpenAI;
  let stack: Stack;
  let listener: Redis;
  const announced: string[] = [];

  beforeAll(async () => {
    upstream = await startFakeOpenAI((body) => ({ kind: 'text', content: body.model === 'strong-upstream' ? 'ANSWER: 42' : 'not sure' }));
    const validator = `    validators: [{ type: regex, pattern: "^ANSWER: \\\\d+$" }]\n`;
    stack = await startStack({ yaml: routerYaml(upstream.url, validator), queue: 'bullmq', env: { STATS_REFRESH_MS: '600000' } });
    listener = new Redis(redisConnection(REDIS_URL));
    const channel = learningChannel(stack.gateway.runtime.config.queuePrefix);
    await listener.subscribe(channel);
    listener.on('message', (c: string) => announced.push(c));
  });
  afterAll(async () => {
    listener?.disconnect();
    await stack?.close();
    await upstream?.close();
  });

  it('reach the gateway without waiting for its poll', async () => {
    const learned = stack.gateway.runtime.learned;
    const observations = () => [...learned.armsFor('auto').values()].reduce((n, a) => n + a.observations, 0);
    expect(observations()).toBe(0);
    for (let i = 0; i < 12; i++) await stack.client.chat.completions.create({ model: 'auto', messages: [{ role: 'user', content: `question ${i}` }] });
    await stack.gateway.runtime.records.flush();
    await eventually(() => expect(observations()).toBe(12), 15_000);
    // Announcements are throttled: fewer than one per score is enough.
    expect(announced.length).toBeGreaterThan(0);
    expect(announced.length).toBeLessThanOrEqual(12);
  });
});
