import { Inject, Injectable } from '@nestjs/common';
import type { AppConfig, RouteSpec } from '../../../../libs/config/src';
import type { ArmState } from '../../../../libs/router/src';
import { ReportRepository } from '../../../../libs/storage/src';
import type { JobQueue } from '../../../../libs/queue/src';
import { AttemptRunner } from '../chat/attempt-runner';
import { LearnedState } from '../routing/learned-state';
import { DEFAULT_COMPLETION_TOKENS, priceUsd } from '../routing/plan-route';
import { SpendTracker } from '../routing/spend-tracker';
import { APP_CONFIG, JOB_QUEUE } from '../tokens';

const PRIOR = 1;

/** Normal-approximation 95% interval of a mean reward, clipped to [0, 1]. */
export function rewardInterval(mean: number, variance: number, n: number): [number, number] | null {
  if (n === 0) return null;
  const half = n > 1 ? 1.96 * Math.sqrt(variance / n) : 1;
  return [Math.max(0, mean - half), Math.min(1, mean + half)];
}

/**
 * What the router believes now: the favoured model is the cheapest whose posterior mean quality
 * clears the floor, else the best-known one (and the report says the floor is not met).
 */
export function currentDecision(route: RouteSpec, beliefs: Array<{ model: string; meanQuality: number; expectedCostUsd: number }>) {
  const clear = beliefs.filter((b) => b.meanQuality >= route.qualityFloor).sort((a, b) => a.expectedCostUsd - b.expectedCostUsd);
  if (clear.length > 0) {
    const pick = clear[0];
    return {
      favoured_model: pick.model,
      floor_unmet: false,
      why: `cheapest model believed to clear the quality floor ${route.qualityFloor} (estimated quality ${pick.meanQuality.toFixed(3)})`,
    };
  }
  const best = [...beliefs].sort((a, b) => b.meanQuality - a.meanQuality)[0];
  return {
    favoured_model: best?.model ?? null,
    floor_unmet: true,
    why: best
      ? `no model is known to meet the floor ${route.qualityFloor}; preferring the best-known (estimated quality ${best.meanQuality.toFixed(3)})`
      : 'no candidates',
  };
}

@Injectable()
export class ReportService {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly reports: ReportRepository,
    private readonly learned: LearnedState,
    private readonly spend: SpendTracker,
    private readonly attempts: AttemptRunner,
    @Inject(JOB_QUEUE) private readonly queue: JobQueue,
  ) {}

  async build(window: number) {
    await this.learned.refresh();
    const [usage, rewards, share, deadJobs] = await Promise.all([
      this.reports.usage(),
      this.reports.rewards(),
      this.reports.recentShare(window),
      // Scoring jobs that failed for good (poison payloads, or out of retries); null when the queue does not answer.
      (this.queue.deadLetterCount?.() ?? Promise.resolve(0)).catch(() => null),
    ]);
    const key = (route: string, model: string) => `${route}\u0000${model}`;
    const usageBy = new Map(usage.map((u) => [key(u.route, u.model_id), u]));
    const rewardBy = new Map(rewards.map((r) => [key(r.route, r.model_id), r]));
    const shareBy = new Map(share.map((s) => [key(s.route, s.model_id), s.requests]));
    const routes: RouteSpec[] = [...this.config.routes.values()];
    // Models called directly by name appear as one-model routes.
    for (const u of usage) {
      if (!this.config.routes.has(u.route) && this.config.models.has(u.route) && !routes.some((r) => r.name === u.route)) {
        routes.push({ name: u.route, candidates: [u.route], qualityFloor: 0, discount: 0.99, validators: [], implicit: true });
      }
    }
    return {
      object: 'router.report',
      window,
      /** Circuit breakers per deployment and per (route, model) schema cooldowns; see docs/fallbacks.md. */
      health: this.attempts.health.report(),
      scoring: { dead_letter_jobs: deadJobs },
      routes: routes.map((route) => {
        const arms = this.learned.armsFor(route.name);
        const windowTotal = route.candidates.reduce((n, m) => n + (shareBy.get(key(route.name, m)) ?? 0), 0);
        const models = route.candidates.map((modelId) => {
          const spec = this.config.models.get(modelId)!;
          const u = usageBy.get(key(route.name, modelId));
          const r = rewardBy.get(key(route.name, modelId));
          const arm: ArmState | undefined = arms.get(modelId);
          const evidence = arm ? arm.successes + arm.failures : 0;
          const meanQuality = ((arm?.successes ?? 0) + PRIOR) / (evidence + 2 * PRIOR);
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
            reward_interval: r ? rewardInterval(r.mean_reward, r.var_reward, r.scored) : null,
            belief: { mean_quality: meanQuality, evidence, expected_cost_usd: expectedCostUsd },
            mean_cost_usd: u && u.requests > 0 ? u.cost_usd / u.requests : null,
            total_cost_usd: u?.cost_usd ?? 0,
            mean_latency_ms: u?.mean_latency_ms ?? null,
            mean_ttft_ms: u?.mean_ttft_ms ?? null,
          };
        });
        return {
          route: route.name,
          implicit: route.implicit,
          quality_floor: route.qualityFloor,
          budget_usd_per_day: route.budgetUsdPerDay ?? null,
          spent_today_usd: this.spend.spentToday(route.name),
          requests_in_window: windowTotal,
          decision: currentDecision(
            route,
            models.map((m) => ({ model: m.model, meanQuality: m.belief.mean_quality, expectedCostUsd: m.belief.expected_cost_usd })),
          ),
          models,
        };
      }),
    };
  }
}
