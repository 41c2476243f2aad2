import { GATEWAY_KEY } from '../support/stack';
import type { OpenAIErrorBody } from '../../libs/core/src';
import type { DashboardReportService } from '../../apps/gateway/src/report/dashboard-report.service';
import { adminGet, json, startLearningRun, waitForScores, type LearningRun } from './learning-run';

type Series = Awaited<ReturnType<DashboardReportService['series']>>;
type Recent = Awaited<ReturnType<DashboardReportService['recent']>>;
type Detail = Awaited<ReturnType<DashboardReportService['request']>>;
type Beliefs = Awaited<ReturnType<DashboardReportService['beliefs']>>;

interface Bucket {
  requests: number;
  models: Record<string, { share: number; requests: number; mean_reward: number | null; reward_interval: [number, number] | null }>;
  cost_usd: number;
  baseline_cost_usd: number;
  savings_usd: number;
  exploration_share: number;
  decision_reasons: Record<string, number>;
  scored: number;
  below_floor: number;
}

describe('report JSON: time series, recent requests, drill-down, beliefs', () => {
  let run: LearningRun;

  beforeAll(async () => {
    run = await startLearningRun({ requests: 300 });
    await waitForScores(run);
  });
  afterAll(async () => {
    await run?.close();
  });

  it('refuses the dashboard endpoints without the admin key, in OpenAI error format', async () => {
    const none = await fetch(`${run.stack.gateway.url}/v1/router/timeseries`);
    expect(none.status).toBe(401);
    expect((await json<OpenAIErrorBody>(none)).error).toMatchObject({ type: 'invalid_request_error', code: null });
    const gatewayKey = await adminGet(run, '/v1/router/requests', GATEWAY_KEY);
    expect(gatewayKey.status).toBe(401);
    const bad = await adminGet(run, '/v1/router/timeseries?limit=0');
    expect(bad.status).toBe(400);
    expect((await json<OpenAIErrorBody>(bad)).error.param).toBe('limit');
    const both = await adminGet(run, '/v1/router/timeseries?bucket_size=10&bucket_seconds=60');
    expect(both.status).toBe(400);
    expect((await adminGet(run, '/v1/router/timeseries?buckets=abc')).status).toBe(400);
    const unknown = await adminGet(run, '/v1/router/timeseries?route=nope');
    expect(unknown.status).toBe(404);
    // The summary report accepts the admin key as well as a gateway key.
    expect((await adminGet(run, '/v1/router/report')).status).toBe(200);
    expect((await adminGet(run, '/v1/router/report', GATEWAY_KEY)).status).toBe(200);
  });

  it('buckets the requests and shows traffic moving to the cheap model, with costs and savings that add up', async () => {
    const res = await adminGet(run, '/v1/router/timeseries?route=auto&bucket_size=50');
    expect(res.status).toBe(200);
    const body = await json<Series>(res);
    const series = body.data[0] as Series['data'][number] & { budget: { budget_usd_per_day: number | null; daily: Array<{ requests: number }> } };
    expect(series.route).toBe('auto');
    expect(series.baseline_model).toBe('strong');
    const buckets: Bucket[] = series.buckets;
    expect(buckets).toHaveLength(6);
    expect(buckets.map((b) => b.requests)).toEqual([50, 50, 50, 50, 50, 50]);
    const first = buckets[0].models.cheap.share;
    const last = buckets[buckets.length - 1].models.cheap.share;
    expect(last).toBeGreaterThan(first);
    expect(last).toBeGreaterThanOrEqual(0.8);
    // Per-bucket counts match the serving models the clients saw.
    const servedCheap = run.served.filter((m) => m === 'cheap').length;
    expect(buckets.reduce((n, b) => n + b.models.cheap.requests, 0)).toBe(servedCheap);
    // Savings = what the strong model would have cost for the same tokens minus the actual cost.
    for (const b of buckets) expect(b.savings_usd).toBeCloseTo(b.baseline_cost_usd - b.cost_usd, 12);
    expect(series.totals.savings_share).toBeGreaterThan(0.5);
    const rewarded = buckets.flatMap((b) => Object.values(b.models)).filter((m) => m.mean_reward !== null);
    for (const m of rewarded) {
      expect(m.reward_interval![0]).toBeLessThanOrEqual(m.mean_reward!);
      expect(m.reward_interval![1]).toBeGreaterThanOrEqual(m.mean_reward!);
    }
    const explored = buckets.reduce((n, b) => n + b.decision_reasons.explore, 0);
    expect(series.totals.exploration_share).toBeCloseTo(explored / 300, 12);
    const db = run.stack.database.handle.db;
    const rows = await db.selectFrom('requests').select(['id', 'decision_reason']).execute();
    expect(explored).toBe(rows.filter((r) => r.decision_reason === 'explore').length);
    const failing = await db.selectFrom('scores').select('reward').where('reward', '<', 0.8).execute();
    expect(series.totals.below_floor).toBe(failing.length);
    expect(series.budget.budget_usd_per_day).toBe(50);
    expect(series.budget.daily).toHaveLength(1);
    expect(series.budget.daily[0].requests).toBe(300);
  });

  it('splits into equal buckets by default, and by time on request', async () => {
    const byCount = await json<Series>(await adminGet(run, '/v1/router/timeseries?route=auto&buckets=30'));
    expect(byCount.data[0].buckets.map((b) => b.requests)).toEqual(new Array(30).fill(10));
    const body = await json<Series>(await adminGet(run, '/v1/router/timeseries?route=auto&bucket_seconds=3600'));
    const buckets: Bucket[] = body.data[0].buckets;
    expect(buckets.reduce((n, b) => n + b.requests, 0)).toBe(300);
  });

  it('lists recent requests with path, latency, cost and reward, and drills down to one', async () => {
    const body = await json<Recent>(await adminGet(run, '/v1/router/requests?route=auto&limit=10'));
    expect(body.data).toHaveLength(10);
    const latest = body.data[0];
    expect(latest.path).toBe(latest.model);
    expect(typeof latest.latency_ms).toBe('number');
    expect(latest.cost_usd).toBeGreaterThan(0);
    expect(typeof latest.reward).toBe('number');
    const streamed = body.data.find((r) => r.streamed);
    expect(typeof streamed!.ttft_ms).toBe('number');
    const detail = await json<Detail>(await adminGet(run, `/v1/router/requests/${encodeURIComponent(latest.id)}`));
    expect(detail.object).toBe('router.request');
    expect(detail.id).toBe(latest.id);
    expect(detail.attempts).toHaveLength(1);
    expect(detail.score!.results[0].validator).toBeDefined();
    const missing = await adminGet(run, '/v1/router/requests/chatcmpl-nope');
    expect(missing.status).toBe(404);
    expect((await json<OpenAIErrorBody>(missing)).error.code).toBe('request_not_found');
  });

  it('shows the beliefs per context and the decision they lead to', async () => {
    const body = await json<Beliefs>(await adminGet(run, '/v1/router/beliefs'));
    const auto = body.routes.find((r) => r.route === 'auto')!;
    expect(auto.contexts.length).toBeGreaterThan(0);
    const routeLevel = auto.contexts.find((c) => c.context_key === '') ?? auto.contexts[0];
    expect(routeLevel.decision.favoured_model).toBe('cheap');
    expect(routeLevel.models.map((m) => m.model)).toEqual(['cheap', 'strong']);
  });
});
