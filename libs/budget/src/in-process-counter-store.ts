import type { Clock } from '../../core/src';
import type { CounterLine, CounterStore, TryAddResult } from './counter-store';

/** The embedded default: the same counters in a Map; JavaScript's single thread makes every call atomic. */
export class InProcessCounterStore implements CounterStore {
  readonly kind = 'in-process';
  private readonly counters = new Map<string, { value: number; expiresAt: number }>();

  private nextSweepAt = 0;

  constructor(private readonly clock: Clock) {}

  /** Drops expired counters (past periods, old rate windows) about once a minute, so the Map stays small. */
  private sweep(): void {
    const now = this.clock.now();
    if (now < this.nextSweepAt) return;
    this.nextSweepAt = now + 60_000;
    for (const [key, entry] of this.counters) if (entry.expiresAt <= now) this.counters.delete(key);
  }

  /** Live counters, for tests and diagnostics. */
  get size(): number {
    return this.counters.size;
  }

  private read(key: string): number {
    const entry = this.counters.get(key);
    if (!entry) return 0;
    if (entry.expiresAt <= this.clock.now()) {
      this.counters.delete(key);
      return 0;
    }
    return entry.value;
  }

  private write(key: string, amount: number, ttlMs: number): void {
    this.sweep();
    const value = this.read(key) + amount;
    this.counters.set(key, { value, expiresAt: this.clock.now() + ttlMs });
  }

  async tryAdd(lines: CounterLine[]): Promise<TryAddResult> {
    const sums = lines.map((l) => l.keys.reduce((s, k) => s + this.read(k), 0));
    const refused = lines.findIndex((l, i) => l.limit !== null && sums[i] + l.amount > l.limit);
    if (refused >= 0) return { ok: false, refused, sums };
    lines.forEach((l, i) => {
      this.write(l.keys[l.keys.length - 1], l.amount, l.ttlMs);
      sums[i] += l.amount;
    });
    return { ok: true, refused: -1, sums };
  }

  async add(entries: Array<{ key: string; amount: number; ttlMs: number }>, once?: { key: string; ttlMs: number }): Promise<boolean> {
    if (entries.length === 0) return false;
    if (once) {
      // Kept beside the counters, and swept with them once expired.
      if (this.read(once.key) !== 0) return false;
      this.counters.set(once.key, { value: 1, expiresAt: this.clock.now() + Math.max(1, once.ttlMs) });
    }
    for (const e of entries) this.write(e.key, e.amount, e.ttlMs);
    return true;
  }

  async sums(groups: string[][]): Promise<number[]> {
    return groups.map((keys) => keys.reduce((s, k) => s + this.read(k), 0));
  }

  async seed(key: string, value: number, ttlMs: number): Promise<void> {
    if (this.read(key) === 0 && !this.counters.has(key)) this.counters.set(key, { value, expiresAt: this.clock.now() + ttlMs });
  }

  async close(): Promise<void> {
    this.counters.clear();
  }
}
