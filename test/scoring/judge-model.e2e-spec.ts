import { sql } from 'kysely';
import { startFakeOpenAI, type Behavior, type FakeOpenAI } from '../fakes/fake-openai.server';
import { parsePrometheusText, sumOf } from '../metrics/parse-prometheus';
import { eventually, routerYaml, startStack, type Stack } from '../support/stack';

/** A call is the judge's when its system message is the judge's fixed instructions (libs/scoring JUDGE_INSTRUCTIONS). */
function isJudgeCall(body: Record<string, unknown>): boolean {
  const first = (body.messages as Array<{ role: string; content: unknown }>)[0];
  return first?.role === 'system' && String(first.content).startsWith('You grade the answer');
}

const JUDGED_ROUTES = `  - { name: judged, candidates: [cheap, strong], quality_floor: 0.5, judge: { model: strong, sample_rate: 1, weight: 0.5, rubric: "Names the right city." } }
  - { name: unjudged, candidates: [cheap], quality_floor: 0.5, judge: { model: strong, sample_rate: 0 } }
`;

describe.each(['bullmq', 'in-process'] as const)('the judge model on a route (%s queue)', (queue) => {
  let upstream: FakeOpenAI;
  let stack: Stack;
  /** What the judge answers next. */
  let verdict: Behavior = { kind: 'text', content: '{"score": 9, "reason": "Right."}' };

  beforeAll(async () => {
    upstream = await startFakeOpenAI((body) => (isJudgeCall(body) ? verdict : { kind: 'text', content: 'Paris is the capital of France.' }));
    stack = await startStack({ yaml: routerYaml(upstream.url, JUDGED_ROUTES), queue });
  });
  afterAll(async () => {
    await stack.close();
    await upstream.close();
  });

  async function scoreOf(model: string, judge: Behavior) {
    verdict = judge;
    const done = await stack.client.chat.completions.create({ model, messages: [{ role: 'user', content: 'Capital of France?' }] });
    return eventually(async () => {
      const score = await stack.gateway.runtime.arms.findScore(done.id);
      if (!score) throw new Error('not scored yet');
      return { id: done.id, ...score };
    });
  }

  const judgeResult = (score: { results: unknown }) => (score.results as Array<{ validator: string; passed: boolean; detail?: string }>).find((r) => r.validator === 'judge');

  it("lowers the learned reward of an answer the judge grades 2/10, and barely moves one it grades 9/10", async () => {
    const low = await scoreOf('judged', { kind: 'text', content: '{"score": 2, "reason": "Vague."}' });
    expect(low.reward).toBeCloseTo(0.5 + 0.5 / 9, 9);
    expect(judgeResult(low)).toEqual({ validator: 'judge', passed: false, detail: '2/10: Vague.' });
    const high = await scoreOf('judged', { kind: 'text', content: 'Verdict: {"score": 9, "reason": "Right."}' });
    expect(high.reward).toBeCloseTo(0.5 + (0.5 * 8) / 9, 9);
    expect(judgeResult(high)).toEqual({ validator: 'judge', passed: true, detail: '9/10: Right.' });
    // The judge saw the conversation, the answer, the route's rubric, and was asked for the verdict's schema.
    const call = upstream.requests.filter(isJudgeCall).at(-1)!;
    expect(call).toMatchObject({ model: 'strong-upstream', response_format: { type: 'json_schema', json_schema: { name: 'judge_verdict' } } });
    expect(JSON.stringify(call.messages)).toContain('Names the right city.');
    expect(JSON.stringify(call.messages)).toContain('Capital of France?');
    expect(JSON.stringify(call.messages)).toContain('Paris is the capital of France.');
  });

  it('still records the score when the judge fails, by the validators alone, saying why without the provider text', async () => {
    const failed = await scoreOf('judged', { kind: 'error', status: 500, message: 'upstream exploded: sk-live-SECRET' });
    expect(failed.reward).toBe(1);
    expect(judgeResult(failed)).toEqual({ validator: 'judge', passed: true, detail: 'judge unavailable: server_error (HTTP 500)' });
    expect(JSON.stringify(failed.results)).not.toContain('SECRET');
    const unreadable = await scoreOf('judged', { kind: 'text', content: 'I think it is fine, 9 out of 10' });
    expect(unreadable.reward).toBe(1);
    expect(judgeResult(unreadable)?.detail).toBe('judge unavailable: verdict is not JSON');
  });

  it("records each judge call's cost as a judge record and spend entry of the route, never as traffic or a decision", async () => {
    const scored = await scoreOf('judged', { kind: 'text', content: '{"score": 8, "reason": "Good."}' });
    const db = stack.database.handle.db;
    const judgeRows = await eventually(async () => {
      const rows = await db.selectFrom('requests').selectAll().where('kind', '=', 'judge').where('id', 'like', `${scored.id}-judge-%`).execute();
      if (rows.length !== 1) throw new Error(`judge records: ${rows.length}`);
      return rows;
    });
    const content = '{"score": 8, "reason": "Good."}';
    // The fake bills 12 prompt tokens and ceil(length / 4) completion tokens; strong costs 5 and 15 USD per 1M.
    const expected = (12 * 5 + Math.ceil(content.length / 4) * 15) / 1e6;
    expect(judgeRows[0]).toMatchObject({ route: 'judged', model_id: 'strong', provider_id: 'fake', status: 'success', decision_reason: null });
    expect(judgeRows[0].cost_usd).toBeCloseTo(expected, 12);
    const { rows: ledger } = await sql<{ route: string; model_id: string; cost_usd: number }>`select route, model_id, cost_usd from spend_ledger where request_id = ${judgeRows[0].id}`.execute(db);
    expect(ledger).toHaveLength(1);
    expect(ledger[0]).toMatchObject({ route: 'judged', model_id: 'strong' });
    expect(ledger[0].cost_usd).toBeCloseTo(expected, 12);
    // The learning report counts the clients' requests only: every judge call above left it alone.
    const clientRequests = await db.selectFrom('requests').select((eb) => eb.fn.countAll<number>().as('n')).where('route', '=', 'judged').where('kind', '=', 'chat').executeTakeFirstOrThrow();
    const judgeCalls = await db.selectFrom('requests').select((eb) => eb.fn.countAll<number>().as('n')).where('route', '=', 'judged').where('kind', '=', 'judge').executeTakeFirstOrThrow();
    expect(Number(judgeCalls.n)).toBeGreaterThan(0);
    type RouteReport = { route: string; models: Array<{ requests: number }>; judge: Record<string, number | null> | null };
    const report = (await stack.client.get('/router/report')) as { routes: RouteReport[] };
    const judged = report.routes.find((r) => r.route === 'judged')!;
    expect(judged.models.reduce((n, m) => n + m.requests, 0)).toBe(Number(clientRequests.n));
    // The report tells what the judge did: every call ended in a verdict or a failure, and what the calls cost.
    const { rows: spent } = await sql<{ cost: number }>`select sum(cost_usd) as cost from requests where kind = 'judge' and route = 'judged'`.execute(db);
    expect(judged.judge).toMatchObject({ model: 'strong', sample_rate: 1, weight: 0.5, calls: Number(judgeCalls.n) });
    expect(judged.judge!.judged! + judged.judge!.unavailable!).toBe(Number(judgeCalls.n));
    expect(judged.judge!.judged).toBeGreaterThan(0);
    expect(judged.judge!.mean_score).toBeGreaterThanOrEqual(1);
    expect(judged.judge!.cost_usd).toBeCloseTo(Number(spent[0].cost), 12);
    expect(report.routes.find((r) => r.route === 'auto')!.judge).toBeNull();
    // Prometheus sees them too, from their records (the worker has no endpoint): calls by status, and their cost.
    const metrics = parsePrometheusText(await (await fetch(`${stack.gateway.url}/metrics`)).text());
    expect(sumOf(metrics, 'router_judge_calls_last_hour', { route: 'judged', model: 'strong' })).toBe(Number(judgeCalls.n));
    const { rows: failed } = await sql<{ n: number }>`select count(*)::int as n from requests where kind = 'judge' and route = 'judged' and status = 'error'`.execute(db);
    expect(failed[0].n).toBeGreaterThan(0);
    expect(sumOf(metrics, 'router_judge_calls_last_hour', { route: 'judged', status: 'error' })).toBe(failed[0].n);
    expect(sumOf(metrics, 'router_judge_spend_last_hour_usd', { route: 'judged' })).toBeCloseTo(Number(spent[0].cost), 12);
  });

  it('carries nothing for the judge on a request its sample rate leaves out', async () => {
    const before = upstream.requests.filter(isJudgeCall).length;
    const score = await scoreOf('unjudged', { kind: 'text', content: '{"score": 1, "reason": "Never asked."}' });
    expect(score.reward).toBe(1);
    expect(judgeResult(score)).toBeUndefined();
    expect(upstream.requests.filter(isJudgeCall)).toHaveLength(before);
  });
});
