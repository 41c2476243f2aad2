import type { ModelSpec, RouteConstraints, RouteSpec, TierSpec } from '../../../../libs/config/src';
import { GatewayError, type ChatRequest, type Random } from '../../../../libs/core/src';
import { pressureFor } from '../../../../libs/budget/src/pacing';
import {
  armCountsFor,
  armsByIndex,
  decide,
  derivedFrom,
  hasNoScore,
  hashedPromptFeatures,
  logisticArmsAsBeta,
  logisticArmsAsBetaInto,
  pooledContextBeliefsByIndexInto,
  UNTRIED_WARMUP_EVIDENCE,
  untriedShareOf,
  WORD_MODEL,
  type ArmState,
  type CallerContext,
  type Candidate,
  type Decision,
  type LogisticArmState,
} from '../../../../libs/router/src';
import { callerContextFor } from './caller-context';
import { capabilityError, missingCapability, requiredCapabilities } from './capabilities';
// From their modules, not the library's index: a function imported through an `export *` index is read
// through a getter (a megamorphic load, about 90 instructions) on every call, and these two are called
// per candidate (routing round 30).
import { callPriceUsd } from '../../../../libs/model-call/src/cost';
import { promptTokensFor } from '../../../../libs/model-call/src/estimate-tokens';
import { routeSignalsFor } from './route-signals-registry';
import { contextPriorStrengthOf, safeExplorationOf } from './safe-exploration';
import { MISSING_THINKING, missingThinkingError, refusesToolTurn, toolTurnWithoutThinking } from './tool-turn-without-thinking';


/** Completion size assumed for a model the route has not seen answer yet. */
export const DEFAULT_COMPLETION_TOKENS = 256;

/** What the gateway observed, read synchronously on the request path (RouteSignals in the gateway). */
export interface RouteObservations {
  /** Time to first token the gateway observed for the model (decayed p90), or undefined while unknown. */
  expectedTtftMs(modelId: string): number | undefined;
  spentTodayByTier(route: string, tier: string): number;
  /** Share of the UTC day gone (0..1), for pacing a tier's daily budget. */
  dayElapsedFraction(): number;
  /**
   * Whether the route's scores arrive promptly (ScoreDelayGates, libs/router score-delay-gate.ts): picks
   * the gated safe exploration's settings (`floor_confidence: auto`) (safeExplorationOf). Unknown: late.
   */
  scoresArrivePromptly?(route: string): boolean;
  /**
   * Completion size of the route's answers as this process served them, before any is scored: the
   * expected cost of a model is priced for answers like these rather than for a fixed guess.
   */
  servedCompletionTokens?(route: string): number | undefined;
}

export interface RoutePlan {
  route: RouteSpec;
  /** The caller's tier (its key's, else `metadata.tier`) when the route configures it: its constraints applied. */
  tier?: TierSpec;
  decision: Decision;
  /** The chosen model first, then the order to fall back in. */
  models: ModelSpec[];
  /**
   * The candidates this request's own constraints left out, as `model=reason` joined by commas (the
   * `x-router-excluded` header), in the route's order; undefined when none was.
   */
  excluded?: string;
  /** `toolTurnWithoutThinking` of the request (-1: none), which the fallbacks are held to as the candidates were. */
  toolTurn: number;
  promptTokens: number;
  /** For a route with `learner: hashed_words`: the prompt's hashed-word buckets, for its score job. */
  features?: Int32Array;
  /**
   * For a route with `learner: hashed_words`: each candidate's context belief as a logit (in
   * `route.candidates` order), which its word model is weighed against; the served model's goes in its
   * score job.
   */
  wordOffsetLogits?: number[];
  /**
   * The safe exploration's confidence this decision was made at (safeExplorationOf: the route's, or the
   * gate's 0.8 / 0.9), undefined without; the worker's refuted-anchor marker reads the floor at it.
   */
  floorConfidence: number | undefined;
}

export interface PlanInput {
  route: RouteSpec;
  models: ReadonlyMap<string, ModelSpec>;
  request: ChatRequest;
  promptTokens: number;
  /** Who the caller is (callerContextFor: its tier and tags, its key's included); by default from the request alone. */
  caller?: CallerContext;
  arms: ReadonlyMap<string, ArmState>;
  /**
   * The request's prompt context and what the router learned for it (libs/router extractPromptContext);
   * an ArmTable (as LearnedState keeps them) is read as one column of counts, any other Map model by model.
   */
  contextKey?: string;
  contextArms?: ReadonlyMap<string, ArmState>;
  /** The context's refuted anchor (LearnedState.refutedIn), for decide's `refutedModelId`; the contexts learner only. */
  refutedModelId?: string;
  /** For a route with `learner: hashed_words`: its word model per candidate (LearnedState.wordArmsFor). */
  wordArms?: readonly LogisticArmState[];
  spentTodayUsd: number;
  random: Random;
  /** Health: why a model gets no traffic now ('circuit_open', 'schema_failures'), if it must not. */
  exclude?: (model: ModelSpec) => string | undefined;
  /** 0..1 from the request's budgets (BudgetService.pressure): near a cap, cheaper models go first. */
  budgetPressure?: number;
  /** By default the RouteSignals attached to `models` (route-signals.ts); none: no TTFT or tier spend known. */
  observations?: RouteObservations;
}

/**
 * Tokens at the model's base list prices. For sums over many calls (reports); one call's expected
 * price, with the long-prompt tier, is callPriceUsd.
 */
export function priceUsd(model: ModelSpec, promptTokens: number, completionTokens: number): number {
  return (promptTokens * model.inputPer1M + completionTokens * model.outputPer1M) / 1_000_000;
}

/**
 * Turns a route into this request's candidates (each with its expected cost and whether a constraint
 * rules it out), then lets the bandit choose. Fails with a client error when no candidate can serve.
 * A request whose caller's tier (its key's, else `metadata.tier`: callerContextFor) names one of the route's tiers is held to that tier's constraints
 * (its floor, price cap, TTFT tolerance, providers, cost weight) and to its own daily budget as well
 * as the route's.
 */
export function planRoute(input: PlanInput): RoutePlan {
  const { route, request, promptTokens } = input;
  const observations = input.observations ?? routeSignalsFor(input.models);
  const caller = input.caller ?? callerContextFor(route, request);
  const tier = caller.tier === undefined ? undefined : route.tiers?.get(caller.tier);
  const limits: RouteConstraints = tier ?? route;
  const maxTokens = request.max_completion_tokens ?? request.max_tokens ?? undefined;
  let budgetLeft = route.budgetUsdPerDay === undefined ? Infinity : route.budgetUsdPerDay - input.spentTodayUsd;
  if (budgetLeft <= 0) {
    throw GatewayError.budgetExceeded(`Route "${route.name}" has spent its daily budget of $${route.budgetUsdPerDay}.`, secondsToUtcMidnight());
  }
  let budgetLabel = 'daily_budget';
  let pressure = input.budgetPressure ?? 0;
  if (tier?.budgetUsdPerDay !== undefined) {
    const spent = observations?.spentTodayByTier(route.name, tier.name) ?? 0;
    const tierLeft = tier.budgetUsdPerDay - spent;
    if (tierLeft <= 0) {
      throw GatewayError.budgetExceeded(`Tier "${tier.name}" of route "${route.name}" has spent its daily budget of $${tier.budgetUsdPerDay}.`, secondsToUtcMidnight());
    }
    if (tierLeft < budgetLeft) {
      budgetLeft = tierLeft;
      budgetLabel = 'tier_daily_budget';
    }
    // Paced like every other budget (BudgetService): ahead of the day's pace line, or past 80% of the cap.
    if (observations) pressure = Math.max(pressure, pressureFor(spent, tier.budgetUsdPerDay, observations.dayElapsedFraction()));
  }
  const allowedProviders = limits.allowedProviders;
  const maxTtftMs = limits.maxTtftMs;
  const routeTypical = typicalCompletionTokens(input.arms, observations?.servedCompletionTokens?.(route.name));
  const needs = requiredCapabilities(request);
  const toolTurn = toolTurnWithoutThinking(request.messages);
  const words = route.learner === 'hashed_words';
  const n = route.candidates.length;
  const cached = routeCacheOf(route, input.models);
  const candidates = cached.candidates;
  // Each candidate's route arm, looked up once per request (a Map lookup per use was a good part of a
  // decision at 48 models; docs/benchmarks.md, routing round 10b), or kept by the route's ArmTable
  // between its writes (round 30); its model and prior quality are the route's cache's (round 12).
  const candidateArms = armsByIndex(input.arms, route.candidates) ?? lookUpArms(input.arms, route.candidates);
  const candidateModels = cached.models;
  const priors = cached.priors;
  let anyEligible = false;
  let anyExcluded = false;
  // `max_untried_share` is on while some candidate has no scored answer on the route (noted in the loop; untriedShareOf).
  let someUnscored = false;
  for (let i = 0; i < n; i++) {
    const id = route.candidates[i];
    const model = candidateModels[i];
    const arm = candidateArms[i];
    if (hasNoScore(arm)) someUnscored = true;
    // Shrunk towards the route's typical answer size, so an untried model is priced for answers like
    // the route's, not for a guess that could make it look dearer than it is.
    const weight = arm ? arm.successes + arm.failures : 0;
    const typicalCompletion = ((arm === undefined ? 0 : arm.completionTokens) + routeTypical) / (weight + 1);
    const tokens = promptTokensFor(request, model, promptTokens);
    // The model is asked for no more than it writes (capOutputTokens, per attempt).
    const modelMaxTokens = maxTokens === undefined || model.maxOutputTokens === undefined ? maxTokens : Math.min(maxTokens, model.maxOutputTokens);
    const expected = callPriceUsd(model, tokens, modelMaxTokens ? Math.min(modelMaxTokens, typicalCompletion) : typicalCompletion);
    // Without max tokens both prices are of the same numbers: computed once.
    const worstCase = modelMaxTokens === undefined ? expected : callPriceUsd(model, tokens, modelMaxTokens);
    const lacking = missingCapability(request, model, needs);
    let excludedBecause: string | undefined;
    if (allowedProviders !== undefined && !allowedProviders.includes(model.providerId)) excludedBecause = 'provider_not_allowed';
    else if (lacking) excludedBecause = lacking;
    else if (refusesToolTurn(model, toolTurn)) excludedBecause = MISSING_THINKING;
    else if (tokens + (modelMaxTokens ?? 0) > model.contextWindow) excludedBecause = 'context_window';
    else if (limits.maxPriceUsdPerRequest !== undefined && worstCase > limits.maxPriceUsdPerRequest) excludedBecause = 'max_price_per_request';
    else if (expected > budgetLeft) excludedBecause = budgetLabel;
    else excludedBecause = input.exclude?.(model);
    const c = candidates[i];
    c.expectedCostUsd = expected;
    c.eligible = excludedBecause === undefined;
    if (c.eligible) anyEligible = true;
    c.excludedBecause = excludedBecause;
    if (excludedBecause !== undefined) anyExcluded = true;
    // The word learner carries the price prior in each model's bias weight instead.
    c.priorQuality = words ? undefined : priors[i];
    // Observed first, else the configured guess, else unknown (presumed fast, so it gets observed).
    c.expectedTtftMs = maxTtftMs === undefined ? undefined : (observations?.expectedTtftMs(id) ?? model.expectedTtftMs);
  }
  // When health rules out every model left, they are tried anyway (as probes) rather than refused unseen.
  const health = (c: Candidate) => c.excludedBecause === 'circuit_open' || c.excludedBecause === 'schema_failures';
  if (!anyEligible) {
    for (const c of candidates.filter(health)) Object.assign(c, { eligible: true, excludedBecause: undefined });
    if (!candidates.some((c) => c.eligible)) throw noEligibleModel(route, candidates, toolTurn);
  }
  const excluded = anyExcluded ? exclusionsOf(candidates) : undefined;
  // The gate is read only for the routes it decides (`floor_confidence: auto`): no lookup on the others.
  const safe = safeExplorationOf(route, route.gatedSafeExploration === true && observations?.scoresArrivePromptly?.(route.name) === true);
  // The word learner's beliefs come with their own evidence: a near-zero Beta prior on top.
  const policy = {
    qualityFloor: limits.qualityFloor,
    priorSuccesses: words ? 1e-3 : 1,
    priorFailures: words ? 1e-3 : 1,
    contextPriorStrength: contextPriorStrengthOf(route),
    relativeFloor: route.relativeFloor,
    costWeight: limits.costWeight,
    maxTtftMs,
    maxUntriedShare: untriedShareOf(route.maxUntriedShare, someUnscored),
    warmupEvidence: UNTRIED_WARMUP_EVIDENCE,
    floorConfidence: safe.floorConfidence,
    strictFloor: route.strictFloor,
    exploreCheaperShare: safe.exploreCheaperShare,
  };
  let decision: Decision;
  let features: Int32Array | undefined;
  let wordOffsetLogits: number[] | undefined;
  let rankedModels: ModelSpec[] | undefined;
  if (words) {
    // The word model's belief about this very prompt, as Beta evidence; the untried cap counts the
    // route's scored answers.
    features = hashedPromptFeatures(request, { bits: WORD_MODEL.bits, tags: caller.tags });
    // Each model's words are weighed against the contexts learner's belief for this context (route
    // evidence shrunk into the context's prior, plus the context's own) by how well each predicted the
    // model's outcomes so far (LogisticArmState.wordsLogOdds): the context pools prompts whose words
    // tell nothing (docs/benchmarks.md, routing round 9).
    if (wordScratch.length < n) growWordScratch(n);
    const { logits: offsetLogits, variances: offsetVariances } = wordScratch;
    pooledContextBeliefsByIndexInto(
      route.candidates,
      candidateArms,
      input.contextArms,
      priors,
      { contextPriorStrength: policy.contextPriorStrength },
      offsetLogits,
      offsetVariances,
      armCountsFor(input.contextArms, route.candidates),
    );
    wordOffsetLogits = new Array<number>(n);
    for (let i = 0; i < n; i++) wordOffsetLogits[i] = offsetLogits[i];
    // Object literals, not spreads: spreading the options into a new object with one more key cost
    // about 2 us per request (measured at 8 models).
    const wordArms = input.wordArms ?? [];
    if (inCandidateOrderCached(cached, wordArms, candidates)) {
      // The usual case (LearnedState.wordArmsFor): one belief per candidate, by index, in two columns.
      const { successes, failures } = wordScratch;
      logisticArmsAsBetaInto(wordArms, features, WORD_MODEL.varianceScale, offsetLogits, offsetVariances, successes, failures);
      decision = decide(candidates, EMPTY_ARMS, policy, input.random, {
        budgetPressure: pressure,
        triedArmsByCandidate: candidateArms,
        armSuccesses: successes,
        armFailures: failures,
        rankedIndices: wordScratch.ranked,
      });
      // The column read once, not through the module's variable per model (routing round 15).
      const ranked = wordScratch.ranked;
      rankedModels = new Array<ModelSpec>(ranked.length);
      for (let k = 0; k < ranked.length; k++) rankedModels[k] = candidateModels[ranked[k]];
    } else {
      const offsets = new Map(route.candidates.map((id, i) => [id, { logit: offsetLogits[i], variance: offsetVariances[i] }]));
      decision = decide(candidates, logisticArmsAsBeta(wordArms, features, WORD_MODEL.varianceScale, offsets), policy, input.random, { budgetPressure: pressure, triedArms: input.arms });
    }
  } else {
    // The route arms by candidate index, as looked up above (not again by id in decide), and the order
    // as indices, so the ranked models are read by index (not looked up by id in the models map).
    if (wordScratch.length < n) growWordScratch(n);
    const ranked = wordScratch.ranked;
    decision = decide(candidates, input.arms, policy, input.random, {
      contextKey: input.contextKey,
      contextArms: input.contextArms,
      // The context's arms as one column when LearnedState hands an ArmTable (routing round 30).
      contextCounts: armCountsFor(input.contextArms, route.candidates),
      budgetPressure: pressure,
      refutedModelId: input.refutedModelId,
      armsByCandidate: candidateArms,
      rankedIndices: ranked,
    });
    rankedModels = new Array<ModelSpec>(ranked.length);
    for (let k = 0; k < ranked.length; k++) rankedModels[k] = candidateModels[ranked[k]];
  }
  const models = rankedModels ?? decision.ranked.map((id) => input.models.get(id)!);
  // The word learner's usual plan as one literal (the conditional spreads cost about 1 us), same keys.
  if (tier === undefined && features !== undefined && wordOffsetLogits !== undefined) return { route, decision, models, promptTokens, features, wordOffsetLogits, excluded, toolTurn, floorConfidence: safe.floorConfidence };
  return {
    route,
    floorConfidence: safe.floorConfidence,
    ...(tier ? { tier } : {}),
    decision,
    models,
    promptTokens,
    toolTurn,
    ...(excluded ? { excluded } : {}),
    ...(features ? { features } : {}),
    ...(wordOffsetLogits ? { wordOffsetLogits } : {}),
  };
}

/**
 * The word learner's per-candidate columns (context variances, Beta evidence), reused by every request:
 * planRoute never yields between writing and reading them, and nothing keeps them.
 */
let wordScratch = { length: 0, logits: new Float64Array(0), variances: new Float64Array(0), successes: new Float64Array(0), failures: new Float64Array(0), ranked: [] as number[] };

function growWordScratch(n: number): void {
  const length = Math.max(64, n);
  const column = () => new Float64Array(length);
  wordScratch = { length, logits: column(), variances: column(), successes: column(), failures: column(), ranked: [] };
}

const EMPTY_ARMS: ReadonlyMap<string, ArmState> = new Map();

/**
 * Each route's candidates, one object per model, rewritten by every request on the route: planRoute
 * never yields between writing and reading them, and its decision keeps only their ids (decide copies
 * the rest for its explanation). A new object per model and request was the largest allocation left
 * on the decision path (docs/benchmarks.md, routing round 11). With them, by candidate index, each
 * candidate's ModelSpec in the models map they were looked up in (a Map lookup by a string per model
 * and request, and a string comparison when the map's key is another string object than the route's
 * id) and its prior quality (`route.priorQuality[id]`, a lookup in an object with one key per model):
 * the same values, looked up again when the route's ids, the models map or the priors object change
 * (the configuration's maps and records are not changed in place; routing round 12).
 */
interface RouteCache {
  candidates: Candidate[];
  modelsMap: ReadonlyMap<string, ModelSpec>;
  models: ModelSpec[];
  priorSource: Readonly<Record<string, number>> | undefined;
  priors: (number | undefined)[];
  /**
   * The word arms last found in the candidates' order (`inCandidateOrder`): the same objects, in the same
   * places, are in that order still (a model's id is not reassigned), so the check is an identity
   * comparison per model instead of a string comparison (the arms' ids and the route's are different
   * string objects: a string comparison per model and request; routing round 13).
   */
  wordArmsInOrder: LogisticArmState[];
}

const routeCaches = new WeakMap<RouteSpec, RouteCache>();

function routeCacheOf(route: RouteSpec, models: ReadonlyMap<string, ModelSpec>): RouteCache {
  let cached = routeCaches.get(route);
  if (cached === undefined || !sameIds(cached.candidates, route.candidates)) {
    cached = {
      candidates: route.candidates.map((modelId): Candidate => ({ modelId, expectedCostUsd: 0, eligible: true, excludedBecause: undefined, priorQuality: undefined, expectedTtftMs: undefined })),
      modelsMap: models,
      models: route.candidates.map((id) => models.get(id)!),
      priorSource: route.priorQuality,
      priors: priorsOf(route),
      wordArmsInOrder: [],
    };
    routeCaches.set(route, cached);
    return cached;
  }
  if (cached.modelsMap !== models) {
    cached.modelsMap = models;
    cached.models = route.candidates.map((id) => models.get(id)!);
  }
  if (cached.priorSource !== route.priorQuality) {
    cached.priorSource = route.priorQuality;
    cached.priors = priorsOf(route);
  }
  return cached;
}

function priorsOf(route: RouteSpec): (number | undefined)[] {
  const priors = route.priorQuality;
  return route.candidates.map((id) => priors?.[id]);
}

function sameIds(candidates: readonly Candidate[], ids: readonly string[]): boolean {
  if (candidates.length !== ids.length) return false;
  for (let i = 0; i < ids.length; i++) if (candidates[i].modelId !== ids[i]) return false;
  return true;
}

/** `inCandidateOrder`, remembered in the route's cache by the arms' identities. */
function inCandidateOrderCached(cached: RouteCache, wordArms: readonly LogisticArmState[], candidates: readonly Candidate[]): boolean {
  if (wordArms.length === candidates.length && sameObjects(cached.wordArmsInOrder, wordArms)) return true;
  if (!inCandidateOrder(wordArms, candidates)) return false;
  cached.wordArmsInOrder = wordArms.slice();
  return true;
}

function sameObjects<T>(a: readonly T[], b: readonly T[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Whether `wordArms[i]` is the word model of `candidates[i]` for every candidate, and there is no other. */
function inCandidateOrder(wordArms: readonly LogisticArmState[], candidates: readonly Candidate[]): boolean {
  if (wordArms.length !== candidates.length) return false;
  for (let i = 0; i < candidates.length; i++) if (wordArms[i].modelId !== candidates[i].modelId) return false;
  return true;
}

/**
 * The route's discounted mean completion size over all its models; before any scored evidence, what
 * the gateway saw it serve (`served`), else a default.
 */
export function typicalCompletionTokens(arms: ReadonlyMap<string, ArmState>, served?: number): number {
  // The sums kept by an ArmTable until its next write (a walk of the route's arms per request; round 30).
  const { tokens, weight } = derivedFrom(arms, completionTotals);
  return weight >= 1 ? tokens / weight : (served ?? DEFAULT_COMPLETION_TOKENS);
}

/** The route's discounted completion tokens and evidence, summed over its arms in the Map's order. */
function completionTotals(arms: ReadonlyMap<string, ArmState>): { tokens: number; weight: number } {
  let tokens = 0;
  let weight = 0;
  for (const arm of arms.values()) {
    tokens += arm.completionTokens;
    weight += arm.successes + arm.failures;
  }
  return { tokens, weight };
}

/** Each id's arm in `arms`, by index (for a Map that is not an ArmTable). */
function lookUpArms(arms: ReadonlyMap<string, ArmState>, ids: readonly string[]): (ArmState | undefined)[] {
  const out: (ArmState | undefined)[] = new Array(ids.length);
  for (let i = 0; i < ids.length; i++) out[i] = arms.get(ids[i]);
  return out;
}

/** `model=reason` for each candidate left out (after health's relaxation), joined by commas. */
export function exclusionsOf(candidates: readonly Candidate[]): string | undefined {
  let out = '';
  for (const c of candidates) if (c.excludedBecause !== undefined) out += `${out ? ',' : ''}${c.modelId}=${c.excludedBecause}`;
  return out || undefined;
}

function noEligibleModel(route: RouteSpec, candidates: Candidate[], toolTurn: number): GatewayError {
  const reasons = new Set(candidates.map((c) => c.excludedBecause));
  if (reasons.has(MISSING_THINKING) && reasons.size === 1) return missingThinkingError(route, candidates, toolTurn);
  if (reasons.has('daily_budget') && reasons.size === 1) {
    return GatewayError.budgetExceeded(`Route "${route.name}" has too little of its daily budget left for this request.`, secondsToUtcMidnight());
  }
  if (reasons.has('tier_daily_budget') && reasons.size === 1) {
    return GatewayError.budgetExceeded(`This request's tier of route "${route.name}" has too little of its daily budget left for it.`, secondsToUtcMidnight());
  }
  if (reasons.has('context_window') && reasons.size === 1) {
    return GatewayError.invalidRequest(
      `This request's messages and max tokens exceed the context window of every model of route "${route.name}".`,
      'messages',
      'context_length_exceeded',
    );
  }
  const lacking = capabilityError(route, candidates);
  if (lacking) return lacking;
  const detail = candidates.map((c) => `${c.modelId}: ${c.excludedBecause}`).join(', ');
  return GatewayError.invalidRequest(`No model of route "${route.name}" can serve this request (${detail}).`, null, 'no_eligible_model');
}

function secondsToUtcMidnight(): number {
  // Only a hint for the client's retry-after; the budget itself uses the injected clock.
  const now = new Date();
  return Math.ceil((Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() + 1) - now.getTime()) / 1000);
}
