import { startGateway, type RunningGateway } from '../../apps/gateway/src/gateway';
import { startFakeOpenAI, type FakeOpenAI } from '../fakes/fake-openai.server';
import { GATEWAY_KEY, startStack, type Stack } from '../support/stack';
import { REDIS_URL } from '../support/test-database';
import { admin, ADMIN_KEY, call, REQUEST_COST_USD, tally } from './budget-support';

const ALLOWED = 50;
const TIER_CAP_USD = ALLOWED * REQUEST_COST_USD;

function tieredYaml(upstreamUrl: string): string {
  return `
providers:
  - { id: fake, kind: openai-compatible, base_url: "${upstreamUrl}" }
models:
  - { id: metered, provider: fake, upstream: metered-upstream, input_per_1m: 0, output_per_1m: 10, context_window: 16000 }
routes:
  - name: tiered
    candidates: [metered]
    quality_floor: 0.5
    tiers:
      free: { budget_usd_per_day: ${TIER_CAP_USD} }
`;
}

const ask = (base: string, tier?: string) =>
  call(base, 'POST', '/v1/chat/completions', GATEWAY_KEY, { model: 'tiered', max_tokens: 2, messages: [{ role: 'user', content: 'Say hello.' }], ...(tier ? { metadata: { tier } } : {}) });

/**
 * A tier's budget_usd_per_day is a hard cap held like every other budget (an atomic reservation in
 * the shared counters), not only a check of what finished requests spent: concurrent requests of the
 * tier cannot pass it together, and the route's other traffic is not limited by it.
 */
describe.each([
  ['in process', {}],
  ['on Redis', { REDIS_URL, INLINE_WORKER: 'true' }],
] as const)('a tier budget holds under 200 concurrent requests, counters %s', (_name, env) => {
  let upstream: FakeOpenAI;
  let stack: Stack;

  beforeAll(async () => {
    upstream = await startFakeOpenAI(() => ({ kind: 'text', content: 'Hello!' }));
    stack = await startStack({ yaml: tieredYaml(upstream.url), queue: 'in-process', env: { ADMIN_API_KEY: ADMIN_KEY, ...env } });
  });
  afterAll(async () => {
    await stack?.close();
    await upstream?.close();
  });

  it('serves exactly what the tier budget allows, refuses the rest, and leaves other traffic alone', async () => {
    const base = stack.gateway.url;
    const replies = await Promise.all(Array.from({ length: 200 }, () => ask(base, 'free')));
    const t = tally(replies);
    expect(t.other.map((r) => [r.status, r.json.error?.code])).toEqual([]);
    expect(t.ok).toBe(ALLOWED);
    expect(t.budget).toBe(200 - ALLOWED);
    // Refused by the shared reservation ("tier 'free' of route 'tiered'") or, once spend is known, by the plan.
    for (const r of replies.filter((x) => x.status === 429)) expect(r.json.error!.message).toMatch(/tier/);
    const untiered = await Promise.all(Array.from({ length: 20 }, () => ask(base)));
    expect(untiered.map((r) => r.status)).toEqual(Array.from({ length: 20 }, () => 200));
    const budgets = await admin<{ data: Array<{ subject: string; hard_limit_usd: number; remaining_usd: number; source: string }> }>(base, 'GET', '/v1/admin/budgets');
    const tier = budgets.data.find((b) => b.subject === 'tiered#tier=free')!;
    expect(tier).toMatchObject({ hard_limit_usd: TIER_CAP_USD, source: 'config' });
    expect(tier.remaining_usd).toBeCloseTo(0, 12);
  });
});

describe('a tier budget holds across two gateway processes sharing Redis', () => {
  // Two startGateway instances in one test process, sharing only Redis and Postgres, as two processes
  // would: what each process saw its own tier spend can not hold the cap; the shared reservation does.
  let upstream: FakeOpenAI;
  let stack: Stack;
  let second: RunningGateway;

  beforeAll(async () => {
    upstream = await startFakeOpenAI(() => ({ kind: 'text', content: 'Hello!' }));
    stack = await startStack({ yaml: tieredYaml(upstream.url), queue: 'in-process', env: { ADMIN_API_KEY: ADMIN_KEY, REDIS_URL, INLINE_WORKER: 'true' } });
    second = await startGateway(stack.gateway.runtime.config, { log: () => undefined });
  });
  afterAll(async () => {
    await second?.close();
    await stack?.close();
    await upstream?.close();
  });

  it('serves exactly what the tier budget allows over both gateways', async () => {
    const replies = await Promise.all(Array.from({ length: 200 }, (_, i) => ask(i % 2 === 0 ? stack.gateway.url : second.url, 'free')));
    const t = tally(replies);
    expect(t.other.map((r) => [r.status, r.json.error?.code])).toEqual([]);
    expect(t.ok).toBe(ALLOWED);
    expect(t.budget).toBe(200 - ALLOWED);
  });

  it("reports the tier's spend over both gateways on either, as its budget counts it", async () => {
    for (const base of [stack.gateway.url, second.url]) {
      const report = await admin<{ routes: Array<{ route: string; tiers: Array<{ tier: string; spent_today_usd: number }> }> }>(base, 'GET', '/v1/router/report');
      const free = report.routes.find((r) => r.route === 'tiered')!.tiers.find((x) => x.tier === 'free')!;
      expect(free.spent_today_usd).toBeCloseTo(TIER_CAP_USD, 12);
    }
  });
});
