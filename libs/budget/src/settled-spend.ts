import type { Clock } from '../../core/src';
import { applicableBudgets, budgetCounterKey, type BudgetDefinition, type BudgetPayer } from './budget-definition';
import type { CounterStore } from './counter-store';
import { ceilNano, NANO_PER_USD, roundNano } from './money';
import { periodWindow } from './period';

/** A cost already spent (nothing was reserved for it) and who it was spent for. */
export interface SettledSpend {
  payer: BudgetPayer;
  costUsd: number;
  /** What made it (a judge call's record id): a second count of the same id adds nothing. */
  id?: string;
}

/** The counter key that records a settled spend as counted (`CounterStore.add`'s `once`). */
export function settledSpendOnceKey(id: string): string {
  return `s:${id}`;
}

/**
 * How long a settled spend's mark is kept: its retries come within minutes (a queue's backoff, the
 * worker's next judge call), and one mark per judge call for a monthly budget's whole period would
 * grow Redis for nothing. Never longer than the counters it guards.
 */
export const SETTLED_SPEND_ONCE_TTL_MS = 24 * 3600_000;

/**
 * The first hard limit among a payer's budgets (the ones `settledSpendAdds` counts in) whose spent
 * sum leaves no room for `costUsd` more, with `sums` each check's counters summed now (nano-dollars,
 * in `hardLimitChecks`'s order); undefined when all have room. A cost exactly filling a limit fits, as a
 * reservation does; soft limits never refuse.
 */
export function budgetWithoutRoom(checks: readonly HardLimitCheck[], sums: readonly number[], costUsd: number): BudgetDefinition | undefined {
  const amount = ceilNano(costUsd);
  const i = checks.findIndex((c, j) => sums[j] + amount > c.limitNano);
  return i < 0 ? undefined : checks[i].budget;
}

/** A hard limit a payer's spend counts against, and the counters whose sum is its spend now. */
export interface HardLimitCheck {
  budget: BudgetDefinition;
  keys: string[];
  limitNano: number;
}

/** The hard limits among a payer's budgets, each with its period's counters now (a rolling window's every bucket). */
export function hardLimitChecks(budgets: readonly BudgetDefinition[], payer: BudgetPayer, nowMs: number): HardLimitCheck[] {
  return applicableBudgets(budgets, payer).flatMap((b) => {
    if (b.hardLimitUsd === null) return [];
    const window = periodWindow(b.period, nowMs);
    return [{ budget: b, keys: window.buckets.map((bucket) => budgetCounterKey(b.id, bucket)), limitNano: Math.floor(b.hardLimitUsd * NANO_PER_USD) }];
  });
}

/**
 * The counter additions that count costs already spent in every budget that applies to their payer:
 * each cost in the current bucket of each budget's period, as a request's settled cost ends there.
 */
export function settledSpendAdds(budgets: readonly BudgetDefinition[], spends: readonly SettledSpend[], nowMs: number): Array<{ key: string; amount: number; ttlMs: number }> {
  const adds = new Map<string, { key: string; amount: number; ttlMs: number }>();
  for (const spend of spends) {
    const amount = roundNano(spend.costUsd);
    if (amount <= 0) continue;
    for (const b of applicableBudgets(budgets, spend.payer)) {
      const window = periodWindow(b.period, nowMs);
      const key = budgetCounterKey(b.id, window.buckets[window.buckets.length - 1]);
      const add = adds.get(key);
      if (add) add.amount += amount;
      else adds.set(key, { key, amount, ttlMs: window.ttlMs });
    }
  }
  return [...adds.values()];
}

/**
 * Counts, in the budgets' shared counters, spend that no request reserved: a judge call made after
 * the judged request was served. One `CounterStore.add` per spend, atomic, in the same counters the
 * gateways reserve in (Redis, or the gateway's own on the embedded default), so every gateway's next
 * reservation sees it, and its leases go back at its next budget refresh once the budget has no room
 * left; a spend with an id counts once however often it is counted (a retried write, a lost reply).
 * `budgets` lists the budgets in force (config and admin) at each call.
 */
export class SettledSpendCounter {
  constructor(
    private readonly budgets: () => Promise<readonly BudgetDefinition[]>,
    private readonly store: CounterStore,
    private readonly clock: Clock,
  ) {}

  async count(spends: readonly SettledSpend[]): Promise<void> {
    if (!spends.some((s) => s.costUsd > 0)) return;
    const budgets = await this.budgets();
    const now = this.clock.now();
    const once = spends.filter((s) => s.id !== undefined);
    const plain = spends.filter((s) => s.id === undefined);
    for (const spend of once) {
      const adds = settledSpendAdds(budgets, [spend], now);
      const ttlMs = Math.min(SETTLED_SPEND_ONCE_TTL_MS, Math.max(0, ...adds.map((a) => a.ttlMs)));
      await this.store.add(adds, { key: settledSpendOnceKey(spend.id!), ttlMs });
    }
    if (plain.length > 0) await this.store.add(settledSpendAdds(budgets, plain, now));
  }

  /**
   * The first hard limit of the payer's budgets with no room left for `costUsd` more in the shared
   * counters now (undefined: every one has room). A read, not a reservation: two callers checking at
   * once can both find the same room.
   */
  async budgetWithoutRoom(payer: BudgetPayer, costUsd: number): Promise<BudgetDefinition | undefined> {
    const checks = hardLimitChecks(await this.budgets(), payer, this.clock.now());
    if (checks.length === 0) return undefined;
    return budgetWithoutRoom(checks, await this.store.sums(checks.map((c) => c.keys)), costUsd);
  }
}
