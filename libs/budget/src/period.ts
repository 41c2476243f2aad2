/** A budget's period: a UTC calendar day, ISO week (from Monday) or month, or a rolling window. */
export type BudgetPeriod = { kind: 'day' } | { kind: 'week' } | { kind: 'month' } | { kind: 'rolling'; windowSeconds: number };

export interface PeriodWindow {
  /** Start of the period (rolling: now minus the window). */
  startMs: number;
  /** When the counter resets (rolling: when the oldest bucket leaves the window). */
  resetMs: number;
  /** Counter suffixes covering the window, oldest first; spend is added to the last one. */
  buckets: string[];
  /** How long a bucket's counter must live. */
  ttlMs: number;
  /** 0..1 share of a calendar period gone by; rolling windows have no pace and report 1. */
  elapsedFraction: number;
}

const DAY_MS = 86_400_000;
/** A rolling window is counted in this many buckets: spend leaves it one bucket at a time. */
export const ROLLING_BUCKETS = 60;

export function periodWindow(period: BudgetPeriod, nowMs: number): PeriodWindow {
  const now = new Date(nowMs);
  if (period.kind === 'rolling') {
    const windowMs = period.windowSeconds * 1000;
    const bucketMs = Math.max(1000, Math.ceil(windowMs / ROLLING_BUCKETS));
    const current = Math.floor(nowMs / bucketMs);
    // The bucket the window's start falls in counts whole: spend is over-counted by at most one
    // bucket, never under-counted.
    const oldest = Math.floor((nowMs - windowMs) / bucketMs);
    const buckets: string[] = [];
    for (let i = oldest; i <= current; i++) buckets.push(`r${bucketMs}:${i}`);
    return { startMs: nowMs - windowMs, resetMs: (oldest + 1) * bucketMs + windowMs, buckets, ttlMs: windowMs + 2 * bucketMs, elapsedFraction: 1 };
  }
  let start: number;
  let end: number;
  let label: string;
  if (period.kind === 'day') {
    start = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
    end = start + DAY_MS;
    label = `d${new Date(start).toISOString().slice(0, 10)}`;
  } else if (period.kind === 'week') {
    const sinceMonday = (now.getUTCDay() + 6) % 7;
    start = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() - sinceMonday);
    end = start + 7 * DAY_MS;
    label = `w${new Date(start).toISOString().slice(0, 10)}`;
  } else {
    start = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1);
    end = Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, 1);
    label = `m${new Date(start).toISOString().slice(0, 7)}`;
  }
  return { startMs: start, resetMs: end, buckets: [label], ttlMs: end - nowMs + DAY_MS, elapsedFraction: (nowMs - start) / (end - start) };
}

export function describePeriod(period: BudgetPeriod): string {
  return period.kind === 'rolling' ? `rolling ${period.windowSeconds}s` : period.kind;
}
