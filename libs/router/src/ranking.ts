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
export function rank(beliefs: readonly Rankable[], idx: readonly number[], quality: ArrayLike<number>, floor: number, relative: number, cheapestFirst: boolean, costWeight?: number): string[] {
  const order = rankOrder(beliefs, idx, quality, floor, relative, cheapestFirst, costWeight);
  const out: string[] = new Array(order.length);
  for (let k = 0; k < order.length; k++) out[k] = beliefs[order[k]].modelId;
  return out;
}

/** `rank(...)[0]` without sorting: one pass, O(models). */
export function firstRanked(beliefs: readonly Rankable[], idx: readonly number[], quality: ArrayLike<number>, floor: number, relative: number, cheapestFirst: boolean, costWeight?: number): string {
  return beliefs[firstRankedIndex(beliefs, idx, quality, floor, relative, cheapestFirst, costWeight)].modelId;
}

/** The index (into `beliefs`) of `rank(...)[0]`. */
export function firstRankedIndex(beliefs: readonly Rankable[], idx: readonly number[], quality: ArrayLike<number>, floor: number, relative: number, cheapestFirst: boolean, costWeight?: number): number {
  // Clearing = reaching the absolute floor and the relative one: the larger of the two.
  const threshold = Math.max(floor, relative * bestOf(idx, quality));
  let bestClear = -1;
  let bestRest = -1;
  // Indexed loops over `idx`, not for-of: no iterator per loop (routing round 13).
  for (let k = 0; k < idx.length; k++) {
    const i = idx[k];
    if (quality[i] >= threshold) {
      if (bestClear < 0 || compareClear(beliefs, quality, costWeight, i, bestClear) < 0) bestClear = i;
    } else if (bestRest < 0 || compareRest(beliefs, quality, cheapestFirst, i, bestRest) < 0) bestRest = i;
  }
  return bestClear >= 0 ? bestClear : bestRest;
}

/**
 * `rank` as indices into `beliefs`. Each group is sorted by an insertion sort on keys read once per
 * model: the order `Array.prototype.sort` gives with `compareClear` / `compareRest` (a stable sort by
 * the same comparison, whose ties keep the order of `idx`), without a comparator call and two
 * property reads per comparison (at 48 models the two sorts took about a third of `decide`).
 * With `into`, the order is written there (its length set to the models ranked) and `into` returned:
 * no array per call for a caller that keeps none (decide; routing round 32).
 */
export function rankOrder(
  beliefs: readonly Rankable[],
  idx: readonly number[],
  quality: ArrayLike<number>,
  floor: number,
  relative: number,
  cheapestFirst: boolean,
  costWeight?: number,
  into?: number[],
): number[] {
  const threshold = Math.max(floor, relative * bestOf(idx, quality));
  const n = idx.length;
  // Sorted in a typed scratch column, then copied out: its loads need no hole or small-integer checks
  // (routing round 13b). Clearing models fill it from the front, the rest from the back (reversed,
  // fixed below).
  if (scratchCost.length < beliefs.length) {
    scratchCost = new Float64Array(beliefs.length * 2);
    scratchKey = new Float64Array(beliefs.length * 2);
  }
  if (scratchOrder.length < n) scratchOrder = new Int32Array(n * 2);
  const order = scratchOrder;
  const cost = scratchCost;
  const key = scratchKey;
  let clear = 0;
  let rest = n;
  for (let j = 0; j < n; j++) {
    const i = idx[j];
    cost[i] = beliefs[i].expectedCostUsd;
    if (quality[i] >= threshold) {
      // compareClear: with a cost weight, by net value (highest first), then cheapest; else cheapest, then best quality.
      key[i] = costWeight === undefined ? quality[i] : quality[i] - costWeight * cost[i];
      order[clear++] = i;
    } else {
      key[i] = quality[i];
      order[--rest] = i;
    }
  }
  // The rest were written back to front: restore the order of `idx` (the ties' order).
  for (let a = clear, b = n - 1; a < b; a++, b--) {
    const t = order[a];
    order[a] = order[b];
    order[b] = t;
  }
  if (costWeight === undefined) insertionSort(order, 0, clear, cost, key);
  else insertionSort(order, 0, clear, key, cost, true);
  if (cheapestFirst) insertionSort(order, clear, n, cost, key);
  else insertionSort(order, clear, n, key, cost, true);
  let out: number[];
  if (into === undefined) out = new Array(n);
  else {
    out = into;
    // Set only when it changes: each set is a call into the runtime.
    if (out.length !== n) out.length = n;
  }
  for (let k = 0; k < n; k++) out[k] = order[k];
  return out;
}

/**
 * Sort keys of the models being ranked, by index into `beliefs`, reused across calls (ranking never
 * yields): a typed array of more than 64 bytes per call is an ArrayBuffer outside the heap.
 */
let scratchCost = new Float64Array(64);
let scratchKey = new Float64Array(64);
let scratchOrder = new Int32Array(16);

/**
 * Stable insertion sort of order[from, to) by the comparison `compareClear` / `compareRest` make, on
 * keys: x goes before y when cmp(x, y) < 0, with
 *   cmp(x, y) = (primary[x] - primary[y]) || (secondary[y] - secondary[x])   (primary ascending),
 *   cmp(x, y) = (primary[y] - primary[x]) || (secondary[x] - secondary[y])   (`primaryDescending`),
 * the same arithmetic as the comparators (so infinities compare as they do there). Each model goes
 * after every model already placed that it does not strictly precede: ties keep their order, the
 * result of any stable sort by that comparison. The place is found by a scan from the back (its
 * branches are predictable: at 48 models about half the time of a binary search), or by a binary
 * search in a long range.
 */
function insertionSort(order: Int32Array, from: number, to: number, primary: Float64Array, secondary: Float64Array, primaryDescending = false): void {
  if (to - from > LINEAR_INSERTION_MAX) {
    binaryInsertionSort(order, from, to, primary, secondary, primaryDescending);
    return;
  }
  for (let a = from + 1; a < to; a++) {
    const i = order[a];
    const p = primary[i];
    const q = secondary[i];
    let b = a;
    if (primaryDescending) {
      for (; b > from; b--) {
        const j = order[b - 1];
        if (!((primary[j] - p || q - secondary[j]) < 0)) break;
        order[b] = j;
      }
    } else {
      for (; b > from; b--) {
        const j = order[b - 1];
        if (!((p - primary[j] || secondary[j] - q) < 0)) break;
        order[b] = j;
      }
    }
    order[b] = i;
  }
}

/** Above this many models the scan's quadratic moves cost more than the binary search's mispredictions. */
const LINEAR_INSERTION_MAX = 96;

function binaryInsertionSort(order: Int32Array, from: number, to: number, primary: Float64Array, secondary: Float64Array, primaryDescending: boolean): void {
  for (let a = from + 1; a < to; a++) {
    const i = order[a];
    const p = primary[i];
    const q = secondary[i];
    // The first position in [from, a) whose model i strictly precedes (a if none): order[from, a) is sorted.
    let lo = from;
    let hi = a;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const j = order[mid];
      const cmp = primaryDescending ? primary[j] - p || q - secondary[j] : p - primary[j] || secondary[j] - q;
      if (cmp < 0) hi = mid;
      else lo = mid + 1;
    }
    for (let b = a; b > lo; b--) order[b] = order[b - 1];
    order[lo] = i;
  }
}

function bestOf(idx: readonly number[], quality: ArrayLike<number>): number {
  let best = 0;
  for (let k = 0; k < idx.length; k++) if (quality[idx[k]] > best) best = quality[idx[k]];
  return best;
}

function compareClear(beliefs: readonly Rankable[], quality: ArrayLike<number>, costWeight: number | undefined, x: number, y: number): number {
  const cx = beliefs[x].expectedCostUsd;
  const cy = beliefs[y].expectedCostUsd;
  if (costWeight === undefined) return cx - cy || quality[y] - quality[x];
  return quality[y] - costWeight * cy - (quality[x] - costWeight * cx) || cx - cy;
}

function compareRest(beliefs: readonly Rankable[], quality: ArrayLike<number>, cheapestFirst: boolean, x: number, y: number): number {
  const cx = beliefs[x].expectedCostUsd;
  const cy = beliefs[y].expectedCostUsd;
  if (cheapestFirst) return cx - cy || quality[y] - quality[x];
  return quality[y] - quality[x] || cx - cy;
}
