import type { ArmState } from './arm-state';
import type { Candidate } from './thompson-policy';

/** A route's `max_untried_share` when its config sets none. */
export const DEFAULT_MAX_UNTRIED_SHARE = 0.1;

/**
 * Evidence below which a route calls a model untried (decide's `warmupEvidence`): less than one
 * observation's worth. With decide's default of 20, a model the route merely stopped using would count
 * as untried again once its evidence faded, and the cap would slow its rediscovery (measured: a cheap
 * model that failed early, then was fixed, was never won back within 400 requests with a cap of 0.1
 * and a warm-up of 20).
 */
export const UNTRIED_WARMUP_EVIDENCE = 1;

/** No scored answer on the route yet (its undiscounted count; a forgotten model keeps its count). */
export function hasNoScore(routeArm: Pick<ArmState, 'observations'> | undefined): boolean {
  return (routeArm?.observations ?? 0) === 0;
}

/**
 * The untried cap a route decides with (decide's `maxUntriedShare`, with `UNTRIED_WARMUP_EVIDENCE` as its
 * `warmupEvidence`): the route's `max_untried_share` while some candidate has never been scored on the
 * route, however long its first feedback takes; none once every candidate has a score. planRoute (the
 * gateway) and the routing bench both take it from here.
 */
export function untriedShareOf(maxUntriedShare: number | undefined, someCandidateUnscored: boolean): number | undefined {
  return someCandidateUnscored ? maxUntriedShare : undefined;
}

/** The cap's policy fields for candidates whose route-level arms are in a map (the bench's routers). */
export function routeUntriedCap(
  maxUntriedShare: number | undefined,
  candidates: readonly Pick<Candidate, 'modelId'>[],
  routeArms: ReadonlyMap<string, Pick<ArmState, 'observations'>>,
): { maxUntriedShare: number | undefined; warmupEvidence: number } {
  let unscored = false;
  if (maxUntriedShare !== undefined) for (const c of candidates) if (hasNoScore(routeArms.get(c.modelId))) unscored = true;
  return { maxUntriedShare: untriedShareOf(maxUntriedShare, unscored), warmupEvidence: UNTRIED_WARMUP_EVIDENCE };
}
