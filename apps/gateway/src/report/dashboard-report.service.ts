import { Inject, Injectable } from '@nestjs/common';
import { implicitRoute, type AppConfig, type RouteSpec } from '../../../../libs/config/src';
import { GatewayError, type Clock } from '../../../../libs/core/src';
import type { AttemptRecord } from '../../../../libs/storage/src';
import { DashboardRepository, type Bucketing, type RecentRequestRow } from '../../../../libs/storage/src/repositories/dashboard.repository';
import { LearnedState } from '../routing/learned-state';
import { DEFAULT_COMPLETION_TOKENS, priceUsd } from '../routing/plan-route';
import { RouteSignals } from '../routing/route-signals';
import { SpendTracker } from '../routing/spend-tracker';
import { CLOCK, APP_CONFIG } from '../tokens';
import { baselineModel, buildSeries, type RouteSeries } from './build-series';
import { believedQuality, currentDecision, exclusions, tierOfContext } from './explain-constraints';

const BUDGET_HISTORY_DAYS = 14;

/** How a request travelled: each attempt in order, the served one last. */
function pathOf(attempts: AttemptRecord[]): string {
  return attempts.map((a) => (a.status === 'success' ? a.modelId : `${a.modelId}(${a.errorKind ?? a.httpStatus ?? 'error'})`)).join(' -> ');
}

function recentView(r: RecentRequestRow) {
  const attempts = Array.isArray(r.attempts) ? r.attempts : [];
  return {
    id: r.id,
    created_at: new Date(r.created_at).toISOString(),
    route: r.route,
    model: r.model_id,
    provider: r.provider_id,
    status: r.status,
    http_status: r.http_status,
    error_type: r.error_type,
    // As the caller's x-router-reason: `fallback` once another model answered; a retry on the same model is not one.
    decision_reason: new Set(attempts.map((a) => a.modelId)).size > 1 ? 'fallback' : r.decision_reason,
    /** `embeddings`: a POST /v1/embeddings call (a pinned model, no routing decision, never scored). */
    kind: r.kind,
    streamed: r.streamed,
    path: pathOf(attempts),
    attempts,
    prompt_tokens: r.prompt_tokens,
    completion_tokens: r.completion_tokens,
    cost_usd: r.cost_usd,
    latency_ms: r.latency_ms,
    ttft_ms: r.ttft_ms,
    reward: r.reward,
  };
}

/** The dashboard's and the CLI's reports beyond the summary: time series, recent requests, one request, beliefs per context. */
@Injectable()
export class DashboardReportService {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly repository: DashboardRepository,
    private readonly learned: LearnedState,
    private readonly spend: SpendTracker,
    private readonly signals: RouteSignals,
  ) {}

  routeNamed(name: string): RouteSpec {
    const route = this.config.routes.get(name);
    if (route) return route;
    if (this.config.models.has(name)) return implicitRoute(name);
    throw GatewayError.notFound(`The route '${name}' does not exist.`, 'route_not_found', 'route');
  }

  async series(routeName: string | undefined, limit: number, bucketing: Bucketing) {
    const routes = routeName ? [this.routeNamed(routeName)] : [...this.config.routes.values()];
    const today = new Date(this.clock.now());
    const since = new Date(today.getTime() - (BUDGET_HISTORY_DAYS - 1) * 86_400_000).toISOString().slice(0, 10);
    const data = await Promise.all(
      routes.map(async (route): Promise<RouteSeries & { budget: unknown }> => {
        const [cells, daily] = await Promise.all([
          this.repository.series(route.name, limit, bucketing, route.qualityFloor, baselineModel(route, this.config.models)?.longContext?.abovePromptTokens ?? null),
          this.repository.dailySpend(route.name, since),
        ]);
        const spentToday = this.spend.spentToday(route.name);
        return {
          ...buildSeries(route, this.config.models, cells, bucketing, limit),
          budget: {
            budget_usd_per_day: route.budgetUsdPerDay ?? null,
            spent_today_usd: spentToday,
            remaining_today_usd: route.budgetUsdPerDay === undefined ? null : Math.max(0, route.budgetUsdPerDay - spentToday),
            daily: daily.map((d) => ({ ...d, budget_usd: route.budgetUsdPerDay ?? null })),
          },
        };
      }),
    );
    return { object: 'list', data };
  }

  async recent(routeName: string | undefined, limit: number) {
    if (routeName) this.routeNamed(routeName);
    const rows = await this.repository.recent({ route: routeName, limit });
    return { object: 'list', data: rows.map(recentView) };
  }

  async request(id: string) {
    const row = await this.repository.detail(id);
    if (!row) throw GatewayError.notFound(`No request '${id}' is recorded (records are written a moment after the answer).`, 'request_not_found', 'id');
    return {
      object: 'router.request',
      ...recentView(row),
      context_key: row.context_key,
      key_id: row.key_id,
      error_message: row.error_message,
      finish_reason: row.finish_reason,
      cached_tokens: row.cached_tokens,
      score: row.score && { ...row.score, scored_at: new Date(row.score.scored_at).toISOString() },
      feedback: row.user_feedback && { ...row.user_feedback, created_at: new Date(row.user_feedback.created_at).toISOString() },
    };
  }

  /** What the router believes now, per route and context, and which model that favours. */
  async beliefs() {
    await this.learned.refresh();
    const entries = this.learned.entries();
    const routes = [...this.config.routes.values()];
    for (const e of entries) if (!routes.some((r) => r.name === e.route) && this.config.models.has(e.route)) routes.push(this.routeNamed(e.route));
    return {
      object: 'router.beliefs',
      routes: routes.map((route) => {
        const routeArms = this.learned.armsFor(route.name);
        const specs = route.candidates.map((id) => this.config.models.get(id)!);
        const ttft = specs.map((spec) => this.signals.expectedTtftMs(spec.id) ?? spec.expectedTtftMs);
        return {
          route: route.name,
          quality_floor: route.qualityFloor,
          contexts: entries
            .filter((e) => e.route === route.name)
            .sort((a, b) => a.contextKey.localeCompare(b.contextKey))
            .map((e) => {
              // The route-level entry ('') is the shared prior; a context's own evidence goes on top of it.
              const contextual = e.contextKey !== '';
              const tier = contextual ? tierOfContext(route, e.contextKey) : undefined;
              const limits = tier ?? route;
              const models = route.candidates.map((id, i) => {
                const arm = e.arms.get(id);
                const evidence = arm ? arm.successes + arm.failures : 0;
                const spec = specs[i];
                const expectedCost = arm && evidence >= 1 ? arm.costUsd / evidence : priceUsd(spec, 500, DEFAULT_COMPLETION_TOKENS);
                const meanQuality = contextual ? believedQuality(route, id, routeArms.get(id), arm ?? null) : believedQuality(route, id, arm);
                return { model: id, mean_quality: meanQuality, evidence, expected_cost_usd: expectedCost, expected_ttft_ms: ttft[i] ?? null, excluded_because: null as string | null };
              });
              const out = exclusions(limits, specs.map((model, i) => ({ model, expectedCostUsd: models[i].expected_cost_usd, ttftMs: ttft[i] })));
              models.forEach((m, i) => (m.excluded_because = out[i] ?? null));
              return {
                context_key: e.contextKey,
                tier: tier?.name ?? null,
                quality_floor: limits.qualityFloor,
                // A model proven here until its drift alarm: models proven across the route stand in for it.
                refuted_anchor: contextual ? (this.learned.refutedIn(route.name, e.contextKey) ?? null) : null,
                decision: currentDecision(
                  { qualityFloor: limits.qualityFloor, relativeFloor: route.relativeFloor },
                  models.map((m) => ({ model: m.model, meanQuality: m.mean_quality, expectedCostUsd: m.expected_cost_usd, excludedBecause: m.excluded_because ?? undefined })),
                ),
                models,
              };
            }),
        };
      }),
    };
  }
}
