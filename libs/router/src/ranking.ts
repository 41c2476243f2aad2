/** What ranking needs of a candidate's belief. */
export interface Rankable {
  modelId: string;
  expectedCostUsd: number;
}

/**
 * The order `decide` serves in: models that clear the floor first, cheapest first (or, with
 * `costWeight`, by quality net of costWeight x cost), then the rest by quality (or by cost when the
 * budget is exhausted: `cheapestFirst`). Clearing means reaching the absolute `floor` and `relative` x
 * the best quality among `idx`. Ties keep the order of `idx`.
 */
export function rank(beliefs: readonly Rankable[], idx: readonly number[], quality: readonly number[], floor: number, relative: number, cheapestFirst: boolean, costWeight?: number): string[] {
  const order = rankOrder(beliefs, idx, quality, floor, relative, cheapestFirst, costWeight);
  const out: string[] = new Array(order.length);
  for (let k = 0; k < order.length; k++) out[k] = beliefs[order[k]].modelId;
  return out;
}

/** `rank(...)[0]` without sorting: one pass, O(models). */
export function firstRanked(beliefs: readonly Rankable[], idx: readonly number[], quality: readonly number[], floor: number, relative: number, cheapestFirst: boolean, costWeight?: number): string {
  return beliefs[firstRankedIndex(beliefs, idx, quality, floor, relative, cheapestFirst, costWeight)].modelId;
}

/** The index (into `beliefs`) of `rank(...)[0]`. */
export function firstRankedIndex(beliefs: readonly Rankable[], idx: readonly number[], quality: readonly number[], floor: number, relative: number, cheapestFirst: boolean, costWeight?: number): number {
  // Clearing = reaching the absolute floor and the relative one: the larger of the two.
  const threshold = Math.max(floor, relative * bestOf(idx, quality));
  let bestClear = -1;
  let bestRest = -1;
  for (const i of idx) {
    if (quality[i] >= threshold) {
      if (bestClear < 0 || compareClear(beliefs, quality, costWeight, i, bestClear) < 0) bestClear = i;
    } else if (bestRest < 0 || compareRest(beliefs, quality, cheapestFirst, i, bestRest) < 0) bestRest = i;
  }
  return bestClear >= 0 ? bestClear : bestRest;
}

/** `rank` as indices into `beliefs`. */
export function rankOrder(beliefs: readonly Rankable[], idx: readonly number[], quality: readonly number[], floor: number, relative: number, cheapestFirst: boolean, costWeight?: number): number[] {
  const threshold = Math.max(floor, relative * bestOf(idx, quality));
  const clear: number[] = [];
  const rest: number[] = [];
  for (const i of idx) {
    if (quality[i] >= threshold) clear.push(i);
    else rest.push(i);
  }
  clear.sort((x, y) => compareClear(beliefs, quality, costWeight, x, y));
  rest.sort((x, y) => compareRest(beliefs, quality, cheapestFirst, x, y));
  for (const i of rest) clear.push(i);
  return clear;
}

function bestOf(idx: readonly number[], quality: readonly number[]): number {
  let best = 0;
  for (const i of idx) if (quality[i] > best) best = quality[i];
  return best;
}

function compareClear(beliefs: readonly Rankable[], quality: readonly number[], costWeight: number | undefined, x: number, y: number): number {
  const cx = beliefs[x].expectedCostUsd;
  const cy = beliefs[y].expectedCostUsd;
  if (costWeight === undefined) return cx - cy || quality[y] - quality[x];
  return quality[y] - costWeight * cy - (quality[x] - costWeight * cx) || cx - cy;
}

function compareRest(beliefs: readonly Rankable[], quality: readonly number[], cheapestFirst: boolean, x: number, y: number): number {
  const cx = beliefs[x].expectedCostUsd;
  const cy = beliefs[y].expectedCostUsd;
  if (cheapestFirst) return cx - cy || quality[y] - quality[x];
  return quality[y] - quality[x] || cx - cy;
}
