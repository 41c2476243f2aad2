import { believedQuality } from '../../apps/gateway/src/report/explain-constraints';
import { AttemptRunner } from '../../apps/gateway/src/chat/attempt-runner';
import { GATEWAY_KEY } from '../support/stack';
import { startLearningRun, waitForScores, type LearningRun } from '../dashboard/learning-run';
import { parsePrometheusText, sumOf, type Family } from './parse-prometheus';

describe('/metrics', () => {
  let run: LearningRun;

  beforeAll(async () => {
    run = await startLearningRun({ requests: 120 });
    await waitForScores(run);
    await run.stack.gateway.runtime.learned.refresh();
    const url = `${run.stack.gateway.url}/v1/chat/completions`;
    const headers = { authorization: `Bearer ${GATEWAY_KEY}`, 'content-type': 'application/json' };
    // Failures are counted too: malformed JSON, an unknown model, and an upstream 500 on the only candidate.
    await (await fetch(url, { method: 'POST', headers, body: '{not json' })).text();
    await (await fetch(url, { method: 'POST', headers, body: JSON.stringify({ model: 'nope', messages: [{ role: 'user', content: 'x' }] }) })).text();
    run.upstream.setBehavior(() => ({ kind: 'error', status: 500 }));
    await (await fetch(url, { method: 'POST', headers, body: JSON.stringify({ model: 'strong', messages: [{ role: 'user', content: 'x' }] }) })).text();
    await run.stack.gateway.runtime.records.flush();
  });
  afterAll(async () => {
    await run?.close();
  });

  async function scrape(): Promise<Map<string, Family>> {
    const res = await fetch(`${run.stack.gateway.url}/metrics`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    return parsePrometheusText(await res.text());
  }

  it('is valid Prometheus text whose counters match the request records', async () => {
    const families = await scrape();
    const db = run.stack.database.handle.db;
    const rows = await db
      .selectFrom('requests')
      .select(['route', 'model_id', 'status', 'prompt_tokens', 'completion_tokens', 'cost_usd', 'ttft_ms', 'decision_reason'])
      .execute();
    expect(rows).toHaveLength(123);
    expect(sumOf(families, 'router_requests_total')).toBe(rows.length);
    const groups = new Map<string, number>();
    for (const r of rows) {
      const key = `${r.route ?? 'none'}|${r.model_id ?? 'none'}|${r.status}`;
      groups.set(key, (groups.get(key) ?? 0) + 1);
    }
    for (const [key, n] of groups) {
      const [route, model, status] = key.split('|');
      expect([key, sumOf(families, 'router_requests_total', { route, model, status })]).toEqual([key, n]);
    }
    expect(sumOf(families, 'router_request_errors_total')).toBe(rows.filter((r) => r.status === 'error').length);
    expect(sumOf(families, 'router_request_errors_total', { route: 'none' })).toBe(2);
    expect(sumOf(families, 'router_tokens_total', { kind: 'prompt' })).toBe(rows.reduce((n, r) => n + r.prompt_tokens, 0));
    expect(sumOf(families, 'router_tokens_total', { kind: 'completion' })).toBe(rows.reduce((n, r) => n + r.completion_tokens, 0));
    expect(sumOf(families, 'router_spend_usd_total')).toBeCloseTo(rows.reduce((n, r) => n + r.cost_usd, 0), 12);
    expect(sumOf(families, 'router_decisions_total', { reason: 'explore' })).toBe(rows.filter((r) => r.decision_reason === 'explore').length);
    expect(sumOf(families, 'router_request_duration_seconds', {}, 'router_request_duration_seconds_count')).toBe(rows.length);
    expect(sumOf(families, 'router_time_to_first_token_seconds', {}, 'router_time_to_first_token_seconds_count')).toBe(rows.filter((r) => r.ttft_ms !== null).length);
  });

  it('shows traffic share, learned reward, budget, queue depth and scoring lag', async () => {
    const families = await scrape();
    const cheap = sumOf(families, 'router_traffic_share', { route: 'auto', model: 'cheap' });
    const strong = sumOf(families, 'router_traffic_share', { route: 'auto', model: 'strong' });
    expect(cheap + strong).toBeCloseTo(1, 12);
    expect(cheap).toBe(run.served.filter((m) => m === 'cheap').length / run.served.length);
    const arm = run.stack.gateway.runtime.learned.armsFor('auto').get('cheap')!;
    const reward = families.get('router_reward_mean')!.samples.find((s) => s.labels.route === 'auto' && s.labels.context === '' && s.labels.model === 'cheap');
    // The belief the report shows: the route's price prior (Beta(1, 1) without one) updated by the scores.
    expect(reward!.value).toBeCloseTo(believedQuality(run.stack.gateway.runtime.config.routes.get('auto')!, 'cheap', arm), 12);
    expect(reward!.value).toBeGreaterThan(0.8);
    const spent = sumOf(families, 'router_spent_today_usd', { route: 'auto' });
    expect(spent).toBeGreaterThan(0);
    expect(sumOf(families, 'router_budget_remaining_usd', { route: 'auto' })).toBeCloseTo(50 - spent, 9);
    expect(families.get('router_queue_depth')!.samples).toHaveLength(1);
    expect(families.get('router_scoring_lag_seconds')!.samples[0].value).toBeGreaterThanOrEqual(0);
    expect(families.get('router_unscored_requests')!.samples).toHaveLength(1);
    // The learned-state reads and the rows they returned: at least every arm held, not every read re-reading them.
    const held = run.stack.gateway.runtime.learned.entries().reduce((n, e) => n + e.arms.size, 0);
    const rowsRead = sumOf(families, 'router_learned_rows_read_total');
    expect(rowsRead).toBe(run.stack.gateway.runtime.learned.rowsRead);
    expect(rowsRead).toBeGreaterThanOrEqual(held);
  });

  it('shows each deployment\'s circuit breaker, and an open one as 2', async () => {
    const breakerOf = async (deployment: string) =>
      (await scrape()).get('router_circuit_state')!.samples.find((s) => s.labels.deployment === deployment)?.value;
    expect(await breakerOf('fake/cheap')).toBe(0);
    const deployments = run.stack.gateway.app.get(AttemptRunner).health.deployments;
    for (let i = 0; i < 10; i++) deployments.recordFailure('fake/cheap');
    expect(await breakerOf('fake/cheap')).toBe(2);
    expect(await breakerOf('fake/strong')).toBe(0);
  });

  it('keeps one registry per gateway: a second gateway in this process starts from zero', async () => {
    const other = await startLearningRun({ requests: 3 });
    try {
      const text = await (await fetch(`${other.stack.gateway.url}/metrics`)).text();
      expect(sumOf(parsePrometheusText(text), 'router_requests_total')).toBe(3);
      expect(sumOf(await scrape(), 'router_requests_total')).toBe(123);
    } finally {
      await other.close();
    }
  });
});
