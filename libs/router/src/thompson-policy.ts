import type { Random } from '../../core/src';
import { armWeight, failuresOf, successesOf, type ArmState } from './arm-state';
import { sampleBetasInto } from './beta-sampler';
import { firstRankedIndex, rankOrder } from './ranking';
import { EXPLORE_CHEAPER_OUTRIGHT_MARGIN, guaranteedExploration } from './guaranteed-exploration';
import { DEFAULT_MIXTURE_EXPLORE_SHARE, mixtureOrder } from './mixture-floor';
import { lowerQuantile, normalQuantile } from './safe-exploration';

export interface Candidate {
  modelId: string;
  /** Expected USD for this request, from the current price and expected token counts. */
  expectedCostUsd: number;
  /** False when a constraint rules it out for this request (price cap, budget, health, context window). */
  eligible: boolean;
  /** Why it is not eligible, for the explanation. */
  excludedBecause?: string;
  /**
   * Cold-start prior mean quality (0..1), e.g. from the model's price tier; replaces the route's
   * neutral prior for this model, with `RoutePolicy.priorQualityWeight` pseudo-observations behind it.
   */
  priorQuality?: number;
  /** Expected time to first token, compared with `RoutePolicy.maxTtftMs`. */
  expectedTtftMs?: number;
}

export interface RoutePolicy {
  qualityFloor: number;
  /** Beta prior pseudo-counts for an arm with no evidence. */
  priorSuccesses: number;
  priorFailures: number;
  /**
   * A model also has to reach this fraction of the best eligible model's quality to clear the floor
   * ("95% of the strong model"): a floor relative to what is attainable for this kind of request.
   */
  relativeFloor?: number;
  /** Pseudo-observations behind `Candidate.priorQuality`; default 4. */
  priorQualityWeight?: number;
  /**
   * Hierarchical sharing: at most this many pseudo-observations of the route-level posterior become
   * the prior of a context's arm (fewer when the route itself has less evidence); default
   * `defaultContextPriorStrength(floorConfidence)`: 8, or 32 with safe exploration.
   */
  contextPriorStrength?: number;
  /**
   * Bounded exploration: a model with less than `warmupEvidence` route-level evidence that wins the
   * draw is taken only with this probability (otherwise the best tried model is), so an untried model
   * gets at most this share of traffic however long its feedback takes. Off when nothing is tried yet.
   */
  maxUntriedShare?: number;
  /** Evidence below which a model counts as untried; default 20. */
  warmupEvidence?: number;
  /** Models whose expected time to first token exceeds this are used only when nothing faster is eligible. */
  maxTtftMs?: number;
  /** How far below the floor (absolute and relative) full budget pressure may go; default 0 (never). */
  budgetFloorSlack?: number;
  /**
   * Quality units the route gives up to save one USD. Unset: among the models that clear the floor
   * the cheapest wins. Set: among them the one with the highest (quality - costWeight x expected cost)
   * wins, so a dearer model is taken when its drawn quality gain pays for its extra cost at this rate
   * (a request whose cheap draw is doubtful goes to the strong model, an easy one stays cheap).
   */
  costWeight?: number;
  /**
   * Safe exploration (see `safe-exploration.ts`). Set (e.g. 0.9): a model is *proven* in this context
   * when the posterior probability that its quality reaches the floor (absolute, and `relativeFloor` x
   * the best mean) is at least this (normal approximation of the Beta posterior). A sampled choice that
   * is not proven no longer takes the request outright: the anchor (first proven model of the sampled
   * order, else the greedy choice) serves it unless an exploration draw, funded by the anchor's surplus
   * over the floor, says otherwise: exploration is paid for by that surplus (in expectation under the
   * posterior) instead of by the floor, however noisy, sparse or late the feedback. Costs one square
   * root per model. Unset: off (one draw decides, as before). Benchmarked value: 0.9.
   */
  floorConfidence?: number;
  /**
   * With `floorConfidence`: an unproven model whose posterior mean clears the threshold is served
   * outright (when the sampled order puts it in front of the anchor) only while its mean clears the
   * threshold by this many posterior standard deviations; closer to the threshold it is explored as
   * funded, like a model whose mean is under it (docs/benchmarks.md, round 12c). Between 0 and
   * normalQuantile(floorConfidence) (1.28 at 0.9, where every unproven model is funded). Unset: 0, the
   * rule as before (the same decisions and random draws); 0.5 with `exploreCheaperShare`.
   */
  outrightMargin?: number;
  /**
   * With `floorConfidence`: no unproven model is served outright; each is explored only as funded by the
   * anchor's surplus (the route's `strict_floor`; the same as `outrightMargin` at normalQuantile(floorConfidence)).
   */
  strictFloor?: boolean;
  /**
   * With `floorConfidence` and context arms: when the context's usual anchor (its cheapest model proven
   * in the context) is not eligible (circuit open, price cap...), the request goes to the cheapest
   * eligible model proven on the route's pooled evidence and not shown to miss the floor in this
   * context (see `replaceAnchor` in thompson-policy.ts), not to the next model proven in the context
   * alone, which is often a dear one because cheap ones were never explored where the anchor served.
   * Default true (has no effect without `floorConfidence` and context arms); false = the rule as before.
   */
  pooledAnchorWhenDown?: boolean;
  /**
   * A mixture under the floor (see `mixture-floor.ts`). Set (e.g. 0.97): the request is served from the
   * cheapest mixture of two eligible models, one proven alone at this confidence and a cheaper one,
   * whose lower confidence bound of quality, sum p_i mean_i - z sqrt(sum p_i^2 var_i) with z the normal
   * quantile of this confidence, clears the floor; one random draw picks the model. With
   * `mixtureExploreShare`, the sampled choice takes the cheap side of the mixture instead (its own
   * funded share) on that share of requests. A context with no evidence at all mixes on the posterior
   * means (the price prior). When no eligible model is proven alone, the rule without this option
   * applies (`floorConfidence`'s, else the draw's). Unset: off (the same decisions and random draws).
   */
  mixtureConfidence?: number;
  /** With `mixtureConfidence`: share of requests on which the sampled choice, when cheaper than the anchor, is the mixture's cheap side; default 0.2. */
  mixtureExploreShare?: number;
  /**
   * With `floorConfidence`: each eligible unproven model costing at most half the context's home (its
   * cheapest proven model) and not refuted is served on up to this share of requests whatever its draw,
   * as far as the home's surplus over the threshold pays (see `guaranteed-exploration.ts`; the route's
   * `explore_cheaper_share`, 0..0.5). Against starvation under noisy, late or partial scores. Sets
   * `outrightMargin` to `EXPLORE_CHEAPER_OUTRIGHT_MARGIN` (0.5) unless it is set. Unset: off (the same
   * decisions and random draws).
   */
  exploreCheaperShare?: number;
  /**
   * With `exploreCheaperShare`: the guaranteed share refutes a model only on the evidence it earned, its
   * route's and context's observations on the route's neutral prior (`priorSuccesses`, `priorFailures`)
   * instead of its `Candidate.priorQuality`, and never while that evidence is less than the prior's
   * pseudo-observations (`priorQualityWeight`): a price prior under a high floor no longer refutes a
   * model before its first score (docs/benchmarks.md, routing round 34). `'grace'` keeps only the
   * second half: no refutation while the model's route evidence is under `priorQualityWeight`, and from
   * then on the refutation reads the same posterior as without the option (its price prior included;
   * routing round 45). Unset or false: off (the same decisions and random draws).
   */
  refuteOnEarnedEvidence?: boolean | 'grace';
}

export type DecisionReason = 'exploit' | 'explore' | 'constraint' | 'only_candidate';

export interface ArmBelief {
  modelId: string;
  meanQuality: number;
  sampledQuality: number;
  /** Effective number of observations behind the mean. */
  evidence: number;
  expectedCostUsd: number;
  eligible: boolean;
  excludedBecause?: string;
  /** Present on contextual decisions: evidence from this context alone (the rest is the shared route prior). */
  contextEvidence?: number;
}

export interface Decision {
  modelId: string;
  reason: DecisionReason;
  /** Eligible candidates, best first: the chosen one, then the order to fall back in. */
  ranked: string[];
  /**
   * Every candidate's belief, in the candidates' order. decide's decisions build it on first read
   * (`LazyDecision`): an accessor, not an own key, with `toJSON` giving it in the plain object's place.
   */
  beliefs: ArmBelief[];
  /** True when no eligible model is believed (by its mean) to clear the floor. */
  floorUnmet: boolean;
  /** The context the decision was made in, when it was contextual. */
  contextKey?: string;
}

export interface DecisionOptions {
  /** Key of the request's context (see extractPromptContext); echoed in the decision. */
  contextKey?: string;
  /** The arms of this (route, context key); the route-level arms are then their shared prior. */
  contextArms?: ReadonlyMap<string, ArmState>;
  /**
   * With `contextArms`: their counts by candidate index (`ArmTable.countsFor` of the candidates' ids:
   * successes at 2i, failures at 2i + 1, zeros for a model without an arm), read instead of a lookup in
   * `contextArms` per model: the same numbers, so the same decision.
   */
  contextCounts?: ArrayLike<number>;
  /**
   * 0..1, from the budget pacer: 0 = on pace, 1 = over pace by the pacer's tolerance. Pressure
   * pulls the draws of the greedy choice and dearer models towards their means (no exploration
   * upwards; exploration of cheaper models goes on) and, with `budgetFloorSlack`, lowers the floor by
   * up to that much. At 1, when no model clears the lowered floor, the cheapest goes first.
   */
  budgetPressure?: number;
  /**
   * The route's arms of scored answers, for the untried cap (`maxUntriedShare`), when `arms` are beliefs
   * that are not counts of scored answers (the word model's, `logisticArmsAsBeta`): a model whose arm
   * here has less than `warmupEvidence` counts as untried. Unset: `arms` themselves.
   */
  triedArms?: ReadonlyMap<string, ArmState>;
  /**
   * The arms by candidate index (`armsByCandidate[i]` is `candidates[i]`'s, undefined for none), read
   * instead of `arms.get(modelId)`: the same decision without a Map built and searched per request
   * (the word model's beliefs, `logisticArmsAsBetaList`). `arms` is then not read.
   */
  armsByCandidate?: readonly (ArmState | undefined)[];
  /**
   * `armsByCandidate` as two columns: candidate i's arm has `armSuccesses[i]` successes and
   * `armFailures[i]` failures (the word model's beliefs, `logisticArmsAsBetaInto`, without an object per
   * model). Read before `armsByCandidate` and `arms`, which are then not read.
   */
  armSuccesses?: ArrayLike<number>;
  armFailures?: ArrayLike<number>;
  /** `triedArms` by candidate index (`triedArmsByCandidate[i]` is `candidates[i]`'s), read instead of it. */
  triedArmsByCandidate?: readonly (ArmState | undefined)[];
  /**
   * With `RoutePolicy.floorConfidence` and context arms: the context's anchor whose drift alarm fired
   * recently (the caller keeps the marker, e.g. for the context's next few thousand requests, and sets
   * it only for a model that was proven in the context before the alarm: `provenArm`). Once the model's
   * own context mean has fallen below the threshold (its new scores bear the alarm out), models proven
   * on the route's pooled evidence that the context does not show missing the floor, and cheaper than
   * the context's cheapest proven model, serve first, cheapest first, as for a down anchor
   * (`replaceAnchor`): the context's own evidence about the models its anchor kept from serving is thin
   * and often biased low (an arm is sampled less whenever it looks worse), and proving a cheap model in
   * the context alone takes thousands of requests during which the next proven model, usually a dear
   * one, serves. Unset: no marker (the rule as before).
   */
  refutedModelId?: string;
  /**
   * Filled with `Decision.ranked` as indices into `candidates` (its length set to the ranked count), for
   * a caller that keeps per-candidate data by index: no lookup of each ranked id.
   */
  rankedIndices?: number[];
}

export const DEFAULT_PRIOR_QUALITY_WEIGHT = 4;
export const DEFAULT_CONTEXT_PRIOR_STRENGTH = 8;
/**
 * The context prior's strength with safe exploration (`floorConfidence`). Safe exploration serves an
 * unproven model only as funded, so a cheaper model whose context estimate fell low on thin evidence
 * (after a false drift alarm, or an unlucky start) is tried about 1% of the time, about what the
 * discount takes away, and stays distrusted for thousands of requests while a dear model serves
 * (docs/benchmarks.md, routing rounds 16c and 17). A stronger pull towards the route's belief keeps a
 * thin context estimate near what the route knows until the context's own evidence outweighs it; the
 * proof still needs the context's own evidence (32 pseudo-observations alone prove nothing at 0.9).
 * Without safe exploration the draws explore anyway, and 32 costs floor windows there (round 18).
 */
export const SAFE_CONTEXT_PRIOR_STRENGTH = 32;

/** The context prior's strength when a policy does not set one: `SAFE_CONTEXT_PRIOR_STRENGTH` with safe exploration, else `DEFAULT_CONTEXT_PRIOR_STRENGTH`. */
export function defaultContextPriorStrength(floorConfidence: number | undefined): number {
  return floorConfidence === undefined ? DEFAULT_CONTEXT_PRIOR_STRENGTH : SAFE_CONTEXT_PRIOR_STRENGTH;
}
const DEFAULT_WARMUP_EVIDENCE = 20;
const LATENCY_EXCLUSION = 'expected time to first token above the route maximum';

/**
 * Cost-aware Thompson sampling. Draw a quality for each eligible model from its posterior; among
 * the models whose draw clears the route's floor pick the cheapest; when none clears it, pick the
 * highest draw. The same rule on posterior means gives the greedy choice: when the sampled choice
 * differs from it, the decision is exploration.
 *
 * With `options.contextArms` the posterior is the context's own discounted evidence on top of a prior
 * shrunk from the route-level arm (`arms`), so a new context starts from what the route knows and
 * departs from it as its own evidence grows.
 */
export function decide(
  candidates: Candidate[],
  arms: ReadonlyMap<string, ArmState>,
  policy: RoutePolicy,
  random: Random,
  options: DecisionOptions = {},
): Decision {
  const pressure = clamp01(options.budgetPressure ?? 0);
  const slack = (policy.budgetFloorSlack ?? 0) * pressure;
  const floor = policy.qualityFloor - slack;
  const relative = policy.relativeFloor === undefined ? 0 : policy.relativeFloor - slack;
  const contextArms = options.contextArms;
  const contextCounts = options.contextCounts;
  const fastEnoughExists =
    policy.maxTtftMs !== undefined && candidates.some((c) => c.eligible && (c.expectedTtftMs ?? 0) <= (policy.maxTtftMs ?? Infinity));
  const cap = policy.maxUntriedShare;
  const warmup = policy.warmupEvidence ?? DEFAULT_WARMUP_EVIDENCE;

  // Everything below works on indices into `candidates`; ids are looked up once at the end.
  const n = candidates.length;
  // Per-candidate numbers in scratch columns reused across calls (decide never yields and nothing
  // keeps them): no arrays allocated per decision. The explanation (`Decision.beliefs`, an object per
  // model) is built from a copy of its numbers when it is first read (`LazyDecision`).
  if (scratch.size < n) scratch = new DecideScratch(Math.max(n, 2 * scratch.size));
  const { untried, posteriorA, posteriorB, routeA, routeB, means, sampledQuality, lower, eligibleNow, evidenceOf, earnedA, earnedB, earnedEvidence } = scratch;
  /** `RoutePolicy.refuteOnEarnedEvidence` in effect: each candidate's earned posterior and evidence are filled. */
  const earned =
    (policy.refuteOnEarnedEvidence === true || policy.refuteOnEarnedEvidence === 'grace') && policy.exploreCheaperShare !== undefined && policy.floorConfidence !== undefined;
  /** `refuteOnEarnedEvidence: 'grace'`: the refutation reads the decision's own posterior (price prior included); only the evidence gate is added. */
  const grace = policy.refuteOnEarnedEvidence === 'grace';
  const explained = scratch.explained;
  /** Each candidate's `excludedBecause`, copied for the explanation; made only when one has a reason. */
  let exclusions: (string | undefined)[] | undefined;
  /** The route-level (pooled) posterior, before it is shrunk into the context's prior: routeA, routeB. */
  // decide's own, reused by every call (nothing keeps it), its length set only when the count changes
  // (routing round 32; an array per decision before, sized once and trimmed after the loop).
  const eligibleIdx = scratch.eligibleIdx;
  let eligibleCount = 0;
  const byIndex = options.armsByCandidate;
  const columnS = options.armSuccesses;
  const columnF = options.armFailures;
  const byColumns = columnS !== undefined && columnF !== undefined;
  const triedByIndex = options.triedArmsByCandidate;
  /** The best eligible mean, and the best one reaching the absolute floor (-Infinity: none). */
  let bestMean = 0;
  let bestClearingMean = -Infinity;
  /** Observations' worth of the route's belief a context starts from (at most the route's own evidence). */
  const contextPriorStrength = policy.contextPriorStrength ?? defaultContextPriorStrength(policy.floorConfidence);
  for (let i = 0; i < n; i++) {
    const c = candidates[i];
    const routeArm = byColumns ? undefined : byIndex ? byIndex[i] : arms.get(c.modelId);
    let a: number;
    let b: number;
    if (c.priorQuality !== undefined) {
      const w = policy.priorQualityWeight ?? DEFAULT_PRIOR_QUALITY_WEIGHT;
      a = c.priorQuality * w;
      b = (1 - c.priorQuality) * w;
    } else {
      a = policy.priorSuccesses;
      b = policy.priorFailures;
    }
    // The route's own observations (the context's among them).
    const routeS = byColumns ? columnS[i] : successesOf(routeArm);
    const routeF = byColumns ? columnF[i] : failuresOf(routeArm);
    const routeEvidence = byColumns ? routeS + routeF : routeArm ? armWeight(routeArm) : 0;
    let evidence = routeEvidence;
    a += routeS;
    b += routeF;
    routeA[i] = a;
    routeB[i] = b;
    let contextEvidence: number | undefined;
    let contextSuccesses = 0;
    let contextFailures = 0;
    if (contextArms) {
      if (contextCounts !== undefined) {
        contextSuccesses = contextCounts[2 * i];
        contextFailures = contextCounts[2 * i + 1];
      } else {
        const contextArm = contextArms.get(c.modelId);
        contextSuccesses = successesOf(contextArm);
        contextFailures = failuresOf(contextArm);
      }
      const strength = Math.min(contextPriorStrength, a + b);
      const routeMean = a / (a + b);
      a = strength * routeMean + contextSuccesses;
      b = strength * (1 - routeMean) + contextFailures;
      // armWeight of the arm, 0 + 0 without one.
      contextEvidence = contextSuccesses + contextFailures;
      evidence = contextEvidence;
    }
    if (grace) earnedEvidence[i] = routeEvidence;
    else if (earned) {
      // The same posterior on the route's neutral prior: what the model's observations alone say.
      let ea = policy.priorSuccesses + routeS;
      let eb = policy.priorFailures + routeF;
      if (contextArms) {
        const strength = Math.min(contextPriorStrength, ea + eb);
        const m = ea / (ea + eb);
        ea = strength * m + contextSuccesses;
        eb = strength * (1 - m) + contextFailures;
      }
      earnedA[i] = ea;
      earnedB[i] = eb;
      earnedEvidence[i] = routeEvidence;
    }
    // Too slow when a faster model is eligible: excluded for latency (`LATENCY_EXCLUSION`).
    const tooSlow = c.eligible && fastEnoughExists && (c.expectedTtftMs ?? 0) > (policy.maxTtftMs ?? Infinity);
    const eligible = c.eligible && !tooSlow;
    const mean = a / (a + b);
    posteriorA[i] = a;
    posteriorB[i] = b;
    means[i] = mean;
    if (eligible) {
      eligibleIdx[eligibleCount++] = i;
      if (mean > bestMean) bestMean = mean;
      if (mean >= floor && mean > bestClearingMean) bestClearingMean = mean;
    }
    eligibleNow[i] = eligible ? 1 : 0;
    const e = EXPLAINED_COLUMNS * i;
    explained[e] = mean;
    explained[e + 2] = evidence;
    explained[e + 3] = c.expectedCostUsd;
    explained[e + 4] = tooSlow ? TOO_SLOW : eligible ? ELIGIBLE : EXCLUDED;
    evidenceOf[i] = evidence;
    if (c.excludedBecause !== undefined) {
      if (exclusions === undefined) exclusions = new Array<string | undefined>(n);
      exclusions[i] = c.excludedBecause;
    }
    if (cap !== undefined) {
      if (triedByIndex !== undefined || options.triedArms !== undefined || !byColumns) {
        const triedArm = triedByIndex ? triedByIndex[i] : options.triedArms ? options.triedArms.get(c.modelId) : routeArm;
        untried[i] = (triedArm ? armWeight(triedArm) : 0) < warmup ? 1 : 0;
      } else {
        untried[i] = columnS![i] + columnF![i] < warmup ? 1 : 0;
      }
    }
  }

  // The draws, one per eligible candidate in index order (the same draws as drawing in the loop above,
  // which takes no other random number): in a loop of their own, into which the compiler inlines the
  // sampler, instead of a call from this large function with its two shapes and its draw boxed (three
  // heap numbers per model; routing round 13).
  sampleBetasInto(posteriorA, posteriorB, eligibleNow, n, random, sampledQuality);
  for (let i = 0; i < n; i++) explained[EXPLAINED_COLUMNS * i + 1] = sampledQuality[i];
  if (eligibleIdx.length !== eligibleCount) eligibleIdx.length = eligibleCount;
  if (eligibleIdx.length === 0) {
    throw new Error('decide() needs at least one eligible candidate');
  }
  const cheapestFirst = pressure >= 1;
  const costWeight = policy.costWeight;
  // Only the greedy choice (the rule on posterior means) is needed, not its whole order: one pass.
  const greedy = firstRankedIndex(candidates, eligibleIdx, means, floor, relative, cheapestFirst, costWeight);
  let testQuality: ArrayLike<number> = sampledQuality;
  if (pressure > 0) {
    const greedyCost = candidates[greedy].expectedCostUsd;
    const pressed = scratch.testQuality;
    testQuality = pressed;
    for (let i = 0; i < n; i++) {
      const sampled = sampledQuality[i];
      pressed[i] = candidates[i].expectedCostUsd >= greedyCost ? sampled + pressure * (means[i] - sampled) : sampled;
    }
  }
  // Into decide's own array (nothing keeps `order`: the decision gets copies, `ranked` and `rankedIndices`).
  let order = rankOrder(candidates, eligibleIdx, testQuality, floor, relative, cheapestFirst, costWeight, scratch.order);
  /** The context's anchor is not eligible and a route-proven model stands in: a constraint decided, not a draw. */
  let standIn = false;
  if (cap !== undefined) order = capUntried(order, untried, cap, random);
  let mixed: number[] | undefined;
  if (policy.mixtureConfidence !== undefined) {
    const threshold = Math.max(floor, relative * bestMean);
    mixed = mixtureOrder(order, candidates, evidenceOf, eligibleIdx, means, posteriorA, posteriorB, threshold, policy.mixtureConfidence, policy.mixtureExploreShare ?? DEFAULT_MIXTURE_EXPLORE_SHARE, random);
    if (mixed !== undefined) order = mixed;
  }
  if (mixed === undefined && policy.floorConfidence !== undefined) {
    const threshold = Math.max(floor, relative * bestMean);
    const zProven = normalQuantile(policy.floorConfidence);
    // replaceAnchor reads every candidate's lower quantile; fundExploration alone reads only the sampled
    // order's up to its first proven model (all of it when none is), so only those are computed then:
    // the same numbers where they are read (routing round 15).
    const standInsPossible = contextArms !== undefined && policy.pooledAnchorWhenDown !== false;
    const cheaperShare = policy.exploreCheaperShare;
    // With every lower quantile, the two homes the rules below start from are found in the same pass
    // (each rule walked the candidates again for its own; routing round 32): replaceAnchor's, the cheapest
    // proven model eligible or not, and guaranteedExploration's, the cheapest eligible proven one (the
    // first of the cheapest on a tie, as their own loops found them).
    let provenHome = -1;
    let eligibleHome = -1;
    if (standInsPossible || cheaperShare !== undefined) {
      let provenHomeCost = 0;
      let eligibleHomeCost = 0;
      for (let i = 0; i < n; i++) {
        const q = lowerQuantile(posteriorA[i], posteriorB[i], zProven);
        lower[i] = q;
        if (q >= threshold) {
          const cost = candidates[i].expectedCostUsd;
          if (provenHome < 0 || cost < provenHomeCost) {
            provenHome = i;
            provenHomeCost = cost;
          }
          if (eligibleNow[i] === 1 && (eligibleHome < 0 || cost < eligibleHomeCost)) {
            eligibleHome = i;
            eligibleHomeCost = cost;
          }
        }
      }
    } else lowerQuantilesUntilProven(order, posteriorA, posteriorB, zProven, threshold, lower);
    let refuted = -1;
    if (options.refutedModelId !== undefined) for (let i = 0; i < n; i++) if (candidates[i].modelId === options.refutedModelId) refuted = i;
    const replaced =
      standInsPossible ? replaceAnchor(order, candidates, eligibleNow, posteriorA, posteriorB, routeA, routeB, threshold, zProven, refuted, means, provenHome) : undefined;
    standIn = replaced !== undefined;
    // Margin in units of the lower quantile's distance from the mean (z standard deviations).
    const margin = policy.outrightMargin ?? (cheaperShare !== undefined ? EXPLORE_CHEAPER_OUTRIGHT_MARGIN : undefined);
    const outrightShare = policy.strictFloor === true ? 1 : margin ? margin / zProven : 0;
    if (replaced !== undefined) order = replaced;
    else {
      const guaranteed =
        cheaperShare === undefined
          ? undefined
          : guaranteedExploration(
              candidates,
              eligibleNow,
              means,
              lower,
              posteriorA,
              posteriorB,
              evidenceOf,
              threshold,
              cheaperShare,
              random,
              eligibleHome,
              earned ? { a: grace ? posteriorA : earnedA, b: grace ? posteriorB : earnedB, evidence: earnedEvidence, minEvidence: policy.priorQualityWeight ?? DEFAULT_PRIOR_QUALITY_WEIGHT } : undefined,
            );
      if (guaranteed !== undefined && guaranteed.explored >= 0) {
        const k = order.indexOf(guaranteed.explored);
        if (k > 0) order = moveToFront(order, k);
      } else order = fundExploration(order, greedy, means, lower, threshold, random, outrightShare, guaranteed?.surplusLeft ?? 1);
    }
  }
  const chosen = order[0];
  let reason: DecisionReason;
  if (eligibleIdx.length === 1) reason = n === 1 ? 'only_candidate' : 'constraint';
  else if (standIn) reason = 'constraint';
  else if (chosen !== greedy) reason = 'explore';
  else if (eligibleIdx.length < n && chosen !== firstRankedIndex(candidates, allIndices(n), means, floor, relative, cheapestFirst, costWeight)) reason = 'constraint';
  else reason = 'exploit';
  const ranked: string[] = new Array(order.length);
  const rankedIndices = options.rankedIndices;
  if (rankedIndices !== undefined) {
    // The length set only when it changes (each set is a call into the runtime), both copies in one loop.
    if (rankedIndices.length !== order.length) rankedIndices.length = order.length;
    for (let k = 0; k < order.length; k++) {
      const i = order[k];
      ranked[k] = candidates[i].modelId;
      rankedIndices[k] = i;
    }
  } else {
    for (let k = 0; k < order.length; k++) ranked[k] = candidates[order[k]].modelId;
  }
  // Some eligible mean clears both floors exactly when the best one reaching the absolute floor clears
  // the relative one (bestMean and bestClearingMean from the first loop: no pass of their own).
  const floorUnmet = !(bestClearingMean >= relative * bestMean);
  const decision = new LazyDecision(ranked[0], reason, ranked, floorUnmet, candidates, explained.slice(0, EXPLAINED_COLUMNS * n), exclusions, contextArms !== undefined);
  if (options.contextKey !== undefined) decision.contextKey = options.contextKey;
  return decision;
}

/** Numbers per candidate in `DecideScratch.explained`: mean, sampled quality, evidence, expected cost, eligibility (below). */
const EXPLAINED_COLUMNS = 5;
const EXCLUDED = 0;
const ELIGIBLE = 1;
/** Eligible by its constraints, excluded for its time to first token (`LATENCY_EXCLUSION`). */
const TOO_SLOW = 2;

/**
 * The decision, with `beliefs` built from `explained` (a copy of the numbers, `EXPLAINED_COLUMNS` per
 * candidate), `exclusions` (a copy of the reasons) and the candidates' ids the first time it is read,
 * then kept: the same objects, keys and numbers as building them while deciding, without an object per
 * model on a request nobody asks why of (the gateway reads the choice, the reason and the order; at 48
 * models the 48 objects and their boxed numbers were about a third of a decision's allocation;
 * docs/benchmarks.md, routing round 11). Only the candidates' ids are read later (planRoute rewrites
 * the rest of its candidates on the next request).
 *
 * A class with `beliefs` on its prototype, not an object literal with a getter: a literal's getter is
 * a new function per decision, and each such object got a hidden class of its own (measured: the heap
 * grew between scavenges and each scavenge took about 3 ms instead of 0.3). `beliefs` is therefore not
 * an own key (`Object.keys`, a spread); `toJSON` gives the plain decision's JSON, key for key.
 */
class LazyDecision implements Decision {
  declare contextKey?: string;
  #beliefs: ArmBelief[] | undefined;
  readonly #candidates: readonly Candidate[];
  readonly #explained: number[];
  readonly #exclusions: readonly (string | undefined)[] | undefined;
  readonly #contextual: boolean;

  constructor(
    public modelId: string,
    public reason: DecisionReason,
    public ranked: string[],
    public floorUnmet: boolean,
    candidates: readonly Candidate[],
    explained: number[],
    exclusions: readonly (string | undefined)[] | undefined,
    contextual: boolean,
  ) {
    this.#candidates = candidates;
    this.#explained = explained;
    this.#exclusions = exclusions;
    this.#contextual = contextual;
  }

  get beliefs(): ArmBelief[] {
    if (this.#beliefs === undefined) this.#beliefs = beliefsOf(this.#candidates, this.#explained, this.#exclusions, this.#contextual);
    return this.#beliefs;
  }

  set beliefs(value: ArmBelief[]) {
    this.#beliefs = value;
  }

  /** The plain decision's keys, in its order: modelId, reason, ranked, beliefs, floorUnmet, contextKey. */
  toJSON(): Decision {
    const plain: Decision = { modelId: this.modelId, reason: this.reason, ranked: this.ranked, beliefs: this.beliefs, floorUnmet: this.floorUnmet };
    if (this.contextKey !== undefined) plain.contextKey = this.contextKey;
    return plain;
  }
}

/** `Decision.beliefs` from the copied numbers (see `lazyBeliefsDecision`). */
function beliefsOf(candidates: readonly Candidate[], explained: readonly number[], exclusions: readonly (string | undefined)[] | undefined, contextual: boolean): ArmBelief[] {
  const out: ArmBelief[] = new Array(candidates.length);
  for (let i = 0; i < candidates.length; i++) {
    const e = EXPLAINED_COLUMNS * i;
    const eligibility = explained[e + 4];
    const evidence = explained[e + 2];
    const belief: ArmBelief = {
      modelId: candidates[i].modelId,
      meanQuality: explained[e],
      sampledQuality: explained[e + 1],
      evidence,
      expectedCostUsd: explained[e + 3],
      eligible: eligibility === ELIGIBLE,
      excludedBecause: eligibility === TOO_SLOW ? LATENCY_EXCLUSION : exclusions === undefined ? undefined : exclusions[i],
    };
    // On a contextual decision the evidence is the context's own.
    if (contextual) belief.contextEvidence = evidence;
    out[i] = belief;
  }
  return out;
}

/**
 * When an untried model leads, keep it with probability `cap`; otherwise the first tried model moves
 * to the front (the untried ones stay right behind it as fallbacks). No cap while nothing is tried.
 * `order` and `untried` index the candidates.
 */
function capUntried(order: number[], untried: Uint8Array, cap: number, random: Random): number[] {
  if (!untried[order[0]]) return order;
  let firstTried = -1;
  for (let k = 0; k < order.length; k++) {
    if (!untried[order[k]]) {
      firstTried = k;
      break;
    }
  }
  if (firstTried < 0 || random() < cap) return order;
  return moveToFront(order, firstTried);
}

/**
 * `order` with its k-th entry moved to the front, the others in their order, in place: the array is
 * decide's own (rankOrder's), so no copy is made (the spread and slices allocated three arrays).
 */
function moveToFront(order: number[], k: number): number[] {
  const first = order[k];
  for (let j = k; j > 0; j--) order[j] = order[j - 1];
  order[0] = first;
  return order;
}

/**
 * `lower[i] = lowerQuantile(posteriorA[i], posteriorB[i], z)` for the models of `order` from its front up
 * to and including the first whose lower quantile clears `threshold` (the whole order when none does):
 * every index `fundExploration` reads (the first proven model of the order, the models in front of it,
 * and, when none is proven, the greedy choice's place in the order and those in front of it). Other
 * entries of `lower` are left as they were.
 */
export function lowerQuantilesUntilProven(order: readonly number[], posteriorA: ArrayLike<number>, posteriorB: ArrayLike<number>, z: number, threshold: number, lower: Float64Array): void {
  for (let k = 0; k < order.length; k++) {
    const i = order[k];
    const q = lowerQuantile(posteriorA[i], posteriorB[i], z);
    lower[i] = q;
    if (q >= threshold) return;
  }
}

/**
 * Safe exploration (`RoutePolicy.floorConfidence`). A sampled choice that is proven (its lower quantile
 * clears the threshold) stands. Otherwise the anchor is the first proven model of the sampled order, or
 * the greedy choice when none is proven, and one of the models the sampled order puts in front of the
 * anchor is drawn uniformly to be explored. One whose posterior mean clears the threshold is taken
 * (with `RoutePolicy.outrightMargin`, only when it clears it by that many standard deviations); one
 * whose mean is below it (or within the margin) is taken with probability
 *   p = (anchor mean - threshold) / (anchor mean - its lower quantile),
 * so that even if it is as bad as its pessimistic quantile, the mix of anchor and exploration still
 * reaches the threshold in expectation: the anchor's surplus pays for the exploration. Otherwise the
 * anchor goes first (the sampled choice stays behind it as a fallback). One exploration draw per request.
 * When the anchor's own mean is below the threshold there is no surplus to protect and the sampled
 * order stands (plain Thompson sampling, which is how a context finds a model that clears at all).
 */
function fundExploration(
  order: number[],
  greedy: number,
  means: ArrayLike<number>,
  lower: ArrayLike<number>,
  threshold: number,
  random: Random,
  /** `RoutePolicy.outrightMargin` / z: the explored model is taken outright when mean - this x (mean - lower) clears the threshold. */
  outrightShare = 0,
  /** Share of the anchor's surplus left for this exploration (`guaranteedExploration` spent the rest); 1 without it. */
  surplusLeft = 1,
): number[] {
  if (lower[order[0]] >= threshold) return order;
  // The anchor: the first proven model of the order, else the greedy choice (a loop, not a closure per request).
  let front = -1;
  for (let k = 0; k < order.length; k++) {
    if (lower[order[k]] >= threshold) {
      front = k;
      break;
    }
  }
  const anchor = front >= 0 ? order[front] : greedy;
  if (front < 0) front = order.indexOf(anchor);
  if (front <= 0) return order;
  const explored = order[Math.min(front - 1, Math.floor(random() * front))];
  const anchorMean = means[anchor];
  // An anchor that does not clear the threshold itself cannot be kept safe by withholding exploration.
  if (anchorMean < threshold) return order;
  const mean = means[explored];
  const outright = outrightShare > 0 ? mean - outrightShare * (mean - lower[explored]) >= threshold : mean >= threshold;
  const keep = outright ? 1 : (surplusLeft * (anchorMean - threshold)) / (anchorMean - lower[explored]);
  const first = keep >= 1 || random() < keep ? explored : anchor;
  return first === order[0] ? order : moveToFront(order, first === anchor ? front : order.indexOf(first));
}

/**
 * Safe exploration when the context's anchor is down (`RoutePolicy.pooledAnchorWhenDown`) or was just
 * refuted (`DecisionOptions.refutedModelId`). The usual anchor is the context's cheapest proven model,
 * eligible or not.
 * - Down: while it is not eligible, the models that can stand in are those proven on the route's pooled
 *   posterior (lower quantile of the route-level Beta clears the threshold) whose context posterior does
 *   not show them missing it (its upper quantile at the same confidence clears the threshold): a
 *   context's own evidence about a model it rarely served is thin, and a model proven across the route
 *   is the better bet than the next model proven here alone, usually a dear one.
 * - Refuted (`refuted` >= 0, the index of the anchor whose drift alarm fired in this context, once its
 *   context mean is below the threshold): the same stand-ins, other than the refuted model and cheaper
 *   than the context's cheapest proven model, serve while there are any.
 * They go first, cheapest first, then the rest of the sampled order (fallbacks); no exploration is
 * funded on such a request. Otherwise (the anchor eligible and nothing refuted, the context without a
 * proven model when down, or no stand-in) undefined: the ordinary rule (`fundExploration`) applies.
 */
function replaceAnchor(
  order: number[],
  candidates: readonly Candidate[],
  /** 1 where the candidate is eligible for this decision (latency exclusion included). */
  eligible: Uint8Array,
  posteriorA: ArrayLike<number>,
  posteriorB: ArrayLike<number>,
  routeA: ArrayLike<number>,
  routeB: ArrayLike<number>,
  threshold: number,
  z: number,
  refuted: number,
  means: ArrayLike<number>,
  /** The context's cheapest proven model, eligible or not (lower quantile clears `threshold`; the first of the cheapest), -1 for none: decide finds it with the lower quantiles. */
  home: number,
): number[] | undefined {
  const down = home >= 0 && eligible[home] !== 1;
  const reanchor = !down && refuted >= 0 && means[refuted] < threshold;
  if (!down && !reanchor) return undefined;
  const standIns = order.filter(
    (i) =>
      lowerQuantile(routeA[i], routeB[i], z) >= threshold &&
      lowerQuantile(posteriorA[i], posteriorB[i], -z) >= threshold &&
      (!reanchor || (i !== refuted && (home < 0 || candidates[i].expectedCostUsd < candidates[home].expectedCostUsd))),
  );
  if (standIns.length === 0) return undefined;
  standIns.sort((x, y) => candidates[x].expectedCostUsd - candidates[y].expectedCostUsd);
  return [...standIns, ...order.filter((i) => !standIns.includes(i))];
}

/** decide's per-candidate columns, grown as needed and reused by every call. */
class DecideScratch {
  readonly untried: Uint8Array;
  readonly posteriorA: Float64Array;
  readonly posteriorB: Float64Array;
  readonly routeA: Float64Array;
  readonly routeB: Float64Array;
  readonly means: Float64Array;
  readonly sampledQuality: Float64Array;
  readonly testQuality: Float64Array;
  readonly lower: Float64Array;
  readonly eligibleNow: Uint8Array;
  readonly evidenceOf: Float64Array;
  /** `RoutePolicy.refuteOnEarnedEvidence`'s posterior and evidence, filled only with it. */
  readonly earnedA: Float64Array;
  readonly earnedB: Float64Array;
  readonly earnedEvidence: Float64Array;
  /** `EXPLAINED_COLUMNS` numbers per candidate, copied into the decision (a plain array of doubles: one allocation, no boxing). */
  readonly explained: number[];
  /** The eligible candidates' indices, in order (its length: how many). */
  readonly eligibleIdx: number[] = [];
  /** The order served in (rankOrder's, then moved in place by the rules after it). */
  readonly order: number[] = [];
  constructor(readonly size: number) {
    this.untried = new Uint8Array(size);
    this.posteriorA = new Float64Array(size);
    this.posteriorB = new Float64Array(size);
    this.routeA = new Float64Array(size);
    this.routeB = new Float64Array(size);
    this.means = new Float64Array(size);
    this.sampledQuality = new Float64Array(size);
    this.testQuality = new Float64Array(size);
    this.lower = new Float64Array(size);
    this.eligibleNow = new Uint8Array(size);
    this.evidenceOf = new Float64Array(size);
    this.earnedA = new Float64Array(size);
    this.earnedB = new Float64Array(size);
    this.earnedEvidence = new Float64Array(size);
    this.explained = Array.from({ length: EXPLAINED_COLUMNS * size }, () => 0.5);
  }
}

let scratch = new DecideScratch(64);

function allIndices(n: number): number[] {
  const out = new Array<number>(n);
  for (let i = 0; i < n; i++) out[i] = i;
  return out;
}

function clamp01(x: number): number {
  return x < 0 ? 0 : x > 1 ? 1 : x;
}
