import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { AttemptRunner } from '../chat/attempt-runner';
import { implicitRoute, type AppConfig } from '../../../../libs/config/src';
import { withTimeout, type Clock } from '../../../../libs/core/src';
import type { JobQueue } from '../../../../libs/queue/src';
import type { NewRequestRow } from '../../../../libs/storage/src';
import { DashboardRepository } from '../../../../libs/storage/src/repositories/dashboard.repository';
import { RequestEvents } from '../events/request-events';
import { LearnedState } from '../routing/learned-state';
import { SpendTracker } from '../routing/spend-tracker';
import { believedQuality } from '../report/explain-constraints';
import { APP_CONFIG, CLOCK, JOB_QUEUE } from '../tokens';
import { TrafficWindow } from './traffic-window';

const SHARE_WINDOW = 200;
/** How far back a scrape looks for served requests still waiting for their score. */
const LAG_LOOKBACK_MS = 60 * 60 * 1000;
/** How far back a scrape counts judge calls. */
const JUDGE_LOOKBACK_MS = 60 * 60 * 1000;
const SCRAPE_TIMEOUT_MS = 2000;
const NONE = 'none';

function attemptCount(attempts: unknown): number {
  if (typeof attempts !== 'string' || attempts.length <= 2) return 0;
  // JSON.stringify of two or more attempt objects always contains '},{': without it there is one.
  if (!attempts.includes('},{')) return 1;
  try {
    const parsed: unknown = JSON.parse(attempts);
    return Array.isArray(parsed) ? parsed.length : 0;
  } catch {
    return 0;
  }
}

/**
 * Prometheus metrics of one gateway instance, on its own registry (several gateways in one process do
 * not collide). Request counters are updated from `RequestEvents` in O(1); learned state, budget,
 * queue depth and scoring lag are read when Prometheus scrapes, never on the request path.
 */
@Injectable()
export class MetricsService implements OnModuleInit {
  readonly registry = new Registry();
  private readonly traffic = new TrafficWindow(SHARE_WINDOW);
  private readonly requests: Counter<'route' | 'model' | 'status'>;
  private readonly errors: Counter<'route' | 'model' | 'type'>;
  private readonly decisions: Counter<'route' | 'reason'>;
  private readonly fallbacks: Counter<'route'>;
  private readonly tokens: Counter<'route' | 'model' | 'kind'>;
  private readonly spendTotal: Counter<'route' | 'model'>;
  private readonly latency: Histogram<'route' | 'model'>;
  private readonly ttft: Histogram<'route' | 'model'>;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(JOB_QUEUE) private readonly queue: JobQueue,
    private readonly events: RequestEvents,
    private readonly learned: LearnedState,
    private readonly spend: SpendTracker,
    private readonly dashboard: DashboardRepository,
    private readonly attempts: AttemptRunner,
  ) {
    const registers = [this.registry];
    collectDefaultMetrics({ register: this.registry, prefix: 'router_process_' });
    this.requests = new Counter({ name: 'router_requests_total', help: 'Chat completion requests finished, by route, serving model and status.', labelNames: ['route', 'model', 'status'], registers });
    this.errors = new Counter({ name: 'router_request_errors_total', help: 'Chat completion requests that failed, by error type.', labelNames: ['route', 'model', 'type'], registers });
    this.decisions = new Counter({ name: 'router_decisions_total', help: 'Routing decisions by reason (exploit, explore, constraint, only_candidate).', labelNames: ['route', 'reason'], registers });
    this.fallbacks = new Counter({ name: 'router_fallbacks_total', help: 'Requests that needed more than one upstream attempt.', labelNames: ['route'], registers });
    this.tokens = new Counter({ name: 'router_tokens_total', help: 'Tokens billed, by kind (prompt, completion, cached): as upstreams report them, estimated when one reports none.', labelNames: ['route', 'model', 'kind'], registers });
    this.spendTotal = new Counter({ name: 'router_spend_usd_total', help: 'USD spent on upstream calls.', labelNames: ['route', 'model'], registers });
    this.latency = new Histogram({
      name: 'router_request_duration_seconds',
      help: 'Time from request to the last byte of the answer.',
      labelNames: ['route', 'model'],
      buckets: [0.05, 0.1, 0.25, 0.5, 1, 2, 4, 8, 16, 32, 64],
      registers,
    });
    this.ttft = new Histogram({
      name: 'router_time_to_first_token_seconds',
      help: 'Time from request to the first streamed token (streamed requests only).',
      labelNames: ['route', 'model'],
      buckets: [0.05, 0.1, 0.25, 0.5, 1, 2, 4, 8, 16],
      registers,
    });
    // Collectors below are plain functions called with the gauge as `this`: they close over the constructor's parameters.
    const traffic = this.traffic;
    const health = this.attempts.health;
    new Gauge({
      name: 'router_circuit_state',
      help: 'Circuit breaker per deployment (provider/model): 0 closed, 1 half-open (probing), 2 open (no traffic).',
      labelNames: ['deployment'],
      registers,
      collect() {
        this.reset();
        for (const d of health.report().deployments) this.set({ deployment: d.deployment }, d.state === 'open' ? 2 : d.state === 'half_open' ? 1 : 0);
      },
    });
    new Gauge({
      name: 'router_traffic_share',
      help: `Share of each route's last ${SHARE_WINDOW} requests served by each model (this instance).`,
      labelNames: ['route', 'model'],
      registers,
      collect() {
        this.reset();
        for (const s of traffic.shares()) this.set({ route: s.route, model: s.model }, s.share);
      },
    });
    new Counter({
      name: 'router_learned_refreshes_total',
      help: 'Reads of the learned statistics from Postgres by this instance (poll, and announcements from workers).',
      registers,
      collect() {
        this.reset();
        this.inc(learned.refreshes);
      },
    });
    new Counter({
      name: 'router_learned_rows_read_total',
      help: 'Arm rows read by those reads (each written row about once; docs/architecture.md).',
      registers,
      collect() {
        this.reset();
        this.inc(learned.rowsRead);
      },
    });
    new Gauge({
      name: 'router_reward_mean',
      help: 'Believed quality (posterior mean reward) per route, context and model, as the report shows it.',
      labelNames: ['route', 'context', 'model'],
      registers,
      collect() {
        this.reset();
        // What the router believes, as the report and /v1/router/beliefs show it (the route's price prior, a context's on top of the route's).
        for (const e of learned.entries()) {
          const route = config.routes.get(e.route) ?? implicitRoute(e.route);
          const routeArms = e.contextKey === '' ? undefined : learned.armsFor(e.route);
          for (const [model, arm] of e.arms) {
            this.set({ route: e.route, context: e.contextKey, model }, routeArms ? believedQuality(route, model, routeArms.get(model), arm) : believedQuality(route, model, arm));
          }
        }
      },
    });
    new Gauge({
      name: 'router_reward_evidence',
      help: 'Effective (discounted) number of scored answers behind each learned mean.',
      labelNames: ['route', 'context', 'model'],
      registers,
      collect() {
        this.reset();
        for (const e of learned.entries()) for (const [model, arm] of e.arms) this.set({ route: e.route, context: e.contextKey, model }, arm.successes + arm.failures);
      },
    });
    new Gauge({
      name: 'router_spent_today_usd',
      help: 'USD spent today (UTC) per route.',
      labelNames: ['route'],
      registers,
      collect() {
        for (const route of config.routes.values()) this.set({ route: route.name }, spend.spentToday(route.name));
      },
    });
    new Gauge({
      name: 'router_budget_remaining_usd',
      help: "What is left of each budgeted route's daily budget (UTC day).",
      labelNames: ['route'],
      registers,
      collect() {
        for (const route of config.routes.values()) {
          if (route.budgetUsdPerDay !== undefined) this.set({ route: route.name }, Math.max(0, route.budgetUsdPerDay - spend.spentToday(route.name)));
        }
      },
    });
    new Gauge({
      name: 'router_queue_depth',
      help: 'Scoring jobs waiting or running.',
      registers,
      async collect() {
        try {
          this.set(await withTimeout(queue.depth(), SCRAPE_TIMEOUT_MS, 'queue depth'));
        } catch {
          this.reset();
        }
      },
    });
    // Both lag gauges are collected concurrently by one scrape: they share one query.
    const lag = { pending: 0, seconds: 0, ok: false };
    let reading: Promise<void> | undefined;
    const readLag = () =>
      (reading ??= this.readScoringLag(lag).finally(() => {
        reading = undefined;
      }));
    new Gauge({
      name: 'router_scoring_lag_seconds',
      help: 'Age of the oldest served request (last hour) that has no score yet; 0 when all are scored.',
      registers,
      async collect() {
        await readLag();
        if (lag.ok) this.set(lag.seconds);
        else this.reset();
      },
    });
    new Gauge({
      name: 'router_unscored_requests',
      help: 'Served requests of the last hour that have no score yet.',
      registers,
      async collect() {
        await readLag();
        if (lag.ok) this.set(lag.pending);
        else this.reset();
      },
    });
    // Judge calls are made by the scoring worker (or this process's in-process queue): read from their
    // records at scrape time, the last hour's, with one query shared by both gauges.
    const judged = { rows: [] as Awaited<ReturnType<DashboardRepository['judgeCalls']>>, ok: false };
    let readingJudge: Promise<void> | undefined;
    const readJudge = () =>
      (readingJudge ??= this.readJudgeCalls(judged).finally(() => {
        readingJudge = undefined;
      }));
    new Gauge({
      name: 'router_judge_calls_last_hour',
      help: "Calls of each route's judge model in the last hour (any process), by judge model and status (error: the judge was unavailable).",
      labelNames: ['route', 'model', 'status'],
      registers,
      async collect() {
        await readJudge();
        this.reset();
        if (judged.ok) for (const r of judged.rows) this.set({ route: r.route, model: r.modelId, status: r.status }, r.calls);
      },
    });
    new Gauge({
      name: 'router_judge_spend_last_hour_usd',
      help: "USD spent on each route's judge calls in the last hour (any process), by judge model.",
      labelNames: ['route', 'model'],
      registers,
      async collect() {
        await readJudge();
        this.reset();
        if (!judged.ok) return;
        for (const r of judged.rows) this.inc({ route: r.route, model: r.modelId }, r.costUsd);
      },
    });
  }

  onModuleInit(): void {
    this.events.onFinished((row) => this.observe(row));
  }

  /** One finished request: a handful of counter updates. */
  observe(row: NewRequestRow): void {
    const route = row.route ?? NONE;
    const model = row.model_id ?? NONE;
    const status = row.status;
    this.requests.inc({ route, model, status });
    if (status === 'error') this.errors.inc({ route, model, type: row.error_type ?? 'unknown' });
    if (row.decision_reason) this.decisions.inc({ route, reason: row.decision_reason });
    if (attemptCount(row.attempts) > 1) this.fallbacks.inc({ route });
    if (row.prompt_tokens) this.tokens.inc({ route, model, kind: 'prompt' }, row.prompt_tokens);
    if (row.completion_tokens) this.tokens.inc({ route, model, kind: 'completion' }, row.completion_tokens);
    if (row.cached_tokens) this.tokens.inc({ route, model, kind: 'cached' }, row.cached_tokens);
    if (row.cost_usd) this.spendTotal.inc({ route, model }, row.cost_usd);
    if (row.latency_ms !== undefined) this.latency.observe({ route, model }, row.latency_ms / 1000);
    if (row.ttft_ms !== null && row.ttft_ms !== undefined) this.ttft.observe({ route, model }, row.ttft_ms / 1000);
    if (row.route && row.model_id) this.traffic.add(row.route, row.model_id);
  }

  private async readScoringLag(into: { pending: number; seconds: number; ok: boolean }): Promise<void> {
    const routes = [...this.config.routes.keys(), ...this.config.models.keys()];
    const now = this.clock.now();
    try {
      const { pending, oldest } = await withTimeout(this.dashboard.unscored(routes, new Date(now - LAG_LOOKBACK_MS)), SCRAPE_TIMEOUT_MS, 'scoring lag');
      into.pending = pending;
      into.seconds = oldest ? Math.max(0, (now - oldest.getTime()) / 1000) : 0;
      into.ok = true;
    } catch {
      into.ok = false;
    }
  }

  private async readJudgeCalls(into: { rows: Awaited<ReturnType<DashboardRepository['judgeCalls']>>; ok: boolean }): Promise<void> {
    const routes = [...this.config.routes.values()].filter((r) => r.judge).map((r) => r.name);
    try {
      into.rows = await withTimeout(this.dashboard.judgeCalls(routes, new Date(this.clock.now() - JUDGE_LOOKBACK_MS)), SCRAPE_TIMEOUT_MS, 'judge calls');
      into.ok = true;
    } catch {
      into.ok = false;
    }
  }

  metrics(): Promise<string> {
    return this.registry.metrics();
  }
}
