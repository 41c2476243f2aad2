import { Inject, Injectable } from '@nestjs/common';
import { implicitRoute, type AppConfig, type JudgeSpec, type RouteConstraints, type RouteSpec } from '../../../../libs/config/src';
import type { ArmState } from '../../../../libs/router/src';
import { ReportRepository, type JudgeSummaryRow } from '../../../../libs/storage/src';
import type { JobQueue } from '../../../../libs/queue/src';
import { tierSubject } from '../../../../libs/budget/src/budget-definition';
import { BudgetService } from '../budget/budget.service';
import { AttemptRunner } from '../chat/attempt-runner';
import { LearnedState } from '../routing/learned-state';
import { DEFAULT_FEEDBACK_WEIGHT } from '../../../../libs/scoring/src/score-response';
import { DEFAULT_COMPLETION_TOKENS, priceUsd } from '../routing/plan-route';
import { contextPriorStrengthOf, safeExplorationMode, safeExplorationOf } from '../routing/safe-exploration';
import { ScoreDelayGates, type ScoreDelayReading } from '../routing/score-delay-gates';
import { RouteSignals } from '../routing/route-signals';
import { SpendTracker } from '../routing/spend-tracker';
import { APP_CONFIG, JOB_QUEUE } from '../tokens';
import { believedQuality, constraintsView, currentDecision, exclusions } from './explain-constraints';
import { rewardInterval } from './reward-interval';
import { tagBreakdown } from './tag-breakdown';

/** A route's judge in the report: its settings and what it did. */
function judgeView(judge: JudgeSpec, summary: JudgeSummaryRow | undefined) {
  return {
    model: judge.modelId,
    sample_rate: judge.sampleRate,
    weight: judge.weight,
    judged: summary?.judged ?? 0,
    mean_score: summary?.mean_score ?? null,
    unavailable: summary?.unavailable ?? 0,
    skipped_budget: summary?.skipped_budget ?? 0,
    calls: summary?.calls ?? 0,
    cost_usd: summary?.cost_usd ?? 0,
  };
}

/**
 * Who reads the report: the admin key sees every tenant's figures; a gateway key only its tenant's
 * requests, costs, rewards, tags and judge calls, on the routes it may use (`allowedRoutes`, null: all),
 * and no route-wide spend (every tenant's). What the router learned (beliefs, decision) is the route's.
 */
export type ReportViewer = { kind: 'admin' } | { kind: 'tenant'; tenantId: string; allowedRoutes: readonly string[] | null };

/** Kept here for callers that imported it from the report service. */
export { currentDecision };

@Injectable()
export class ReportService {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly reports: ReportRepository,
    private readonly learned: LearnedState,
    private readonly spend: SpendTracker,
    private readonly attempts: AttemptRunner,
    @Inject(JOB_QUEUE) private readonly queue: JobQueue,
    private readonly signals: RouteSignals,
    private readonly budgets: BudgetService,
    private readonly scoreDelays: ScoreDelayGates,
  ) {}

  async build(window: number, viewer: ReportViewer = { kind: 'admin' }) {
    await this.learned.refresh();
    const tenant = viewer.kind === 'tenant' ? viewer.tenantId : undefined;
    const [totals, usage, rewards, share, tagUsage, deadJobs, judges] = await Promise.all([
      this.reports.routeTotals(tenant),
      this.reports.usage(tenant),
      this.reports.rewards(tenant),
      this.reports.recentShare(window, tenant),
      this.reports.tagUsage(tenant),
      // Scoring jobs that failed for good (poison payloads, or out of retries); null when the queue does not answer.
      (this.queue.deadLetterCount?.() ?? Promise.resolve(0)).catch(() => null),
      [...this.config.routes.values()].some((r) => r.judge) ? this.reports.judgeSummary(tenant) : Promise.resolve([]),
    ]);
    const judgeBy = new Map(judges.map((j) => [j.route, j]));
    const key = (route: string, model: string) => `${route}\u0000${model}`;
    const usageBy = new Map(usage.map((u) => [key(u.route, u.model_id), u]));
    const rewardBy = new Map(rewards.map((r) => [key(r.route, r.model_id), r]));
    const shareBy = new Map(share.map((s) => [key(s.route, s.model_id), s.requests]));
    const allRoutes: RouteSpec[] = [...this.config.routes.values()];
    const totalsBy = new Map(totals.map((t) => [t.route, t]));
    // Models called directly by name appear as one-model routes.
    for (const u of totals) {
      if (!this.config.routes.has(u.route) && this.config.models.has(u.route) && !allRoutes.some((r) => r.name === u.route)) {
        allRoutes.push(implicitRoute(u.route));
      }
    }
    // A tier's spend today as its budget counts it, shared by every gateway process (the process's own count without one).
    const tierBudgeted = allRoutes.some((r) => [...(r.tiers?.values() ?? [])].some((t) => t.budgetUsdPerDay !== undefined));
    const tierBudgets = viewer.kind === 'admin' && tierBudgeted ? await this.budgets.statuses({ scope: 'route' }) : [];
    const tierSpent = (route: string, tier: string) =>
      tierBudgets.find((b) => b.subject === tierSubject(route, tier) && b.period === 'day')?.spent_usd ?? this.spend.spentTodayByTier(route, tier);
    const allowed = viewer.kind === 'tenant' ? viewer.allowedRoutes : null;
    const routes = allowed === null ? allRoutes : allRoutes.filter((r) => allowed.includes(r.name));
    /** Route-wide spend is every tenant's: the admin's only. */
    const routeWide = <T>(figure: () => T): T | null => (viewer.kind === 'admin' ? figure() : null);
    return {
      object: 'router.report',
      window,
      /** Circuit breakers per deployment and per (route, model) schema cooldowns; see docs/fallbacks.md. */
      health: this.attempts.health.report(),
      scoring: { dead_letter_jobs: deadJobs },
      routes: routes.map((route) => {
        const arms = this.learned.armsFor(route.name);
        // Models the route's requests reached beyond its candidates (a request's own `x_router.fallbacks` may
        // name any configured model): their traffic and cost are the route's, but they are not in its decision.
        const outside = [...new Set([...usage, ...share].filter((u) => u.route === route.name && !route.candidates.includes(u.model_id) && this.config.models.has(u.model_id)).map((u) => u.model_id))];
        const candidates = route.candidates.length;
        const specs = [...route.candidates, ...outside].map((id) => this.config.models.get(id)!);
        const windowTotal = specs.reduce((n, m) => n + (shareBy.get(key(route.name, m.id)) ?? 0), 0);
        const ttft = specs.map((spec) => this.signals.expectedTtftMs(spec.id) ?? spec.expectedTtftMs);
        const health = specs.map((spec) => this.attempts.health.exclusion(route.name, spec));
        const wordArms = route.learner === 'hashed_words' ? this.learned.wordArmsFor(route.name, route.candidates, route.priorQuality) : undefined;
        const models = specs.map((spec, i) => {
          const modelId = spec.id;
          const u = usageBy.get(key(route.name, modelId));
          const r = rewardBy.get(key(route.name, modelId));
          const arm: ArmState | undefined = arms.get(modelId);
          const evidence = arm ? arm.successes + arm.failures : 0;
          const completion = arm && evidence >= 1 ? arm.completionTokens / evidence : DEFAULT_COMPLETION_TOKENS;
          const expectedCostUsd = arm && evidence >= 1 ? arm.costUsd / evidence : priceUsd(spec, 500, completion);
          return {
            model: modelId,
            provider: spec.providerId,
            requests: u?.requests ?? 0,
            errors: u?.errors ?? 0,
            traffic_share: windowTotal > 0 ? (shareBy.get(key(route.name, modelId)) ?? 0) / windowTotal : 0,
            scored: r?.scored ?? 0,
            mean_reward: r ? r.mean_reward : null,
            reward_interval: r ? rewardInterval(r.mean_reward, r.scored) : null,
            belief: { mean_quality: believedQuality(route, modelId, arm), evidence, expected_cost_usd: expectedCostUsd, prior_quality: route.priorQuality?.[modelId] ?? null },
            /**
             * `learner: hashed_words` only: how many scored answers the model's word model learned from (it decides per
             * prompt), and the log odds of its words against the context's pooled belief (> 0: the words weigh more).
             */
            ...(wordArms && i < candidates ? { word_model: { observations: wordArms[i].observations, words_log_odds: wordArms[i].wordsLogOdds ?? 0 } } : {}),
            mean_cost_usd: u && u.requests > 0 ? u.cost_usd / u.requests : null,
            total_cost_usd: u?.cost_usd ?? 0,
            mean_latency_ms: u?.mean_latency_ms ?? null,
            mean_ttft_ms: u?.mean_ttft_ms ?? null,
            /** What max_ttft_ms is compared with: the observed p90 (streams), else expected_ttft_ms, else null. */
            expected_ttft_ms: ttft[i] ?? null,
            /** The constraint that keeps it out of the route's typical request now (null: eligible). */
            excluded_because: null as string | null,
          };
        });
        const explain = (limits: RouteConstraints) => {
          const out = exclusions(limits, specs.slice(0, candidates).map((model, i) => ({ model, expectedCostUsd: models[i].belief.expected_cost_usd, ttftMs: ttft[i], health: health[i] })));
          return currentDecision(
            { qualityFloor: limits.qualityFloor, relativeFloor: route.relativeFloor },
            models.slice(0, candidates).map((m, i) => ({ model: m.model, meanQuality: m.belief.mean_quality, expectedCostUsd: m.belief.expected_cost_usd, excludedBecause: out[i] })),
          );
        };
        const decision = explain(route);
        models.forEach((m, i) => (m.excluded_because = i >= candidates ? 'not_a_candidate' : (decision.excluded.find((e) => e.model === m.model)?.because ?? null)));
        return {
          route: route.name,
          implicit: route.implicit,
          quality_floor: route.qualityFloor,
          budget_usd_per_day: route.budgetUsdPerDay ?? null,
          spent_today_usd: routeWide(() => this.spend.spentToday(route.name)),
          /** Every request of the route's records (not only the window's), those no model served included, and what they all cost. */
          requests: totalsBy.get(route.name)?.requests ?? 0,
          errors: totalsBy.get(route.name)?.errors ?? 0,
          total_cost_usd: totalsBy.get(route.name)?.cost_usd ?? 0,
          requests_in_window: windowTotal,
          constraints: {
            ...constraintsView(route),
            max_untried_share: route.maxUntriedShare ?? null,
            price_prior: route.priorQuality !== undefined,
            // How it learns (docs/routing.md): null = the option is off. Safe exploration as it decides
            // now: a fixed confidence, or with `auto` what the score-delay gate last read.
            ...safeExplorationView(route, this.scoreDelays.reading(route.name)),
            strict_floor: route.strictFloor === true,
            relative_floor: route.relativeFloor ?? null,
            context_prior_strength: contextPriorStrengthOf(route),
            // The memory it learns with (the learner's default when the file sets none: docs/routing.md).
            discount: route.discount,
            feedback_weight: route.feedbackWeight ?? DEFAULT_FEEDBACK_WEIGHT,
            learner: route.learner ?? 'prompt_contexts',
          },
          decision,
          /**
           * The route's judge model (route option `judge`), null without one: its settings, how many scores
           * it graded (mean verdict 1..10), how many it could not (scored by the validators alone), and its
           * calls' cost (spend, never traffic: `requests` above leaves them out).
           */
          judge: route.judge ? judgeView(route.judge, judgeBy.get(route.name)) : null,
          /** Per `metadata.tier` (or the key's tier): the tier's constraints (the route's where it says nothing), its spend and what it favours. */
          tiers: [...(route.tiers?.values() ?? [])].map((tier) => ({
            tier: tier.name,
            constraints: constraintsView(tier),
            spent_today_usd: routeWide(() => tierSpent(route.name, tier.name)),
            decision: explain(tier),
          })),
          models,
          /** Per caller tag (its key's and its `metadata.tags`): requests, cost, reward and which models served it. */
          tags: tagBreakdown(tagUsage, route.name),
        };
      }),
    };
  }
}

/**
 * A route's safe exploration in the report: `safe_exploration` says who set it (`configured`, `gated`
 * by `floor_confidence: auto`, `off`); `floor_confidence` and `explore_cheaper_share` are what its decisions use now;
 * `score_delay_requests` is the gate's latest estimate of how many requests a score arrives after (null
 * before any score arrived, or when the route is not gated).
 */
function safeExplorationView(route: RouteSpec, reading: ScoreDelayReading | undefined) {
  const mode = safeExplorationMode(route);
  const now = safeExplorationOf(route, reading?.prompt === true);
  return {
    safe_exploration: mode,
    floor_confidence: now.floorConfidence ?? null,
    explore_cheaper_share: now.exploreCheaperShare ?? null,
    score_delay_requests: mode === 'gated' && reading !== undefined && Number.isFinite(reading.delayRequests) ? Math.round(reading.delayRequests) : null,
  };
}
