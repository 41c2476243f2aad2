import { startFakeOpenAI, type FakeOpenAI } from '../fakes/fake-openai.server';
import { startStack, type Stack } from '../support/stack';
import { REDIS_URL } from '../support/test-database';
import { admin, ADMIN_KEY, budgetYaml, chat, newKey, REQUEST_COST_USD } from './budget-support';

function manualClock(start: number) {
  let now = start;
  return { now: () => now, set: (ms: number) => (now = ms) };
}

describe.each([
  ['in process', {}],
  ['on Redis', { REDIS_URL, INLINE_WORKER: 'true' }],
] as const)('budget periods reset on the injected clock (%s)', (_name, env) => {
  let upstream: FakeOpenAI;
  let stack: Stack;
  // Late on a Sunday, UTC: the next day is also a new ISO week.
  const clock = manualClock(Date.UTC(2026, 10, 22, 23, 0, 0));

  beforeAll(async () => {
    upstream = await startFakeOpenAI(() => ({ kind: 'text', content: 'Hello!' }));
    stack = await startStack({ yaml: budgetYaml(upstream.url), queue: 'in-process', clock, env: { ADMIN_API_KEY: ADMIN_KEY, ...env } });
  });
  afterAll(async () => {
    await stack.close();
    await upstream.close();
  });

  async function spendUntilRefused(key: string): Promise<number> {
    for (let served = 0; served < 50; served++) {
      const res = await chat(stack.gateway.url, key);
      if (res.status === 429) {
        expect(res.json.error?.code).toBe('budget_exceeded');
        return served;
      }
      expect(res.status).toBe(200);
    }
    throw new Error('never refused');
  }

  it.each([
    ['day', { period: 'day' }, Date.UTC(2026, 10, 23, 0, 0, 1)],
    ['week', { period: 'week' }, Date.UTC(2026, 10, 23, 0, 0, 1)],
    ['month', { period: 'month' }, Date.UTC(2026, 11, 1, 0, 0, 1)],
    ['rolling hour', { period: 'rolling', window_seconds: 3600 }, Date.UTC(2026, 10, 23, 0, 1, 1)],
  ])('a %s budget refuses when spent and allows again after its reset', async (_p, period, after) => {
    clock.set(Date.UTC(2026, 10, 22, 23, 0, 0));
    const { id, key } = await newKey(stack.gateway.url, {});
    const budget = await admin<{ resets_at: string }>(stack.gateway.url, 'POST', '/v1/admin/budgets', { scope: 'key', subject: id, hard_limit_usd: 3 * REQUEST_COST_USD, ...period });
    expect(new Date(budget.resets_at).getTime()).toBeLessThanOrEqual(after);
    expect(await spendUntilRefused(key)).toBe(3);
    clock.set(after - 2_000);
    expect((await chat(stack.gateway.url, key)).status).toBe(429);
    clock.set(after);
    expect(await spendUntilRefused(key)).toBe(3);
  });
});
