import { sql } from 'kysely';
import { seededRandom, type OpenAIErrorBody } from '../../libs/core/src';
import type { ReportService } from '../../apps/gateway/src/report/report.service';
import { costUsd } from '../../libs/model-call/src';
import { DashboardRepository } from '../../libs/storage/src/repositories/dashboard.repository';
import { startFakeOpenAI, type FakeOpenAI } from '../fakes/fake-openai.server';
import { eventually, GATEWAY_KEY, routerYaml, startStack, type Stack } from '../support/stack';
import { admin, call, newKey } from '../budget/budget-support';
import { ADMIN_KEY } from './learning-run';

type Report = Awaited<ReturnType<ReportService['build']>>;

/**
 * An operator's check of the summary report (`GET /v1/router/report`) against ground truth: traffic
 * from two tenants' keys (and the static key of tenant `default`), streamed and not, through the
 * gateway to a fake upstream; each figure compared with what the test sent and what Postgres holds.
 */
describe('the summary report, figure by figure, with several tenants', () => {
  let upstream: FakeOpenAI;
  let stack: Stack;
  let acme: { id: string; key: string };
  let globex: { id: string; key: string };
  /** Per key: the x-router-model and x-router-reason headers of each answer. */
  const seen = new Map<string, Array<{ model: string; reason: string; id: string; cost: string | null }>>();

  const send = async (key: string, i: number) => {
    const res = await fetch(`${stack.gateway.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      // Every fourth one streamed (the gateway asks the upstream for its usage).
      body: JSON.stringify({ model: 'auto', messages: [{ role: 'user', content: `question ${i}` }], stream: i % 4 === 0 }),
    });
    expect(res.status).toBe(200);
    await res.text();
    const list = seen.get(key) ?? [];
    list.push({ model: String(res.headers.get('x-router-model')), reason: String(res.headers.get('x-router-reason')), id: String(res.headers.get('x-request-id')), cost: res.headers.get('x-router-cost-usd') });
    seen.set(key, list);
  };

  beforeAll(async () => {
    const random = seededRandom(3);
    upstream = await startFakeOpenAI((body) => ({ kind: 'text', content: body.model === 'strong-upstream' || random() < 0.9 ? 'ANSWER: 42' : 'no idea' }));
    stack = await startStack({
      yaml: routerYaml(upstream.url, '    validators: [{ type: regex, pattern: "^ANSWER: \\\\d+$" }]\n'),
      queue: 'in-process',
      random: seededRandom(1),
      env: { ADMIN_API_KEY: ADMIN_KEY },
    });
    const url = stack.gateway.url;
    await admin(url, 'POST', '/v1/admin/tenants', { id: 'acme' });
    await admin(url, 'POST', '/v1/admin/tenants', { id: 'globex' });
    acme = await newKey(url, { tenant_id: 'acme', tags: ['acme-checkout'] });
    globex = await newKey(url, { tenant_id: 'globex', tags: ['globex-secret-project'] });
    for (let i = 0; i < 30; i++) {
      await send(acme.key, i);
      await send(globex.key, i);
      if (i % 3 === 0) await send(GATEWAY_KEY, i);
    }
    await stack.gateway.runtime.records.flush();
    const deadline = Date.now() + 20_000;
    while ((await stack.gateway.runtime.arms.scoreCount()) < 70 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  });
  afterAll(async () => {
    await stack?.close();
    await upstream?.close();
  });

  const report = async (key: string, query = ''): Promise<Report> => {
    const res = await call(stack.gateway.url, 'GET', `/v1/router/report${query}`, key);
    expect(res.status).toBe(200);
    return res.json as unknown as Report;
  };

  it('counts, for the admin key, every request of every tenant, with the costs Postgres holds', async () => {
    const body = await report(ADMIN_KEY);
    const auto = body.routes.find((r) => r.route === 'auto')!;
    const rows = await stack.database.handle.db.selectFrom('requests').select(['model_id', 'cost_usd']).where('kind', '=', 'chat').execute();
    expect(rows).toHaveLength(70);
    for (const m of auto.models) {
      const mine = rows.filter((r) => r.model_id === m.model);
      expect(m.requests).toBe(mine.length);
      expect(m.total_cost_usd).toBeCloseTo(mine.reduce((n, r) => n + r.cost_usd, 0), 12);
    }
    const served = [...seen.values()].flat();
    for (const m of auto.models) expect(m.requests).toBe(served.filter((s) => s.model === m.model).length);
    // Each answered request's x-router-cost-usd (not streamed: a stream says it in its last chunk) is its recorded cost.
    const recorded = new Map((await stack.database.handle.db.selectFrom('requests').select(['id', 'cost_usd']).execute()).map((r) => [r.id, r.cost_usd]));
    const priced = served.filter((s) => s.cost !== null);
    expect(priced.length).toBeGreaterThan(40);
    for (const s of priced) expect(Number(s.cost)).toBeCloseTo(recorded.get(s.id)!, 8);
  });

  it("shows a tenant's key only its own tenant's traffic, cost and tags", async () => {
    const body = await report(acme.key);
    const auto = body.routes.find((r) => r.route === 'auto')!;
    const mine = seen.get(acme.key)!;
    expect(auto.models.reduce((n, m) => n + m.requests, 0)).toBe(mine.length);
    expect(auto.requests_in_window).toBe(mine.length);
    expect(auto.requests).toBe(mine.length);
    for (const m of auto.models) expect(m.requests).toBe(mine.filter((s) => s.model === m.model).length);
    const db = stack.database.handle.db;
    const ledger = (await sql<{ cost: number }>`select sum(cost_usd) as cost from spend_ledger where tenant_id = 'acme'`.execute(db)).rows[0];
    expect(auto.models.reduce((n, m) => n + m.total_cost_usd, 0)).toBeCloseTo(Number(ledger.cost), 12);
    expect(auto.tags.map((t) => t.tag)).toEqual(['acme-checkout']);
    expect(JSON.stringify(body)).not.toContain('globex');
    // Its scores only: those of its own requests.
    const scored = (await sql<{ n: number }>`select count(*)::int as n from scores s join spend_ledger l on l.request_id = s.request_id where l.tenant_id = 'acme'`.execute(db)).rows[0];
    expect(auto.models.reduce((n, m) => n + m.scored, 0)).toBe(Number(scored.n));
    // Route-wide spend is every tenant's: not for a tenant's eyes.
    expect(auto.spent_today_usd).toBeNull();
    // The static key's tenant (`default`) sees its own ten requests; a key held to other routes does not see this one.
    const own = (await report(GATEWAY_KEY)).routes.find((r) => r.route === 'auto')!;
    expect(own.models.reduce((n, m) => n + m.requests, 0)).toBe(seen.get(GATEWAY_KEY)!.length);
    const narrow = await newKey(stack.gateway.url, { tenant_id: 'acme', allowed_routes: ['cheap'] });
    expect((await report(narrow.key)).routes.map((r) => r.route)).not.toContain('auto');
  });

  it('refuses a bad window with an OpenAI-format 400 naming it', async () => {
    for (const bad of ['0', '-1', '100001', '99999999999999999999', 'abc', '', '1e3', '5.0']) {
      const res = await call(stack.gateway.url, 'GET', `/v1/router/report?window=${encodeURIComponent(bad)}`, ADMIN_KEY);
      expect(res.status).toBe(400);
      expect((res.json as unknown as OpenAIErrorBody).error).toMatchObject({ type: 'invalid_request_error', param: 'window' });
    }
    const twice = await call(stack.gateway.url, 'GET', '/v1/router/report?window=5&window=6', ADMIN_KEY);
    expect(twice.status).toBe(400);
    const small = await report(ADMIN_KEY, '?window=5');
    expect(small.routes.find((r) => r.route === 'auto')!.requests_in_window).toBe(5);
    const huge = await report(ADMIN_KEY, '?window=100000');
    expect(huge.routes.find((r) => r.route === 'auto')!.requests_in_window).toBe(70);
  });

  it('shares traffic over the last N requests as the headers told the callers', async () => {
    const body = await report(ADMIN_KEY, '?window=20');
    const auto = body.routes.find((r) => r.route === 'auto')!;
    const rows = await stack.database.handle.db.selectFrom('requests').select(['model_id']).where('kind', '=', 'chat').orderBy('created_at', 'desc').orderBy('id', 'desc').limit(20).execute();
    for (const m of auto.models) expect(m.traffic_share).toBeCloseTo(rows.filter((r) => r.model_id === m.model).length / 20, 12);
    expect(auto.models.reduce((n, m) => n + m.traffic_share, 0)).toBeCloseTo(1, 12);
  });

  it('records the decision reason each caller was told in x-router-reason', async () => {
    const rows = await stack.database.handle.db.selectFrom('requests').select(['decision_reason']).where('kind', '=', 'chat').execute();
    const told = [...seen.values()].flat();
    const count = (list: Array<string | null>, reason: string) => list.filter((r) => r === reason).length;
    for (const reason of ['exploit', 'explore', 'constraint', 'only_candidate']) {
      expect(count(rows.map((r) => r.decision_reason), reason)).toBe(count(told.map((t) => t.reason), reason));
    }
  });

  it('gives the mean reward and its interval from the scores', async () => {
    const body = await report(ADMIN_KEY);
    const auto = body.routes.find((r) => r.route === 'auto')!;
    const scores = await stack.database.handle.db.selectFrom('scores').select(['model_id', 'reward']).execute();
    for (const m of auto.models) {
      const mine = scores.filter((s) => s.model_id === m.model).map((s) => s.reward);
      expect(m.scored).toBe(mine.length);
      if (mine.length === 0) continue;
      const mean = mine.reduce((a, b) => a + b, 0) / mine.length;
      expect(m.mean_reward).toBeCloseTo(mean, 12);
      expect(m.reward_interval![0]).toBeLessThanOrEqual(mean);
      expect(m.reward_interval![1]).toBeGreaterThanOrEqual(mean);
      // Agreeing scores (strong passes every time) leave some doubt: never a zero-width interval.
      expect(m.reward_interval![1] - m.reward_interval![0]).toBeGreaterThan(0.01);
    }
    expect(auto.models.find((m) => m.model === 'strong')!.mean_reward).toBe(1);
  });

  it('exports to Prometheus the beliefs the report and /v1/router/beliefs show', async () => {
    await stack.gateway.runtime.learned.refresh();
    const beliefs = (await call(stack.gateway.url, 'GET', '/v1/router/beliefs', ADMIN_KEY)).json as unknown as {
      routes: Array<{ route: string; contexts: Array<{ context_key: string; models: Array<{ model: string; mean_quality: number; evidence: number }> }> }>;
    };
    const text = await (await fetch(`${stack.gateway.url}/metrics`)).text();
    const gauge = new Map<string, number>();
    for (const m of text.matchAll(/^router_reward_mean\{route="([^"]*)",context="([^"]*)",model="([^"]*)"\} (\S+)$/gm)) gauge.set(`${m[1]}|${m[2]}|${m[3]}`, Number(m[4]));
    const auto = beliefs.routes.find((r) => r.route === 'auto')!;
    const compared = auto.contexts.flatMap((c) => c.models.filter((m) => m.evidence > 0).map((m) => [gauge.get(`auto|${c.context_key}|${m.model}`), m.mean_quality]));
    expect(compared.length).toBeGreaterThan(2);
    for (const [exported, shown] of compared) expect(exported).toBeCloseTo(shown!, 12);
    // The report's route-level belief is the same number.
    const summary = (await report(ADMIN_KEY)).routes.find((r) => r.route === 'auto')!;
    for (const m of summary.models) expect(gauge.get(`auto||${m.model}`)).toBeCloseTo(m.belief.mean_quality, 12);
  });

  it("prices the time series' baseline per request as the baseline model bills it, and sums long prompts apart", async () => {
    const res = await call(stack.gateway.url, 'GET', '/v1/router/timeseries?route=auto&buckets=1', ADMIN_KEY);
    expect(res.status).toBe(200);
    const series = (res.json as unknown as { data: Array<{ baseline_model: string; totals: { cost_usd: number; baseline_cost_usd: number; savings_usd: number } }> }).data[0];
    expect(series.baseline_model).toBe('strong');
    const db = stack.database.handle.db;
    const rows = await db.selectFrom('requests').select(['prompt_tokens', 'completion_tokens', 'cached_tokens', 'cost_usd', 'streamed']).where('kind', '=', 'chat').execute();
    // Streamed requests carry the usage the upstream reported, as the others do.
    expect(rows.filter((r) => r.streamed).length).toBeGreaterThan(0);
    for (const r of rows) expect(r.prompt_tokens).toBeGreaterThan(0);
    const strong = stack.gateway.runtime.config.models.get('strong')!;
    const baseline = rows.reduce((n, r) => n + costUsd(strong, r.prompt_tokens, r.completion_tokens, r.cached_tokens), 0);
    expect(series.totals.baseline_cost_usd).toBeCloseTo(baseline, 12);
    expect(series.totals.savings_usd).toBeCloseTo(baseline - rows.reduce((n, r) => n + r.cost_usd, 0), 12);
    // The repository's sums over a long-context line (none of these models has one: any line will do).
    const longSums = async (line: number | null) => {
      const cells = await new DashboardRepository(db).series('auto', 1000, { by: 'count', buckets: 1 }, 0.8, line);
      return [cells.reduce((n, c) => n + c.long_prompt_tokens, 0), cells.reduce((n, c) => n + c.long_completion_tokens, 0)];
    };
    const prompts = rows.map((r) => r.prompt_tokens);
    expect(await longSums(Math.min(...prompts) - 1)).toEqual([prompts.reduce((a, b) => a + b, 0), rows.reduce((n, r) => n + r.completion_tokens, 0)]);
    expect(await longSums(Math.max(...prompts))).toEqual([0, 0]);
    expect(await longSums(null)).toEqual([0, 0]);
  });

  it("counts an inline-rejected answer's score (`<request id>-a<n>`) under its request's tenant only", async () => {
    const db = stack.database.handle.db;
    const scoredBy = async (key: string) => (await report(key)).routes.find((r) => r.route === 'auto')!.models.reduce((n, m) => n + m.scored, 0);
    const [acmeBefore, globexBefore] = [await scoredBy(acme.key), await scoredBy(globex.key)];
    const { request_id } = (await sql<{ request_id: string }>`select request_id from spend_ledger where tenant_id = 'acme' limit 1`.execute(db)).rows[0];
    await db
      .insertInto('scores')
      .values({ request_id: `${request_id}-a1`, route: 'auto', context_key: '', model_id: 'cheap', validator_reward: 0, feedback: null, reward: 0, results: JSON.stringify([]), scored_at: new Date() })
      .execute();
    expect(await scoredBy(acme.key)).toBe(acmeBefore + 1);
    expect(await scoredBy(globex.key)).toBe(globexBefore);
  });
});

describe("the recent requests' decision reason, as the caller's headers told it", () => {
  let upstream: FakeOpenAI;
  let stack: Stack;

  beforeAll(async () => {
    // The first call fails with a 500 (retried on the same model), every later one answers.
    upstream = await startFakeOpenAI((_body, callIndex) => (callIndex === 0 ? { kind: 'error', status: 500 } : { kind: 'text', content: 'ANSWER: 1' }));
    stack = await startStack({ yaml: routerYaml(upstream.url), queue: 'in-process', random: seededRandom(1), env: { ADMIN_API_KEY: ADMIN_KEY } });
  });
  afterAll(async () => {
    await stack?.close();
    await upstream?.close();
  });

  it('calls a retry on the same model no fallback, as x-router-reason does', async () => {
    const res = await call(stack.gateway.url, 'POST', '/v1/chat/completions', GATEWAY_KEY, { model: 'cheap', messages: [{ role: 'user', content: 'hi' }] });
    expect(res.status).toBe(200);
    expect(res.headers['x-router-attempts']).toBe('2');
    expect(res.headers['x-router-fallbacks']).toBe('0');
    const told = String(res.headers['x-router-reason']);
    expect(told).not.toBe('fallback');
    await stack.gateway.runtime.records.flush();
    const recent = await call(stack.gateway.url, 'GET', '/v1/router/requests?limit=1', ADMIN_KEY);
    const [row] = (recent.json as unknown as { data: Array<{ id: string; decision_reason: string; path: string }> }).data;
    expect(row.id).toBe(res.headers['x-request-id']);
    expect(row.path).toBe('cheap(server_error) -> cheap');
    expect(row.decision_reason).toBe(told);
  });
});

describe("the time series' savings on a route with a judge model", () => {
  let upstream: FakeOpenAI;
  let stack: Stack;

  beforeAll(async () => {
    const isJudge = (body: Record<string, unknown>) => String((body.messages as Array<{ content: unknown }>)[0]?.content).startsWith('You grade the answer');
    upstream = await startFakeOpenAI((body) => ({ kind: 'text', content: isJudge(body) ? '{"score": 9, "reason": "Right."}' : 'ANSWER: 1' }));
    const judged = '  - { name: judged, candidates: [cheap], quality_floor: 0.5, judge: { model: strong, sample_rate: 1, weight: 0.5 } }\n';
    stack = await startStack({ yaml: routerYaml(upstream.url, judged), queue: 'in-process', random: seededRandom(1), env: { ADMIN_API_KEY: ADMIN_KEY } });
  });
  afterAll(async () => {
    await stack?.close();
    await upstream?.close();
  });

  it("counts the judge's calls against the savings, and says what they cost", async () => {
    for (let i = 0; i < 6; i++) {
      const res = await call(stack.gateway.url, 'POST', '/v1/chat/completions', GATEWAY_KEY, { model: 'judged', messages: [{ role: 'user', content: `q ${i}` }] });
      expect(res.status).toBe(200);
    }
    const db = stack.database.handle.db;
    await eventually(async () => {
      await stack.gateway.runtime.records.flush();
      const n = await db.selectFrom('requests').select((eb) => eb.fn.countAll<number>().as('n')).where('kind', '=', 'judge').executeTakeFirstOrThrow();
      expect(Number(n.n)).toBe(6);
    });
    const judgeCost = (await db.selectFrom('requests').select(['cost_usd']).where('kind', '=', 'judge').execute()).reduce((n, r) => n + r.cost_usd, 0);
    expect(judgeCost).toBeGreaterThan(0);
    const res = await call(stack.gateway.url, 'GET', '/v1/router/timeseries?route=judged&buckets=2', ADMIN_KEY);
    const series = (
      res.json as unknown as {
        data: Array<{
          buckets: Array<{ judge_cost_usd: number; savings_usd: number; cost_usd: number; baseline_cost_usd: number }>;
          totals: Record<string, number>;
          budget: { spent_today_usd: number; daily: Array<{ cost_usd: number; requests: number }> };
        }>;
      }
    ).data[0];
    // The day's spend is all the route's billed calls: its requests and its judge's.
    expect(series.budget.daily).toHaveLength(1);
    expect(series.budget.daily[0].requests).toBe(12);
    expect(series.budget.daily[0].cost_usd).toBeCloseTo(series.totals.cost_usd + judgeCost, 12);
    expect(series.totals.requests).toBe(6);
    expect(series.totals.judge_cost_usd).toBeCloseTo(judgeCost, 12);
    expect(series.totals.savings_usd).toBeCloseTo(series.totals.baseline_cost_usd - series.totals.cost_usd - judgeCost, 12);
    for (const b of series.buckets) expect(b.savings_usd).toBeCloseTo(b.baseline_cost_usd - b.cost_usd - b.judge_cost_usd, 12);
    // The report's judge figure is the same spend.
    const report = (await call(stack.gateway.url, 'GET', '/v1/router/report', ADMIN_KEY)).json as unknown as Report;
    expect(report.routes.find((r) => r.route === 'judged')!.judge!.cost_usd).toBeCloseTo(judgeCost, 12);
  });
});

describe('the summary report of a route whose requests fell back to a model outside its candidates', () => {
  let upstream: FakeOpenAI;
  let stack: Stack;

  beforeAll(async () => {
    // cheap always fails: the request's own fallback (x_router.fallbacks may name any configured model) answers.
    upstream = await startFakeOpenAI((body) => (body.model === 'cheap-upstream' ? { kind: 'error', status: 500 } : { kind: 'text', content: 'ANSWER: 1' }));
    const solo = '  - { name: solo, candidates: [cheap], quality_floor: 0.5 }\n';
    stack = await startStack({ yaml: routerYaml(upstream.url, solo), queue: 'in-process', random: seededRandom(1), env: { ADMIN_API_KEY: ADMIN_KEY } });
  });
  afterAll(async () => {
    await stack?.close();
    await upstream?.close();
  });

  it("shows the fallback model's requests, cost and traffic share under the route", async () => {
    for (let i = 0; i < 3; i++) {
      const res = await call(stack.gateway.url, 'POST', '/v1/chat/completions', GATEWAY_KEY, {
        model: 'solo',
        messages: [{ role: 'user', content: `q ${i}` }],
        x_router: { fallbacks: ['strong'], retries: 0 },
      });
      expect(res.status).toBe(200);
      expect(res.headers['x-router-model']).toBe('strong');
      expect(res.headers['x-router-reason']).toBe('fallback');
    }
    await stack.gateway.runtime.records.flush();
    const rows = await stack.database.handle.db.selectFrom('requests').select(['model_id', 'cost_usd']).where('route', '=', 'solo').execute();
    expect(rows).toHaveLength(3);
    const report = (await call(stack.gateway.url, 'GET', '/v1/router/report', ADMIN_KEY)).json as unknown as Report;
    const solo = report.routes.find((r) => r.route === 'solo')!;
    const strong = solo.models.find((m) => m.model === 'strong');
    expect(strong).toMatchObject({ requests: 3, traffic_share: 1, excluded_because: 'not_a_candidate' });
    expect(solo.models.reduce((n, m) => n + m.total_cost_usd, 0)).toBeCloseTo(rows.reduce((n, r) => n + r.cost_usd, 0), 12);
    expect(solo.requests_in_window).toBe(3);
    // The decision stays among the route's candidates.
    expect(solo.decision.favoured_model).toBe('cheap');
  });
});

describe("the summary report's route totals, requests no model served included", () => {
  let upstream: FakeOpenAI;
  let stack: Stack;

  beforeAll(async () => {
    // cheap always fails; strong answers.
    upstream = await startFakeOpenAI((body) => (body.model === 'cheap-upstream' ? { kind: 'error', status: 500 } : { kind: 'text', content: 'ANSWER: 1' }));
    stack = await startStack({ yaml: routerYaml(upstream.url), queue: 'in-process', random: seededRandom(1), env: { ADMIN_API_KEY: ADMIN_KEY } });
  });
  afterAll(async () => {
    await stack?.close();
    await upstream?.close();
  });

  it('counts the requests that failed on every model, and what all requests of the route cost', async () => {
    const failing = { model: 'cheap', messages: [{ role: 'user', content: 'hi' }], x_router: { retries: 0 } };
    for (let i = 0; i < 2; i++) expect((await call(stack.gateway.url, 'POST', '/v1/chat/completions', GATEWAY_KEY, failing)).status).toBe(502);
    expect((await call(stack.gateway.url, 'POST', '/v1/chat/completions', GATEWAY_KEY, { model: 'strong', messages: [{ role: 'user', content: 'hi' }] })).status).toBe(200);
    await stack.gateway.runtime.records.flush();
    const report = (await call(stack.gateway.url, 'GET', '/v1/router/report', ADMIN_KEY)).json as unknown as Report;
    const rows = await stack.database.handle.db.selectFrom('requests').select(['route', 'status', 'cost_usd']).execute();
    for (const name of ['cheap', 'strong']) {
      const route = report.routes.find((r) => r.route === name);
      const mine = rows.filter((r) => r.route === name);
      expect(route).toMatchObject({ requests: mine.length, errors: mine.filter((r) => r.status === 'error').length });
      expect(route!.total_cost_usd).toBeCloseTo(mine.reduce((n, r) => n + r.cost_usd, 0), 12);
    }
    expect(report.routes.find((r) => r.route === 'cheap')).toMatchObject({ requests: 2, errors: 2 });
  });
});
