import type { Clock } from '../../core/src';
import { applicableBudgets, budgetCounterKey, type BudgetDefinition, type BudgetPayer } from './budget-definition';
import type { CounterStore } from './counter-store';
import { roundNano } from './money';
import { periodWindow } from './period';

/** A cost already spent (nothing was reserved for it) and who it was spent for. */
export interface SettledSpend {
  payer: BudgetPayer;
  costUsd: number;
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
 * the judged request was served (it is never refused for a budget). One `CounterStore.add`, atomic, in
 * the same counters the gateways reserve in (Redis, or the gateway's own on the embedded default), so
 * every gateway's next reservation sees it, and its leases go back at its next budget refresh once the
 * budget has no room left. `budgets` lists the budgets in force (config and admin) at each call.
 */
export class SettledSpendCounter {
  constructor(
    private readonly budgets: () => Promise<readonly BudgetDefinition[]>,
    private readonly store: CounterStore,
    private readonly clock: Clock,
  ) {}

  async count(spends: readonly SettledSpend[]): Promise<void> {
    if (!spends.some((s) => s.costUsd > 0)) return;
    await this.store.add(settledSpendAdds(await this.budgets(), spends, this.clock.now()));
  }
}
