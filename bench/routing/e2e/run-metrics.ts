/** One served request of a run, in the order the run sent it. */
export interface ServedOutcome {
  /** Recorded correctness of the model that answered (0..1). */
  reward: number;
  strong: boolean;
  costUsd: number;
  /** What the strong model would have cost on the same prompt. */
  strongCostUsd: number;
}

export interface RunMetrics {
  requests: number;
  accuracy: number;
  strongShare: number;
  /** Cost relative to sending every one of these requests to the strong model. */
  costRatio: number;
}

export function runMetrics(outcomes: readonly ServedOutcome[]): RunMetrics {
  let reward = 0;
  let strong = 0;
  let cost = 0;
  let strongCost = 0;
  for (const o of outcomes) {
    reward += o.reward;
    if (o.strong) strong++;
    cost += o.costUsd;
    strongCost += o.strongCostUsd;
  }
  const n = outcomes.length;
  return { requests: n, accuracy: n ? reward / n : NaN, strongShare: n ? strong / n : NaN, costRatio: strongCost > 0 ? cost / strongCost : NaN };
}

/** Metrics of `segments` consecutive, near-equal slices of the run (the learning curve). */
export function perSegment(outcomes: readonly ServedOutcome[], segments = 4): RunMetrics[] {
  const out: RunMetrics[] = [];
  for (let s = 0; s < segments; s++) {
    out.push(runMetrics(outcomes.slice(Math.floor((s * outcomes.length) / segments), Math.floor(((s + 1) * outcomes.length) / segments))));
  }
  return out;
}

/**
 * How far behind the learned state was at each decision: requests decided earlier whose score was
 * not yet recorded at that moment (`decidedAtMs` and `scoredAtMs` in ms on one clock, any order).
 * Returned in ascending decision time.
 */
export function scoresBehind(decidedAtMs: readonly number[], scoredAtMs: readonly number[]): number[] {
  const decided = [...decidedAtMs].sort((a, b) => a - b);
  const scored = [...scoredAtMs].sort((a, b) => a - b);
  const behind: number[] = [];
  let s = 0;
  let earlier = 0;
  for (let i = 0; i < decided.length; i++) {
    while (earlier < i && decided[earlier] < decided[i]) earlier++;
    while (s < scored.length && scored[s] <= decided[i]) s++;
    behind.push(Math.max(0, earlier - s));
  }
  return behind;
}

/** Nearest-rank percentile (p in 0..100) of unsorted values; NaN when empty. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil((p / 100) * sorted.length)));
  return sorted[rank - 1];
}

/** Mean and sample standard deviation. */
export function meanAndSd(values: readonly number[]): { mean: number; sd: number } {
  const n = values.length;
  if (n === 0) return { mean: NaN, sd: NaN };
  const mean = values.reduce((a, b) => a + b, 0) / n;
  if (n === 1) return { mean, sd: 0 };
  const variance = values.reduce((a, b) => a + (b - mean) ** 2, 0) / (n - 1);
  return { mean, sd: Math.sqrt(variance) };
}
