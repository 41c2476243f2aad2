/** A budget's limits in USD; null: not set. */
export interface BudgetLimits {
  hardLimitUsd: number | null;
  softLimitUsd: number | null;
}

/** A change of a budget's limits: a missing one stays, `null` removes it. */
export interface LimitsChange {
  hardLimitUsd?: number | null;
  softLimitUsd?: number | null;
}

/**
 * A budget's limits after a change of one or both: what is not given stays, `null` removes a limit.
 * Returns the problem (the field and why) when the soft limit would end above the hard cap (an alert
 * that cannot fire), as creation refuses it, or when no limit would be left (creation needs one).
 */
export function changeLimits(current: BudgetLimits, change: LimitsChange): BudgetLimits | { field: 'hard_limit_usd' | 'soft_limit_usd'; problem: string } {
  const next = {
    hardLimitUsd: change.hardLimitUsd === undefined ? current.hardLimitUsd : change.hardLimitUsd,
    softLimitUsd: change.softLimitUsd === undefined ? current.softLimitUsd : change.softLimitUsd,
  };
  if (next.hardLimitUsd === null && next.softLimitUsd === null) {
    const field = change.hardLimitUsd === null ? 'hard_limit_usd' : 'soft_limit_usd';
    return { field, problem: 'the budget would have no limit left; set the other limit in the same request, or DELETE the budget' };
  }
  if (next.hardLimitUsd !== null && next.softLimitUsd !== null && next.softLimitUsd > next.hardLimitUsd) {
    const field = change.softLimitUsd !== undefined ? 'soft_limit_usd' : 'hard_limit_usd';
    return field === 'soft_limit_usd'
      ? { field, problem: `must not be above hard_limit_usd (${next.hardLimitUsd})` }
      : { field, problem: `must not be below the budget's soft_limit_usd (${next.softLimitUsd}); lower soft_limit_usd in the same request` };
  }
  return next;
}
