import { sql } from 'kysely';
import { admin, ADMIN_KEY, chat, newKey } from '../budget/budget-support';
import { startFakeOpenAI, type FakeOpenAI } from '../fakes/fake-openai.server';
import { eventually, startStack, type Stack } from '../support/stack';
import { REDIS_URL } from '../support/test-database';

const VERDICT = '{"score": 8, "reason": "Good."}';
/** The fake bills ceil(length / 4) completion tokens: 8 for the verdict, at $1,000 per 1M. */
const JUDGE_CALL_USD = (Math.ceil(VERDICT.length / 4) * 1000) / 1e6;
/** A chat request on `metered` costs at most 2 completion tokens x $10/1M (max_tokens 2; input is free). */
const REQUEST_USD = (2 * 10) / 1e6;
/** Two requests and their two judge calls pass it; the two requests alone stay far below. */
const TENANT_CAP_USD = 0.01;

function yaml(upstreamUrl: string): string {
  return `
providers:
  - { id: fake, kind: openai-compatible, base_url: "${upstreamUrl}" }
models:
  - { id: metered, provider: fake, upstream: metered-upstream, input_per_1m: 0, output_per_1m: 10, context_window: 16000 }
  - { id: grader, provider: fake, upstream: grader-upstream, input_per_1m: 0, output_per_1m: 1000, context_window: 16000 }
routes:
  - name: graded
    candidates: [metered]
    quality_floor: 0.5
    judge: { model: grader, sample_rate: 1, weight: 0.5 }
`;
}

function isJudgeCall(body: Record<string, unknown>): boolean {
  const first = (body.messages as Array<{ role: string; content: unknown }>)[0];
  return first?.role === 'system' && String(first.content).startsWith('You grade the answer');
}

describe.each([
  ['a BullMQ worker, counters on Redis', 'bullmq', {}],
  ['the in-process queue, counters in process (embedded default)', 'in-process', {}],
  ['the in-process queue, counters on Redis', 'in-process', { REDIS_URL, INLINE_WORKER: 'true' }],
] as const)("judge calls count against the judged request's budgets (%s)", (_name, queue, env) => {
  let upstream: FakeOpenAI;
  let stack: Stack;

  beforeAll(async () => {
    upstream = await startFakeOpenAI((body) => ({ kind: 'text', content: isJudgeCall(body) ? VERDICT : 'Hello!' }));
    stack = await startStack({ yaml: yaml(upstream.url), queue, env: { ADMIN_API_KEY: ADMIN_KEY, ...env } });
  });
  afterAll(async () => {
    await stack.close();
    await upstream.close();
  });

  it("a tenant whose judge calls pushed it over its hard daily cap gets 429 insufficient_quota on its next request", async () => {
    const base = stack.gateway.url;
    await admin(base, 'POST', '/v1/admin/tenants', { id: 'acme' });
    const { id: keyId, key } = await newKey(base, { tenant_id: 'acme' });
    const budget = await admin<{ id: string }>(base, 'POST', '/v1/admin/budgets', { scope: 'tenant', subject: 'acme', period: 'day', hard_limit_usd: TENANT_CAP_USD });
    const db = stack.database.handle.db;
    const judgeCalls = () => db.selectFrom('requests').selectAll().where('kind', '=', 'judge').where('key_id', '=', keyId).execute();

    // Each served request is judged (sample_rate 1); the second judge call takes the tenant past its cap
    // and is made all the same: the request it grades was served already.
    for (let n = 1; n <= 2; n++) {
      expect((await chat(base, key, 'graded')).status).toBe(200);
      await eventually(async () => {
        const calls = await judgeCalls();
        if (calls.length !== n) throw new Error(`judge calls: ${calls.length}, expected ${n}`);
      });
    }
    const calls = await judgeCalls();
    expect(calls.map((c) => c.status)).toEqual(['success', 'success']);
    for (const c of calls) expect(c.cost_usd).toBeCloseTo(JUDGE_CALL_USD, 12);

    // The tenant's own requests leave room for many more; with its judge calls it is past the cap.
    const { rows } = await sql<{ kind: string; cost: number }>`select r.kind, sum(l.cost_usd) as cost from spend_ledger l join requests r on r.id = l.request_id where l.tenant_id = 'acme' group by r.kind`.execute(db);
    const spent = Object.fromEntries(rows.map((r) => [r.kind, Number(r.cost)]));
    expect(spent.chat + REQUEST_USD).toBeLessThan(TENANT_CAP_USD / 100);
    expect(spent.chat + spent.judge).toBeGreaterThan(TENANT_CAP_USD);

    // The budget's shared counter has every dollar spent for the tenant, the judge's included.
    await eventually(async () => {
      const list = await admin<{ data: Array<{ id: string; spent_usd: number; hard_limit_reached: boolean }> }>(base, 'GET', '/v1/admin/budgets?scope=tenant&subject=acme');
      const status = list.data.find((b) => b.id === budget.id)!;
      if (Math.abs(status.spent_usd - (spent.chat + spent.judge)) > 1e-9) throw new Error(`budget spent_usd ${status.spent_usd}, ledger ${spent.chat + spent.judge}`);
      expect(status.hard_limit_reached).toBe(true);
    });

    const refused = await chat(base, key, 'graded');
    expect(refused.status).toBe(429);
    expect(refused.json.error).toMatchObject({ type: 'insufficient_quota', code: 'budget_exceeded' });
  });
});
