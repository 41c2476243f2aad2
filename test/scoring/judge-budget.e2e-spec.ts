import { sql } from 'kysely';
import { admin, ADMIN_KEY, chat, newKey } from '../budget/budget-support';
import { startFakeOpenAI, type FakeOpenAI } from '../fakes/fake-openai.server';
import { eventually, startStack, type Stack } from '../support/stack';
import { REDIS_URL } from '../support/test-database';

const VERDICT = '{"score": 8, "reason": "Good."}';
/** The fake bills ceil(length / 4) completion tokens: 8 for the verdict, at $500 per 1M (input is free). */
const JUDGE_CALL_USD = (Math.ceil(VERDICT.length / 4) * 500) / 1e6;
/** What a judge call may cost at most: its max_tokens (16) at $500 per 1M. */
const JUDGE_WORST_USD = (16 * 500) / 1e6;
/** A chat request on `metered` costs at most 2 completion tokens x $10/1M (max_tokens 2; input is free). */
const REQUEST_USD = (2 * 10) / 1e6;
/**
 * Room for the first two judge calls' worst cases (after one and two requests, with the gateway's
 * lease on the budget counted too: at most a sixteenth of the cap); not for the third's (after three
 * requests and two calls), though its actual cost would still fit under it.
 */
const TENANT_CAP_USD = 0.0145;

function yaml(upstreamUrl: string): string {
  return `
providers:
  - { id: fake, kind: openai-compatible, base_url: "${upstreamUrl}" }
models:
  - { id: metered, provider: fake, upstream: metered-upstream, input_per_1m: 0, output_per_1m: 10, context_window: 16000 }
  - { id: grader, provider: fake, upstream: grader-upstream, input_per_1m: 0, output_per_1m: 500, context_window: 16000 }
routes:
  - name: graded
    candidates: [metered]
    quality_floor: 0.5
    judge: { model: grader, sample_rate: 1, weight: 0.5, max_tokens: 16 }
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

  it("makes a judge call only while the judged request's hard budgets have room for its worst case: then scores by the validators, 'judge skipped: budget'", async () => {
    expect(2 * REQUEST_USD + JUDGE_CALL_USD + JUDGE_WORST_USD + TENANT_CAP_USD / 16).toBeLessThanOrEqual(TENANT_CAP_USD);
    expect(3 * REQUEST_USD + 2 * JUDGE_CALL_USD + JUDGE_WORST_USD).toBeGreaterThan(TENANT_CAP_USD);
    expect(3 * REQUEST_USD + 3 * JUDGE_CALL_USD).toBeLessThanOrEqual(TENANT_CAP_USD);
    const base = stack.gateway.url;
    await admin(base, 'POST', '/v1/admin/tenants', { id: 'acme' });
    const { id: keyId, key } = await newKey(base, { tenant_id: 'acme' });
    const budget = await admin<{ id: string }>(base, 'POST', '/v1/admin/budgets', { scope: 'tenant', subject: 'acme', period: 'day', hard_limit_usd: TENANT_CAP_USD });
    // A soft limit never stops a judge call, however far past it the key is.
    await admin(base, 'POST', '/v1/admin/budgets', { scope: 'key', subject: keyId, period: 'day', soft_limit_usd: 0.000001 });
    const db = stack.database.handle.db;
    const judgeCalls = () => db.selectFrom('requests').selectAll().where('kind', '=', 'judge').where('key_id', '=', keyId).execute();

    // Each served request is judged (sample_rate 1), one after the other.
    const judged: Array<string | undefined> = [];
    for (let n = 1; n <= 4; n++) {
      const served = await chat(base, key, 'graded');
      expect(served.status).toBe(200);
      const score = await eventually(async () => {
        const found = await stack.gateway.runtime.arms.findScore(String(served.json.id));
        if (!found) throw new Error(`request ${n} not scored yet`);
        return found;
      });
      judged.push((score.results as Array<{ validator: string; detail?: string }>).find((r) => r.validator === 'judge')?.detail);
      // Skipped, its score is the validators' alone.
      if (n > 2) expect(score.reward).toBe(1);
    }
    expect(judged).toEqual(['8/10: Good.', '8/10: Good.', 'judge skipped: budget', 'judge skipped: budget']);

    // A skipped call was never made: no upstream call, no record, no spend; the report counts the skips.
    expect(upstream.requests.filter(isJudgeCall)).toHaveLength(2);
    const report = (await (await fetch(`${base}/v1/router/report`, { headers: { authorization: `Bearer ${ADMIN_KEY}` } })).json()) as { routes: Array<{ route: string; judge: Record<string, number> }> };
    expect(report.routes.find((r) => r.route === 'graded')!.judge).toMatchObject({ judged: 2, skipped_budget: 2, unavailable: 0, calls: 2 });
    const calls = await judgeCalls();
    expect(calls.map((c) => c.status)).toEqual(['success', 'success']);
    for (const c of calls) expect(c.cost_usd).toBeCloseTo(JUDGE_CALL_USD, 12);
    const { rows } = await sql<{ kind: string; cost: number }>`select r.kind, sum(l.cost_usd) as cost from spend_ledger l join requests r on r.id = l.request_id where l.tenant_id = 'acme' group by r.kind`.execute(db);
    const spent = Object.fromEntries(rows.map((r) => [r.kind, Number(r.cost)]));
    expect(spent.judge).toBeCloseTo(2 * JUDGE_CALL_USD, 12);

    // The budget's shared counter has every dollar spent for the tenant, the judge's included, and never passed the cap.
    await eventually(async () => {
      const list = await admin<{ data: Array<{ id: string; spent_usd: number; hard_limit_reached: boolean }> }>(base, 'GET', '/v1/admin/budgets?scope=tenant&subject=acme');
      const status = list.data.find((b) => b.id === budget.id)!;
      if (Math.abs(status.spent_usd - (spent.chat + spent.judge)) > 1e-9) throw new Error(`budget spent_usd ${status.spent_usd}, ledger ${spent.chat + spent.judge}`);
      expect(status.spent_usd).toBeLessThanOrEqual(TENANT_CAP_USD);
      expect(status.hard_limit_reached).toBe(false);
    });
  });
});
