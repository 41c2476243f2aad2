import type { Clock } from '../../../../libs/core/src';

/** Bucket k holds times up to FIRST_BUCKET_MS x GROWTH^k: 10 ms .. about 70 s in 25% steps. */
const FIRST_BUCKET_MS = 10;
const GROWTH = 1.25;
const BUCKETS = 40;
const LOG_GROWTH = Math.log(GROWTH);
/** How fast an observation fades: after this long it counts half. */
export const TTFT_HALF_LIFE_MS = 5 * 60_000;
/** Below this much (decayed) weight of observations the estimate is unknown again (one observation: one half-life). */
const MIN_WEIGHT = 0.5;
export const TTFT_QUANTILE = 0.9;

interface Sketch {
  buckets: Float64Array;
  weight: number;
  sum: number;
  at: number;
  /** The quantile, recomputed on each observation (read far more often than written). */
  quantileMs: number;
}

export interface TtftSummary {
  modelId: string;
  /** The estimate the router compares with `max_ttft_ms`: the decayed 90th percentile. */
  p90Ms: number;
  meanMs: number;
  /** Observations behind it, after decay. */
  weight: number;
}

/**
 * Per model, the time to first token the gateway has observed: a small histogram (40 log-spaced
 * buckets) whose weights halve every TTFT_HALF_LIFE_MS, read as its 90th percentile. Recent
 * observations dominate; a model nobody has used for a while goes back to "unknown" (and so to its
 * configured `expected_ttft_ms`, or to being presumed fast) and gets probed again.
 */
export class TtftEstimates {
  private readonly sketches = new Map<string, Sketch>();

  constructor(
    private readonly clock: Clock,
    private readonly halfLifeMs = TTFT_HALF_LIFE_MS,
  ) {}

  observe(modelId: string, ms: number): void {
    if (!Number.isFinite(ms) || ms < 0) return;
    const now = this.clock.now();
    let s = this.sketches.get(modelId);
    if (!s) {
      s = { buckets: new Float64Array(BUCKETS), weight: 0, sum: 0, at: now, quantileMs: 0 };
      this.sketches.set(modelId, s);
    }
    const f = this.decay(s, now);
    if (f < 1) {
      for (let k = 0; k < BUCKETS; k++) s.buckets[k] *= f;
      s.weight *= f;
      s.sum *= f;
    }
    s.at = now;
    s.buckets[bucketOf(ms)] += 1;
    s.weight += 1;
    s.sum += ms;
    s.quantileMs = quantile(s.buckets, s.weight, TTFT_QUANTILE);
  }

  /** The decayed p90 in ms, or undefined while too little is observed. Cheap: no allocation. */
  estimate(modelId: string): number | undefined {
    const s = this.sketches.get(modelId);
    if (!s || s.weight * this.decay(s, this.clock.now()) < MIN_WEIGHT) return undefined;
    return s.quantileMs;
  }

  summaries(): TtftSummary[] {
    const now = this.clock.now();
    return [...this.sketches.entries()].map(([modelId, s]) => ({
      modelId,
      p90Ms: s.quantileMs,
      meanMs: s.weight > 0 ? s.sum / s.weight : 0,
      weight: s.weight * this.decay(s, now),
    }));
  }

  private decay(s: Sketch, now: number): number {
    return now > s.at ? Math.pow(0.5, (now - s.at) / this.halfLifeMs) : 1;
  }
}

export function bucketOf(ms: number): number {
  if (ms <= FIRST_BUCKET_MS) return 0;
  return Math.min(BUCKETS - 1, Math.ceil(Math.log(ms / FIRST_BUCKET_MS) / LOG_GROWTH));
}

/** Upper bound of bucket k: the estimate errs on the slow side by at most one 25% step. */
export function bucketUpperMs(k: number): number {
  return FIRST_BUCKET_MS * Math.pow(GROWTH, k);
}

function quantile(buckets: Float64Array, weight: number, q: number): number {
  const target = q * weight;
  let seen = 0;
  for (let k = 0; k < BUCKETS; k++) {
    seen += buckets[k];
    if (seen >= target - 1e-12) return bucketUpperMs(k);
  }
  return bucketUpperMs(BUCKETS - 1);
}
