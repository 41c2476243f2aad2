import type { ModelSpec, RouteSpec } from '../../../../libs/config/src';
import { costUsd } from '../../../../libs/model-call/src';
import type { SeriesCellRow } from '../../../../libs/storage/src/repositories/dashboard.repository';
import { baselineCostUsd, buildSeries } from './build-series';

const model = (id: string, extra: Partial<ModelSpec>): ModelSpec =>
  ({ id, providerId: 'p', upstream: id, inputPer1M: 1, outputPer1M: 2, contextWindow: 1_000_000, timeouts: {}, ...extra }) as ModelSpec;
const cheap = model('cheap', { inputPer1M: 0.1, outputPer1M: 0.4 });
const strong = model('strong', {
  inputPer1M: 2.5,
  outputPer1M: 10,
  cachedInputPer1M: 1.25,
  longContext: { abovePromptTokens: 200_000, inputPer1M: 5, outputPer1M: 20, cachedInputPer1M: 2.5 },
});
const models = new Map([cheap, strong].map((m) => [m.id, m]));
const route = { name: 'auto', candidates: ['cheap', 'strong'], qualityFloor: 0.5, discount: 0.99, validators: [] } as unknown as RouteSpec;

/** One request's cell, as the repository sums it (long_* when its prompt is over strong's line). */
function cell(modelId: string, prompt: number, completion: number, cached: number): SeriesCellRow {
  const long = prompt > strong.longContext!.abovePromptTokens;
  return {
    bucket: 0, model_id: modelId, start_at: new Date(0), end_at: new Date(0), requests: 1, successes: 1, explored: 0, exploited: 1, constrained: 0, only_candidate: 0, fallbacks: 0,
    cost_usd: costUsd(models.get(modelId)!, prompt, completion, cached),
    judge_cost_usd: 0,
    prompt_tokens: prompt, completion_tokens: completion, cached_tokens: cached,
    long_prompt_tokens: long ? prompt : 0, long_cached_tokens: long ? cached : 0, long_completion_tokens: long ? completion : 0,
    mean_latency_ms: 10, mean_ttft_ms: null, scored: 0, reward_sum: 0, below_floor: 0,
  };
}

describe('buildSeries: savings against the baseline model', () => {
  it('saves nothing on requests the baseline served itself, cache hits and long prompts included', () => {
    const cells = [cell('strong', 4_000, 300, 3_000), cell('strong', 250_000, 500, 100_000)];
    const series = buildSeries(route, models, [{ ...cells[0], ...merged(cells) }], { by: 'count', buckets: 1 }, 100);
    expect(series.baseline_model).toBe('strong');
    expect(series.totals.cost_usd).toBeCloseTo(cells[0].cost_usd + cells[1].cost_usd, 12);
    expect(series.totals.savings_usd).toBeCloseTo(0, 12);
  });

  it("prices the cheap model's requests as the baseline would have billed each: cache hits at its cached price, long prompts at its long tier", () => {
    const requests = [cell('cheap', 4_000, 300, 3_000), cell('cheap', 250_000, 500, 0), cell('cheap', 150_000, 100, 0)];
    const expected = costUsd(strong, 4_000, 300, 3_000) + costUsd(strong, 250_000, 500, 0) + costUsd(strong, 150_000, 100, 0);
    const sums = merged(requests);
    expect(baselineCostUsd(strong, sums)).toBeCloseTo(expected, 12);
    const series = buildSeries(route, models, [{ ...requests[0], ...sums }], { by: 'count', buckets: 1 }, 100);
    expect(series.totals.baseline_cost_usd).toBeCloseTo(expected, 12);
    expect(series.totals.savings_usd).toBeCloseTo(expected - sums.cost_usd, 12);
  });
});

/** Several one-request cells of a model summed into one, as the repository's group by does. */
function merged(cells: SeriesCellRow[]) {
  const sum = (pick: (c: SeriesCellRow) => number) => cells.reduce((n, c) => n + pick(c), 0);
  return {
    requests: sum((c) => c.requests),
    successes: sum((c) => c.successes),
    exploited: sum((c) => c.exploited),
    cost_usd: sum((c) => c.cost_usd),
    prompt_tokens: sum((c) => c.prompt_tokens),
    completion_tokens: sum((c) => c.completion_tokens),
    cached_tokens: sum((c) => c.cached_tokens),
    long_prompt_tokens: sum((c) => c.long_prompt_tokens),
    long_cached_tokens: sum((c) => c.long_cached_tokens),
    long_completion_tokens: sum((c) => c.long_completion_tokens),
  };
}
