import { MAX_COUNTER_USD } from '../../libs/budget/src';
import { startFakeOpenAI, type FakeOpenAI } from '../fakes/fake-openai.server';
import { startStack, type Stack } from '../support/stack';
import { REDIS_URL } from '../support/test-database';
import { admin, ADMIN_KEY, budgetYaml, call, chat, newKey } from './budget-support';

/**
 * Budget counters hold integer nano-dollars, exact up to MAX_COUNTER_USD (about 9 million USD): a
 * larger limit is refused when the budget is made, and the largest one serves requests on either
 * counter store.
 */
describe.each([
  ['in process (embedded default)', {}],
  ['on Redis', { REDIS_URL, INLINE_WORKER: 'true' }],
] as const)('budget limits past what the counters hold, counters %s', (_name, env) => {
  let upstream: FakeOpenAI;
  let stack: Stack;

  beforeAll(async () => {
    upstream = await startFakeOpenAI();
    stack = await startStack({ yaml: budgetYaml(upstream.url), queue: 'in-process', env: { ADMIN_API_KEY: ADMIN_KEY, ...env } });
  });
  afterAll(async () => {
    await stack?.close();
    await upstream?.close();
  });

  it.each([
    ['hard_limit_usd', 1e308],
    ['hard_limit_usd', 2e7],
    ['soft_limit_usd', MAX_COUNTER_USD + 1],
  ])('%s %d is a 400 naming it', async (field, limit) => {
    const res = await call(stack.gateway.url, 'POST', '/v1/admin/budgets', ADMIN_KEY, { scope: 'route', subject: 'auto', period: 'day', [field]: limit });
    expect(res.status).toBe(400);
    expect(res.json.error).toMatchObject({ type: 'invalid_request_error', param: field, code: 'invalid_value' });
  });

  it('a key budget at the largest limit serves its requests and counts their spend', async () => {
    const key = await newKey(stack.gateway.url, { name: 'rich' });
    await admin(stack.gateway.url, 'POST', '/v1/admin/budgets', { scope: 'key', subject: key.id, period: 'day', hard_limit_usd: MAX_COUNTER_USD, soft_limit_usd: MAX_COUNTER_USD });
    const replies = await Promise.all(Array.from({ length: 20 }, () => chat(stack.gateway.url, key.key)));
    expect(replies.map((r) => r.status)).toEqual(replies.map(() => 200));
    const mine = await call(stack.gateway.url, 'GET', '/v1/budgets', key.key);
    const budget = (mine.json.data as Array<{ spent_usd: unknown; remaining_usd: unknown }>)[0];
    expect(budget.spent_usd).toBeGreaterThan(0);
    expect(budget.remaining_usd).toBeLessThan(MAX_COUNTER_USD);
  });
});
