/**
 * Counters hold integer nano-dollars: Redis INCRBY and JavaScript numbers add them exactly (up to
 * 9 million USD per counter), where summing floating-point dollars would drift.
 */
export const NANO_PER_USD = 1_000_000_000;

/** The largest budget limit the counters hold exactly (Number.MAX_SAFE_INTEGER nano-dollars, whole dollars). */
export const MAX_COUNTER_USD = Math.floor(Number.MAX_SAFE_INTEGER / NANO_PER_USD);

/**
 * The smallest budget limit the counters can tell from zero: one nano-dollar. A smaller hard limit
 * floors to a cap of 0 nano-dollars, which refuses every request.
 */
export const MIN_LIMIT_USD = 1 / NANO_PER_USD;

/** Reservations round up, so rounding never lets spend past a cap. */
export function ceilNano(usd: number): number {
  return Math.ceil(usd * NANO_PER_USD - 1e-6);
}

export function roundNano(usd: number): number {
  return Math.round(usd * NANO_PER_USD);
}

export function nanoToUsd(nano: number): number {
  return nano / NANO_PER_USD;
}
