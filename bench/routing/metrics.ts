/** RouteLLM's metrics (Ong et al. 2024, section 5.1) over points of a router's cost-quality curve. */
export interface CurvePoint {
  /** Share of requests sent to the strong model, 0..1. */
  strongShare: number;
  /** Mean quality (accuracy or score) of the routed answers. */
  quality: number;
}

/** Performance gap recovered: 0 at the weak model's quality, 1 at the strong model's. */
export function pgr(quality: number, weak: number, strong: number): number {
  return (quality - weak) / (strong - weak);
}

/**
 * The router's curve as PGR against strong share, anchored at (0, 0) and (1, 1) (always-weak and
 * always-strong are points any router can reach), sorted by share, keeping for each share the best PGR
 * reached at that share or less (a router can always spend less than its budget of strong calls).
 */
export function pgrCurve(points: CurvePoint[], weak: number, strong: number): [number, number][] {
  const raw: [number, number][] = points.map((p) => [p.strongShare, pgr(p.quality, weak, strong)]);
  raw.push([0, 0], [1, 1]);
  raw.sort((a, b) => a[0] - b[0] || b[1] - a[1]);
  const curve: [number, number][] = [];
  let best = -Infinity;
  for (const [share, value] of raw) {
    best = Math.max(best, value);
    if (curve.length > 0 && curve[curve.length - 1][0] === share) curve[curve.length - 1][1] = best;
    else curve.push([share, best]);
  }
  return curve;
}

/** Average PGR: the area under the PGR curve over strong share 0..1 (trapezoids). Random routing scores 0.5. */
export function apgr(points: CurvePoint[], weak: number, strong: number): number {
  const curve = pgrCurve(points, weak, strong);
  let area = 0;
  for (let i = 1; i < curve.length; i++) {
    area += ((curve[i][0] - curve[i - 1][0]) * (curve[i][1] + curve[i - 1][1])) / 2;
  }
  return area;
}

/** Call-performance threshold: the smallest strong share at which the curve reaches `target` PGR (interpolated). */
export function cpt(points: CurvePoint[], weak: number, strong: number, target: number): number {
  const curve = pgrCurve(points, weak, strong);
  for (let i = 1; i < curve.length; i++) {
    const [x0, y0] = curve[i - 1];
    const [x1, y1] = curve[i];
    if (y1 >= target) {
      if (y0 >= target || y1 === y0) return x0 <= x1 && y0 >= target ? x0 : x1;
      return x0 + ((target - y0) / (y1 - y0)) * (x1 - x0);
    }
  }
  return 1;
}

/** Interpolates y at the first x where `ys` reaches `target` along points sorted by x. */
export function firstReaching(points: { x: number; y: number }[], target: number, yAt: (p: { x: number; y: number }) => number): number | undefined {
  const sorted = [...points].sort((a, b) => a.x - b.x);
  for (let i = 0; i < sorted.length; i++) {
    if (yAt(sorted[i]) >= target) {
      if (i === 0) return sorted[0].x;
      const a = sorted[i - 1];
      const b = sorted[i];
      const ya = yAt(a);
      const yb = yAt(b);
      return a.x + ((target - ya) / (yb - ya)) * (b.x - a.x);
    }
  }
  return undefined;
}

export function quantile(sorted: ArrayLike<number>, q: number): number {
  if (sorted.length === 0) return NaN;
  const idx = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[idx];
}

/**
 * Requests after a change until every later checked window is good: `bad[k]` is the window starting
 * k x `step` requests after the change. 0 when no window is bad.
 */
export function requestsToAdapt(bad: readonly boolean[], step: number): number {
  const last = bad.lastIndexOf(true);
  return last < 0 ? 0 : (last + 1) * step;
}

/**
 * Requests after a change until the share of bad windows from then on is no higher than `badShareBefore`,
 * the router's own share of bad windows over the same span before the change. Counts what the change
 * caused, not the exploration noise the router shows anyway; equals `requestsToAdapt` when the router
 * had no bad window before the change, and is never larger.
 */
export function requestsToAdaptVsBefore(bad: readonly boolean[], badShareBefore: number, step: number): number {
  let k = 0;
  let badFrom = bad.filter((x) => x).length;
  while (k < bad.length && badFrom / (bad.length - k) > badShareBefore) {
    if (bad[k]) badFrom--;
    k++;
  }
  return k * step;
}

/**
 * Requests after a change until the bad windows from then on are no more than those of the same router
 * over the same windows in the scenario's no-change twin (`twinBad`: the same seed, requests and
 * router state at the change, without the change): what the change caused, with the disturbances both
 * runs share (recurring failure bursts, the router's steady-state misses) not charged to it. Equals
 * `requestsToAdapt` when the twin has no bad window; `bad` and `twinBad` have the same length.
 */
export function requestsToAdaptVsTwin(bad: readonly boolean[], twinBad: readonly boolean[], step: number): number {
  let k = 0;
  let badFrom = bad.filter((x) => x).length;
  let twinFrom = twinBad.filter((x) => x).length;
  while (k < bad.length && badFrom > twinFrom) {
    if (bad[k]) badFrom--;
    if (twinBad[k]) twinFrom--;
    k++;
  }
  return k * step;
}

/** Pearson's correlation of two equally long series; NaN when either is constant or they are shorter than 2. */
export function correlation(xs: number[], ys: number[]): number {
  const n = Math.min(xs.length, ys.length);
  if (n < 2) return NaN;
  const mean = (v: number[]) => v.slice(0, n).reduce((a, b) => a + b, 0) / n;
  const mx = mean(xs);
  const my = mean(ys);
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < n; i++) {
    sxy += (xs[i] - mx) * (ys[i] - my);
    sxx += (xs[i] - mx) ** 2;
    syy += (ys[i] - my) ** 2;
  }
  return sxx === 0 || syy === 0 ? NaN : sxy / Math.sqrt(sxx * syy);
}
