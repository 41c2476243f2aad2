import { budgetPressure } from '../../router/src/budget-pacer';

/** Spend share of the cap at which pressure starts, whatever the pace. */
export const NEAR_CAP_FROM = 0.8;
/** Overspend against the pace line (share of the budget) at which pacing pressure is full. */
export const PACE_TOLERANCE = 0.1;

/**
 * How hard the router should lean towards cheaper models for one budget (0..1): the larger of the
 * pacer's pressure (spend ahead of the period's pace) and a ramp from 80% of the cap to the cap.
 */
export function pressureFor(spentUsd: number, budgetUsd: number, elapsedFraction: number): number {
  if (budgetUsd <= 0) return 1;
  const paced = elapsedFraction >= 1 ? 0 : budgetPressure({ spentUsd, budgetUsd, elapsedFraction, tolerance: PACE_TOLERANCE });
  const share = spentUsd / budgetUsd;
  const nearCap = share <= NEAR_CAP_FROM ? 0 : Math.min(1, (share - NEAR_CAP_FROM) / (1 - NEAR_CAP_FROM));
  return Math.max(paced, nearCap);
}
