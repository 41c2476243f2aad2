/**
 * Bench-only (round 39, ZOO_PENDING_IMPUTE; docs/benchmarks.md): scores still in flight imputed into the
 * default router's draw. Per context and model the router counts the requests it served and the scores
 * that landed for them (over the route's last `window` requests); the route's share of requests that get
 * a score turns that into the scores expected but not arrived yet, `expectedInFlight`. Each of those is
 * added to the arm as a pseudo-observation at the arm's posterior mean minus z standard deviations
 * (`imputePending`): z = 0 is the expected imputation (the mean stays, the draw narrows, as if the
 * outstanding scores had come back as the router already believes), z > 0 the pessimistic one. A model
 * Thompson keeps sending traffic to while its scores are late stops being drawn as if nothing were
 * known of it. Unset: off, the same decisions.
 */
import { DEFAULT_PRIOR_QUALITY_WEIGHT, emptyArm, type ArmState, type Candidate, type RoutePolicy } from '../../libs/router/src';

/** Scores expected but not landed yet: `scoredShare` of the served requests, less those landed; never below 0. */
export function expectedInFlight(served: number, landed: number, scoredShare: number): number {
  return Math.max(0, served * scoredShare - landed);
}

/**
 * Beta(a, b) with `pending` pseudo-observations at its mean minus `z` standard deviations (clamped to
 * 0..1): the evidence added to successes and to failures. With `cap`, at most `cap` x (a + b) of them.
 */
export function imputePending(a: number, b: number, pending: number, z: number, cap = Infinity): { successes: number; failures: number } {
  if (pending <= 0 || a + b <= 0) return { successes: 0, failures: 0 };
  const n = a + b;
  pending = Math.min(pending, cap * n);
  const mean = a / n;
  const sd = Math.sqrt((a * b) / (n * n * (n + 1)));
  const value = Math.min(1, Math.max(0, mean - z * sd));
  return { successes: pending * value, failures: pending * (1 - value) };
}

function withEvidence(arm: ArmState | undefined, modelId: string, add: { successes: number; failures: number }): ArmState {
  const base = arm ?? emptyArm(modelId);
  return { ...base, successes: base.successes + add.successes, failures: base.failures + add.failures };
}

/** The candidate's cold-start prior, as `decide` builds it. */
function priorOf(c: Candidate, policy: RoutePolicy): { a: number; b: number } {
  if (c.priorQuality === undefined) return { a: policy.priorSuccesses, b: policy.priorFailures };
  const w = policy.priorQualityWeight ?? DEFAULT_PRIOR_QUALITY_WEIGHT;
  return { a: c.priorQuality * w, b: (1 - c.priorQuality) * w };
}

/**
 * The route's and the context's arms with each candidate's scores in flight imputed (`imputePending`),
 * the route level first; the context's prior is then shrunk from the imputed route arm, as `decide` does
 * (`contextPriorStrength` observations' worth at most). `routePending` / `contextPending` give a
 * candidate's expected scores in flight on the route and in the context.
 */
export function armsWithPending(
  candidates: readonly Candidate[],
  routeArms: ReadonlyMap<string, ArmState>,
  contextArms: ReadonlyMap<string, ArmState>,
  policy: RoutePolicy & { contextPriorStrength: number },
  routePending: (modelId: string) => number,
  contextPending: (modelId: string) => number,
  z: number,
  cap = Infinity,
): { routeArms: Map<string, ArmState>; contextArms: Map<string, ArmState> } {
  const route = new Map(routeArms);
  const context = new Map(contextArms);
  for (const c of candidates) {
    const prior = priorOf(c, policy);
    const routeArm = routeArms.get(c.modelId);
    const ra = prior.a + (routeArm?.successes ?? 0);
    const rb = prior.b + (routeArm?.failures ?? 0);
    const rp = routePending(c.modelId);
    const routeAdd = imputePending(ra, rb, rp, z, cap);
    if (rp > 0) route.set(c.modelId, withEvidence(routeArm, c.modelId, routeAdd));
    const cp = contextPending(c.modelId);
    if (cp <= 0) continue;
    const a = ra + routeAdd.successes;
    const b = rb + routeAdd.failures;
    const strength = Math.min(policy.contextPriorStrength, a + b);
    const contextArm = contextArms.get(c.modelId);
    const ca = strength * (a / (a + b)) + (contextArm?.successes ?? 0);
    const cb = strength * (b / (a + b)) + (contextArm?.failures ?? 0);
    context.set(c.modelId, withEvidence(contextArm, c.modelId, imputePending(ca, cb, cp, z, cap)));
  }
  return { routeArms: route, contextArms: context };
}

/**
 * Per key (a context and model, or the route's model), the requests served and the scores landed for
 * them over the last `window` requests (by the request's index: a score counts while the request it
 * scores is in the window).
 */
export class InFlightCounts {
  private readonly served = new Map<string, number[]>();
  private readonly landed = new Map<string, number[]>();
  constructor(private readonly window: number) {}

  serve(key: string, at: number): void {
    push(this.served, key, at);
  }

  land(key: string, servedAt: number): void {
    push(this.landed, key, servedAt);
  }

  /** Expected scores in flight for `key` at request `now`, with the route's `scoredShare`. */
  pending(key: string, now: number, scoredShare: number): number {
    const since = now - this.window;
    return expectedInFlight(countSince(this.served.get(key), since), countSince(this.landed.get(key), since), scoredShare);
  }
}

function push(map: Map<string, number[]>, key: string, at: number): void {
  const xs = map.get(key);
  if (xs) xs.push(at);
  else map.set(key, [at]);
}

/** Drops the indices at or before `since` from the front of the (sorted) list and counts the rest. */
function countSince(xs: number[] | undefined, since: number): number {
  if (!xs) return 0;
  let k = 0;
  while (k < xs.length && xs[k] <= since) k++;
  if (k > 0) xs.splice(0, k);
  return xs.length;
}

/** The option as the bench router takes it (zoo-suite.ts builds it from ZOO_PENDING_IMPUTE / ZOO_PENDING_WINDOW). */
export interface PendingImputation {
  /** Standard deviations under the posterior mean the scores in flight are imputed at (0: at the mean). */
  z: number;
  /** At most this many times the posterior's weight are imputed (Infinity: all of them). */
  cap: number;
  counts: InFlightCounts;
  /** The route's share of served requests that get a score. */
  scoredShare: number;
  /** The current request's index. */
  clock: () => number;
  /** Round 39's exploratory variant (ZOO_PENDING_COLD=1): impute only until the route's first score lands. */
  coldStartOnly?: boolean;
}
