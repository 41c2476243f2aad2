/**
 * Prior mean quality of a route's cheapest and dearest candidates; the others in between on a log
 * scale. The cheapest starts where every model starts without a prior (the neutral Beta(1, 1), 0.5), so
 * a price prior never makes a model look worse than no prior would; the dearest starts at the default
 * quality floor (0.8), so a cold route leans on its strongest model while the draws explore the others.
 */
export const PRICE_PRIOR_LOW = 0.5;
export const PRICE_PRIOR_HIGH = 0.8;
/** Prices below this (USD per 1M blended tokens, free models included) count as this for the log scale. */
const PRICE_FLOOR_PER_1M = 0.001;

/** One price per model: 3 input tokens to 1 output token, the usual blend for comparing chat models. */
export function blendedPricePer1M(model: { inputPer1M: number; outputPer1M: number }): number {
  return (3 * model.inputPer1M + model.outputPer1M) / 4;
}

/**
 * Cold-start prior mean quality for each candidate from its price tier within the route: the
 * cheapest gets PRICE_PRIOR_LOW, the dearest PRICE_PRIOR_HIGH, the rest by where their blended price
 * falls between on a log scale (a model ten times dearer is one step up, not ten). Relative to the
 * route rather than absolute, because list prices keep falling and the dearer candidates of a route
 * are the ones its operator added as the strong ones. Undefined when the candidates cost the same.
 */
export function pricePriors(candidates: ReadonlyArray<{ id: string; inputPer1M: number; outputPer1M: number }>): Record<string, number> | undefined {
  if (candidates.length < 2) return undefined;
  const logs = candidates.map((c) => Math.log(Math.max(blendedPricePer1M(c), PRICE_FLOOR_PER_1M)));
  const min = Math.min(...logs);
  const max = Math.max(...logs);
  if (max - min < 1e-9) return undefined;
  const priors: Record<string, number> = {};
  candidates.forEach((c, i) => {
    priors[c.id] = PRICE_PRIOR_LOW + ((PRICE_PRIOR_HIGH - PRICE_PRIOR_LOW) * (logs[i] - min)) / (max - min);
  });
  return priors;
}
