/**
 * One limit checked against a sum of counters: a calendar period is one counter, a rolling window
 * the buckets it covers (the amount goes to the last). Amounts and limits are integers (nano-USD,
 * requests or tokens).
 */
export interface CounterLine {
  keys: string[];
  /** Refuse when the sum plus the amount would pass it; `null` only counts. */
  limit: number | null;
  amount: number;
  ttlMs: number;
}

export interface TryAddResult {
  ok: boolean;
  /** Index of the first line that refused, when not ok. */
  refused: number;
  /** Each line's sum after the add (before it, when refused). */
  sums: number[];
}

/**
 * Counters behind budgets and rate limits. `tryAdd` is all-or-nothing across its lines and atomic
 * with every other call, in Redis (one Lua script) as in process, so concurrent reservations cannot
 * pass a limit together.
 */
export interface CounterStore {
  readonly kind: 'redis' | 'in-process';
  tryAdd(lines: CounterLine[]): Promise<TryAddResult>;
  /**
   * Adds without a limit (settling: actual minus reserved, possibly negative). With `once`, the add
   * happens at most once per `once.key` while that key lives (`once.ttlMs`), set atomically with the
   * additions: a retry of the same add (its reply lost, its caller retried) counts once. Returns whether it added.
   */
  add(entries: Array<{ key: string; amount: number; ttlMs: number }>, once?: { key: string; ttlMs: number }): Promise<boolean>;
  /** Sums of each group of keys. */
  sums(groups: string[][]): Promise<number[]>;
  /** Sets a counter only when it does not exist yet (seeding from the durable ledger). */
  seed(key: string, value: number, ttlMs: number): Promise<void>;
  close(): Promise<void>;
}
