import type { ModelSpec, RouteSpec } from '../../../../libs/config/src';
import type { Bucketing, SeriesCellRow } from '../../../../libs/storage/src/repositories/dashboard.repository';
import { costUsd } from '../../../../libs/model-call/src';
import { DEFAULT_COMPLETION_TOKENS, priceUsd } from '../routing/plan-route';
import { rewardInterval } from './reward-interval';

const TYPICAL_PROMPT_TOKENS = 500;

/** The mean of `n` rewards summing to `sum`, with its 95% interval (rewardInterval); nulls without scores. */
export function meanInterval(sum: number, n: number): { mean: number | null; interval: [number, number] | null } {
  if (n === 0) return { mean: null, interval: null };
  return { mean: sum / n, interval: rewardInterval(sum / n, n) };
}

/** The candidate that costs most for a typical request: what "always use the strongest" would pay. */
export function baselineModel(route: RouteSpec, models: ReadonlyMap<string, ModelSpec>): ModelSpec | undefined {
  let best: ModelSpec | undefined;
  for (const id of route.candidates) {
    const model = models.get(id);
    if (!model) continue;
    if (!best || priceUsd(model, TYPICAL_PROMPT_TOKENS, DEFAULT_COMPLETION_TOKENS) > priceUsd(best, TYPICAL_PROMPT_TOKENS, DEFAULT_COMPLETION_TOKENS)) best = model;
  }
  return best;
}

/** The token sums of some requests, with those of the requests over a long-context line apart (`SeriesCellRow`). */
export type TokenSums = Pick<SeriesCellRow, 'prompt_tokens' | 'cached_tokens' | 'completion_tokens' | 'long_prompt_tokens' | 'long_cached_tokens' | 'long_completion_tokens'>;

/**
 * What `model` would have billed for the same tokens, as `costUsd` bills each request: cache hits at
 * its cached-input price, a prompt over its long-context line (`long_*`, summed by that line) at that
 * tier. Linear within a price tier, so a sum of requests prices as the requests one by one.
 */
export function baselineCostUsd(model: ModelSpec, sums: TokenSums): number {
  const short = costUsd({ ...model, longContext: undefined }, sums.prompt_tokens - sums.long_prompt_tokens, sums.completion_tokens - sums.long_completion_tokens, sums.cached_tokens - sums.long_cached_tokens);
  // Each long prompt is over the line, so their sum is too: costUsd bills it at the tier.
  const long = sums.long_prompt_tokens > 0 ? costUsd(model, sums.long_prompt_tokens, sums.long_completion_tokens, sums.long_cached_tokens) : 0;
  return short + long;
}

export interface SeriesModelCell {
  requests: number;
  share: number;
  scored: number;
  mean_reward: number | null;
  reward_interval: [number, number] | null;
  cost_usd: number;
}

export interface SeriesBucket {
  index: number;
  start: string;
  end: string;
  requests: number;
  successes: number;
  errors: number;
  models: Record<string, SeriesModelCell>;
  cost_usd: number;
  cost_per_request_usd: number | null;
  cost_per_success_usd: number | null;
  cumulative_cost_usd: number;
  /** The route's judge calls grading this bucket's requests: spend on top of `cost_usd`, taken off the savings. */
  judge_cost_usd: number;
  baseline_cost_usd: number;
  savings_usd: number;
  cumulative_savings_usd: number;
  exploration_share: number;
  decision_reasons: { exploit: number; explore: number; constraint: number; only_candidate: number };
  fallbacks: number;
  scored: number;
  mean_reward: number | null;
  reward_interval: [number, number] | null;
  below_floor: number;
  floor_violated: boolean;
  mean_latency_ms: number | null;
  mean_ttft_ms: number | null;
}

export interface RouteSeries {
  object: 'router.timeseries';
  route: string;
  quality_floor: number;
  bucketing: Bucketing;
  limit: number;
  models: string[];
  baseline_model: string | null;
  buckets: SeriesBucket[];
  totals: {
    requests: number;
    successes: number;
    cost_usd: number;
    cost_per_request_usd: number | null;
    cost_per_success_usd: number | null;
    judge_cost_usd: number;
    baseline_cost_usd: number;
    savings_usd: number;
    savings_share: number | null;
    exploration_share: number;
    below_floor: number;
    floor_violated_buckets: number;
  };
}

const weightedMean = (pairs: Array<[number | null, number]>): number | null => {
  let sum = 0;
  let weight = 0;
  for (const [value, w] of pairs) {
    if (value === null || w === 0) continue;
    sum += value * w;
    weight += w;
  }
  return weight > 0 ? sum / weight : null;
};

/**
 * Turns the (bucket, model) cells of one route into the documented time series (docs/reports.md):
 * traffic share and reward per model, cost, savings against the baseline model, exploration and
 * floor violations per bucket. Pure: the same cells give the same series.
 */
export function buildSeries(route: RouteSpec, models: ReadonlyMap<string, ModelSpec>, cells: SeriesCellRow[], bucketing: Bucketing, limit: number): RouteSeries {
  const baseline = baselineModel(route, models);
  const byBucket = new Map<number, SeriesCellRow[]>();
  for (const cell of cells) {
    const list = byBucket.get(cell.bucket) ?? [];
    list.push(cell);
    byBucket.set(cell.bucket, list);
  }
  const modelIds = [...route.candidates];
  for (const cell of cells) if (cell.model_id && !modelIds.includes(cell.model_id)) modelIds.push(cell.model_id);
  let cumulativeCost = 0;
  let cumulativeSavings = 0;
  const buckets: SeriesBucket[] = [...byBucket.entries()]
    .sort(([a], [b]) => a - b)
    .map(([, list], index) => {
      const sum = (pick: (c: SeriesCellRow) => number) => list.reduce((n, c) => n + pick(c), 0);
      const requests = sum((c) => c.requests);
      const successes = sum((c) => c.successes);
      const cost = sum((c) => c.cost_usd);
      const baselineCost = baseline
        ? baselineCostUsd(baseline, {
            prompt_tokens: sum((c) => c.prompt_tokens),
            cached_tokens: sum((c) => c.cached_tokens),
            completion_tokens: sum((c) => c.completion_tokens),
            long_prompt_tokens: sum((c) => c.long_prompt_tokens),
            long_cached_tokens: sum((c) => c.long_cached_tokens),
            long_completion_tokens: sum((c) => c.long_completion_tokens),
          })
        : cost;
      const judgeCost = sum((c) => c.judge_cost_usd);
      cumulativeCost += cost;
      cumulativeSavings += baselineCost - cost - judgeCost;
      const scored = sum((c) => c.scored);
      const reward = meanInterval(sum((c) => c.reward_sum), scored);
      const perModel: Record<string, SeriesModelCell> = {};
      for (const id of modelIds) {
        const cell = list.find((c) => c.model_id === id);
        const r = cell ? meanInterval(cell.reward_sum, cell.scored) : { mean: null, interval: null };
        perModel[id] = {
          requests: cell?.requests ?? 0,
          share: cell && requests > 0 ? cell.requests / requests : 0,
          scored: cell?.scored ?? 0,
          mean_reward: r.mean,
          reward_interval: r.interval,
          cost_usd: cell?.cost_usd ?? 0,
        };
      }
      const belowFloor = sum((c) => c.below_floor);
      return {
        index,
        start: new Date(Math.min(...list.map((c) => c.start_at.getTime()))).toISOString(),
        end: new Date(Math.max(...list.map((c) => c.end_at.getTime()))).toISOString(),
        requests,
        successes,
        errors: requests - successes,
        models: perModel,
        cost_usd: cost,
        cost_per_request_usd: requests > 0 ? cost / requests : null,
        cost_per_success_usd: successes > 0 ? cost / successes : null,
        cumulative_cost_usd: cumulativeCost,
        judge_cost_usd: judgeCost,
        baseline_cost_usd: baselineCost,
        savings_usd: baselineCost - cost - judgeCost,
        cumulative_savings_usd: cumulativeSavings,
        exploration_share: requests > 0 ? sum((c) => c.explored) / requests : 0,
        decision_reasons: {
          exploit: sum((c) => c.exploited),
          explore: sum((c) => c.explored),
          constraint: sum((c) => c.constrained),
          only_candidate: sum((c) => c.only_candidate),
        },
        fallbacks: sum((c) => c.fallbacks),
        scored,
        mean_reward: reward.mean,
        reward_interval: reward.interval,
        below_floor: belowFloor,
        floor_violated: reward.mean !== null && reward.mean < route.qualityFloor,
        mean_latency_ms: weightedMean(list.map((c) => [c.mean_latency_ms, c.requests])),
        mean_ttft_ms: weightedMean(list.map((c) => [c.mean_ttft_ms, c.requests])),
      };
    });
  const total = (pick: (b: SeriesBucket) => number) => buckets.reduce((n, b) => n + pick(b), 0);
  const requests = total((b) => b.requests);
  const successes = total((b) => b.successes);
  const cost = total((b) => b.cost_usd);
  const baselineCost = total((b) => b.baseline_cost_usd);
  const judgeCost = total((b) => b.judge_cost_usd);
  const savings = baselineCost - cost - judgeCost;
  return {
    object: 'router.timeseries',
    route: route.name,
    quality_floor: route.qualityFloor,
    bucketing,
    limit,
    models: modelIds,
    baseline_model: baseline?.id ?? null,
    buckets,
    totals: {
      requests,
      successes,
      cost_usd: cost,
      cost_per_request_usd: requests > 0 ? cost / requests : null,
      cost_per_success_usd: successes > 0 ? cost / successes : null,
      judge_cost_usd: judgeCost,
      baseline_cost_usd: baselineCost,
      savings_usd: savings,
      savings_share: baselineCost > 0 ? savings / baselineCost : null,
      exploration_share: requests > 0 ? total((b) => b.decision_reasons.explore) / requests : 0,
      below_floor: total((b) => b.below_floor),
      floor_violated_buckets: buckets.filter((b) => b.floor_violated).length,
    },
  };
}
