/**
 * Budget pacing: how far ahead of its budget a route's spend is within the current period, as the
 * `budgetPressure` (0..1) that `decide` takes. Pure: the caller passes spend and elapsed time.
 */
export interface BudgetPace {
  /** USD spent since the period started. */
  spentUsd: number;
  /** USD allowed for the whole period. */
  budgetUsd: number;
  /** Share of the period elapsed, 0..1 (time-based, or request-based when traffic is known). */
  elapsedFraction: number;
  /**
   * Overspend, as a fraction of the whole budget, at which pressure reaches 1; default 0.01. Small:
   * decisions react long before the budget is at risk, and spend is pulled back to the pace line.
   */
  tolerance?: number;
}

export function budgetPressure(pace: BudgetPace): number {
  if (pace.budgetUsd <= 0) return 1;
  const tolerance = pace.tolerance ?? 0.01;
  const planned = pace.budgetUsd * Math.min(1, Math.max(0, pace.elapsedFraction));
  const ahead = (pace.spentUsd - planned) / pace.budgetUsd;
  if (ahead <= 0) return 0;
  return Math.min(1, ahead / tolerance);
}
