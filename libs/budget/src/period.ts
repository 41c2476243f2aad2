/** A budget's period: a UTC calendar day, ISO week (from Monday) or month, or a rolling window. */
export type BudgetPeriod = { kind: 'day' } | { kind: 'week' } | { kind: 'month' } | { kind: 'rolling'; windowSeconds: number };

export interface PeriodWindow {
  /** Start of the period (rolling: now minus the window). */
  startMs: number;
  /** When the counter resets (rolling: when the oldest bucket leaves the window). */
  resetMs: number;
  /** Counter suffixes covering the window, oldest first; spend is added to the last one. Shared: read only. */
  buckets: readonly string[];
  /** How long a bucket's counter must live. */
  ttlMs: number;
  /** 0..1 share of a calendar period gone by; rolling windows have no pace and report 1. */
  elapsedFraction: number;
}

const DAY_MS = 86_400_000;
/** A rolling window is counted in this many buckets: spend leaves it one bucket at a time. */
export const ROLLING_BUCKETS = 60;

/**
 * Called for every budget of every request, so the parts that change only at a period's boundary
 * (calendar periods) or a bucket's (rolling windows) are computed once and reused until then: the
 * label and bucket list are frozen and shared, only the fields that move with `nowMs` are computed.
 */
const calendarCache = new Map<BudgetPeriod['kind'], { start: number; end: number; buckets: readonly string[] }>();
const rollingCache = new Map<number, { oldest: number; current: number; buckets: readonly string[] }>();

export function periodWindow(period: BudgetPeriod, nowMs: number): PeriodWindow {
  if (period.kind === 'rolling') {
    const windowMs = period.windowSeconds * 1000;
    const bucketMs = Math.max(1000, Math.ceil(windowMs / ROLLING_BUCKETS));
    const current = Math.floor(nowMs / bucketMs);
    // The bucket the window's start falls in counts whole: spend is over-counted by at most one
    // bucket, never under-counted.
    const oldest = Math.floor((nowMs - windowMs) / bucketMs);
    let cached = rollingCache.get(windowMs);
    if (!cached || cached.oldest !== oldest || cached.current !== current) {
      const buckets: string[] = [];
      for (let i = oldest; i <= current; i++) buckets.push(`r${bucketMs}:${i}`);
      cached = { oldest, current, buckets: Object.freeze(buckets) };
      if (rollingCache.size > 64) rollingCache.clear();
      rollingCache.set(windowMs, cached);
    }
    return { startMs: nowMs - windowMs, resetMs: (oldest + 1) * bucketMs + windowMs, buckets: cached.buckets, ttlMs: windowMs + 2 * bucketMs, elapsedFraction: 1 };
  }
  let cached = calendarCache.get(period.kind);
  if (!cached || nowMs < cached.start || nowMs >= cached.end) {
    cached = calendarPeriod(period.kind, nowMs);
    calendarCache.set(period.kind, cached);
  }
  const { start, end, buckets } = cached;
  return { startMs: start, resetMs: end, buckets, ttlMs: end - nowMs + DAY_MS, elapsedFraction: (nowMs - start) / (end - start) };
}

function calendarPeriod(kind: 'day' | 'week' | 'month', nowMs: number): { start: number; end: number; buckets: readonly string[] } {
  const now = new Date(nowMs);
  let start: number;
  let end: number;
  let label: string;
  if (kind === 'day') {
    start = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
    end = start + DAY_MS;
    label = `d${new Date(start).toISOString().slice(0, 10)}`;
  } else if (kind === 'week') {
    const sinceMonday = (now.getUTCDay() + 6) % 7;
    start = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() - sinceMonday);
    end = start + 7 * DAY_MS;
    label = `w${new Date(start).toISOString().slice(0, 10)}`;
  } else {
    start = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1);
    end = Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, 1);
    label = `m${new Date(start).toISOString().slice(0, 7)}`;
  }
  return { start, end, buckets: Object.freeze([label]) };
}

export function describePeriod(period: BudgetPeriod): string {
  return period.kind === 'rolling' ? `rolling ${period.windowSeconds}s` : period.kind;
}
