import { failuresOf, successesOf, type ArmState } from './arm-state';
import { featureScale } from './context/hashed-features';
import { DEFAULT_CONTEXT_PRIOR_STRENGTH, DEFAULT_PRIOR_QUALITY_WEIGHT } from './thompson-policy';

/**
 * Online Bayesian logistic regression of one model's success on the request's hashed words, with a
 * diagonal Gaussian (Laplace) posterior per weight, as in Chapelle & Li, "An Empirical Evaluation of
 * Thompson Sampling" (NIPS 2011), updated one observation at a time. The features are the prompt's n
 * active buckets, each x = 1/sqrt(n) (unit norm):
 *   p = sigmoid(sum m_k x);  q_k += p (1 - p) / sqrt(n);  m_k += (y - p) x / q_k   (active k only).
 * Each bucket gains more than its share p (1 - p) x^2 = p (1 - p) / n of the prompt's curvature and less
 * than the whole (Chapelle & Li's binary features): see `applyLogisticObservation`.
 * A request's belief is then a Gaussian over its logit, mean sum m_k x and variance sum x^2 / q_k,
 * handed to `decide` as the Beta evidence with the same mean and logit variance (n = 1 / (v p (1 - p))),
 * so the floor rule, exploration cap, budget pressure and latency rules run unchanged.
 *
 * With the context's belief (`pooledContextBelief`) the decision uses a mixture of the two beliefs,
 * weighed by how well each predicted the model's past outcomes (`wordsLogOdds`, `scoreAgainstContext`).
 *
 * Cost: O(active features) per model per decision or update (about 30-200 multiply-adds), no
 * allocation but the returned map. State: one Float64Array of 2 x 2^bits per (route, model), each
 * bucket's mean and precision side by side; it is mutated in place by `applyLogisticObservation`
 * (copying 2 x 4,096 numbers per score would cost more than the update). (De)serialise with
 * `serializeLogisticArm` / `parseLogisticArm`; `armMeans` / `armPrecisions` copy the two vectors out,
 * `logisticArmFrom` builds an arm from them.
 */
export interface LogisticArmState {
  modelId: string;
  bits: number;
  /** Prior precision of every weight (1 / prior variance). */
  priorPrecision: number;
  /**
   * Bucket k's posterior mean at 2k and its posterior precision (prior included) at 2k + 1: a decision
   * reads both at a few random buckets, and side by side they share a cache line (two arrays of 2^bits
   * each until routing round 13b; the stored form still has the two vectors, `serializeLogisticArm`).
   */
  weights: Float64Array;
  /** Undiscounted number of scored requests. */
  observations: number;
  /**
   * Discounted log Bayes factor of this word model against the context's belief (`pooledContextBelief`,
   * the contexts learner's posterior) on this model's scored answers (`scoreAgainstContext`); 0 (even
   * odds) when absent. A decision given the context's belief weighs the two by it (`armAsBeta`): where
   * the words predict no better than the context (prompts whose quality their words do not tell, e.g.
   * the zoo's templates), the pooled context decides; where they do (RouteLLM, a word that marks the
   * prompts a model fails), the words (docs/benchmarks.md, routing round 9).
   */
  wordsLogOdds?: number;
}

/** Bound of `wordsLogOdds`: either side keeps a weight of at least about e^-8, so the other can win back. */
export const WORDS_LOG_ODDS_BOUND = 8;

/**
 * Before a scored answer is learned: adds to the arm's `wordsLogOdds` the log likelihood of the reward
 * under the word model's prediction minus under the context's (`offsetLogit`, its belief at decision
 * time), after fading the old sum by `discount`. Rewards in 0..1 count as fractional outcomes.
 */
export function scoreAgainstContext(arm: LogisticArmState, features: ArrayLike<number>, reward: number, offsetLogit: number, discount = 1): LogisticArmState {
  const y = Math.min(1, Math.max(0, reward));
  const words = clampP(sigmoid(logitMean(arm, features, featureScale(features))));
  const context = clampP(sigmoid(offsetLogit));
  const gain = y * Math.log(words / context) + (1 - y) * Math.log((1 - words) / (1 - context));
  const odds = discount * (arm.wordsLogOdds ?? 0) + gain;
  arm.wordsLogOdds = Math.max(-WORDS_LOG_ODDS_BOUND, Math.min(WORDS_LOG_ODDS_BOUND, odds));
  return arm;
}

function clampP(p: number): number {
  return Math.min(1 - 1e-6, Math.max(1e-6, p));
}

export interface LogisticArmOptions {
  bits?: number;
  priorPrecision?: number;
  /** Prior mean success of the model (e.g. from its price tier): sets the bias weight's prior mean. */
  priorQuality?: number;
}

export const DEFAULT_LOGISTIC_PRIOR_PRECISION = 2;

/**
 * The settings the gateway's `learner: hashed_words` runs with, tuned on MMLU only (docs/benchmarks.md,
 * routing round 2): 2^12 buckets, prior precision 1, posterior variance tempered by 0.25.
 */
export const WORD_MODEL = { bits: 12, priorPrecision: 1, varianceScale: 0.25 } as const;

export function emptyLogisticArm(modelId: string, options: LogisticArmOptions = {}): LogisticArmState {
  const bits = options.bits ?? 12;
  const priorPrecision = options.priorPrecision ?? DEFAULT_LOGISTIC_PRIOR_PRECISION;
  const size = 2 ** bits;
  const weights = new Float64Array(2 * size);
  for (let k = 0; k < size; k++) weights[2 * k + 1] = priorPrecision;
  if (options.priorQuality !== undefined) {
    // The bias carries the prior: x_bias = 1/sqrt(count), so the bias weight is scaled up to match a
    // typical prompt of about 30 active buckets.
    const q = Math.min(0.99, Math.max(0.01, options.priorQuality));
    weights[0] = Math.log(q / (1 - q)) * Math.sqrt(30);
  }
  return { modelId, bits, priorPrecision, weights, observations: 0 };
}

/** An arm from its two vectors (each of 2^bits: the means and the precisions, as stored). */
export function logisticArmFrom(fields: {
  modelId: string;
  bits: number;
  priorPrecision: number;
  mean: ArrayLike<number>;
  precision: ArrayLike<number>;
  observations: number;
  wordsLogOdds?: number;
}): LogisticArmState {
  const size = 2 ** fields.bits;
  if (fields.mean.length !== size || fields.precision.length !== size) throw new Error(`logistic arm ${fields.modelId}: expected ${size} weights`);
  const weights = new Float64Array(2 * size);
  for (let k = 0; k < size; k++) {
    weights[2 * k] = fields.mean[k];
    weights[2 * k + 1] = fields.precision[k];
  }
  return {
    modelId: fields.modelId,
    bits: fields.bits,
    priorPrecision: fields.priorPrecision,
    weights,
    observations: fields.observations,
    ...(fields.wordsLogOdds === undefined ? {} : { wordsLogOdds: fields.wordsLogOdds }),
  };
}

/** A copy of the arm's posterior means, bucket by bucket (2^bits numbers). */
export function armMeans(arm: LogisticArmState): Float64Array {
  return everyOther(arm.weights, 0);
}

/** A copy of the arm's posterior precisions, bucket by bucket (2^bits numbers). */
export function armPrecisions(arm: LogisticArmState): Float64Array {
  return everyOther(arm.weights, 1);
}

function everyOther(weights: Float64Array, offset: number): Float64Array {
  const out = new Float64Array(weights.length >> 1);
  for (let k = 0; k < out.length; k++) out[k] = weights[2 * k + offset];
  return out;
}

/** A (route, model)'s word model before any score (`learner: hashed_words`): WORD_MODEL's settings and the model's prior. */
export function emptyWordArm(modelId: string, priorQuality?: number): LogisticArmState {
  return emptyLogisticArm(modelId, { bits: WORD_MODEL.bits, priorPrecision: WORD_MODEL.priorPrecision, ...(priorQuality === undefined ? {} : { priorQuality }) });
}

/**
 * Adds one scored response (reward 0..1) of this arm on a request with these active buckets. With
 * `discount` < 1 the precision of the touched weights first decays towards the prior (forgetting is
 * per weight, on use: a weight nobody touches keeps its evidence).
 */
export function applyLogisticObservation(arm: LogisticArmState, features: ArrayLike<number>, reward: number, discount = 1): LogisticArmState {
  const x = featureScale(features);
  const y = Math.min(1, Math.max(0, reward));
  const p = sigmoid(logitMean(arm, features, x));
  // Each active bucket gains p (1 - p) / sqrt(n), not its share p (1 - p) x^2 = p (1 - p) / n. A diagonal
  // posterior cannot tell whether a prompt's n buckets always come together. If they do (a prompt seen
  // again and again), the exact gain is the whole curvature p (1 - p): with the share, such a prompt was
  // believed as if seen N / n times, its mean as noisy as an average of its last N / n outcomes, and near
  // a thin floor a cheap model's belief dipped under it and stayed (docs/benchmarks.md, routing round 7).
  // If they do not (prompts sharing a word or two), the share is the right one, and the whole curvature
  // generalises a failure through the shared words too confidently. sqrt(n) is the geometric mean of the
  // two, measured in the zoo (repeated prompts) and the RouteLLM replay (mostly distinct ones).
  const curvature = p * (1 - p) * x * x * Math.sqrt(features.length);
  const prior = arm.priorPrecision;
  const weights = arm.weights;
  for (let i = 0; i < features.length; i++) {
    const k = 2 * features[i];
    const q = (discount < 1 ? prior + discount * (weights[k + 1] - prior) : weights[k + 1]) + curvature;
    weights[k + 1] = q;
    weights[k] += ((y - p) * x) / q;
  }
  arm.observations++;
  return arm;
}

/**
 * Another model of the route was scored on a request with these buckets: this model's evidence on them
 * fades by `discount` towards the prior, as every Beta arm of a route decays on each score
 * (`applyObservation`). Exponential forgetting of the likelihood: the data's share of each weight's
 * precision is multiplied by `discount`, and its mean moves back towards the prior mean (0; the bias
 * weight keeps its mean, it carries the price prior) in the same proportion. Without it a model's
 * weights for prompts it no longer serves keep their evidence for ever, and a model that lost early is
 * not tried again when it improves (docs/benchmarks.md, routing round 5).
 */
export function fadeLogisticArm(arm: LogisticArmState, features: ArrayLike<number>, discount: number): LogisticArmState {
  if (discount >= 1) return arm;
  const prior = arm.priorPrecision;
  const weights = arm.weights;
  for (let i = 0; i < features.length; i++) {
    const k = features[i];
    const q = weights[2 * k + 1];
    const faded = prior + discount * (q - prior);
    if (k !== 0) weights[2 * k] = (discount * q * weights[2 * k]) / faded;
    weights[2 * k + 1] = faded;
  }
  return arm;
}

/**
 * Explicit feedback changed the reward of a response this arm already learned from (`oldReward` ->
 * `newReward`). The update's step is linear in the reward for a given p and precision, so the
 * correction is the difference of the two steps, (new - old) x / q_k on the request's buckets, at the
 * precision now (the curvature term does not depend on the reward, so the precision is unchanged).
 */
export function applyLogisticCorrection(arm: LogisticArmState, features: ArrayLike<number>, oldReward: number, newReward: number): LogisticArmState {
  const x = featureScale(features);
  const delta = Math.min(1, Math.max(0, newReward)) - Math.min(1, Math.max(0, oldReward));
  if (delta === 0) return arm;
  const weights = arm.weights;
  for (let i = 0; i < features.length; i++) {
    const k = features[i];
    if (k < 0 || 2 * k >= weights.length) continue;
    weights[2 * k] += (delta * x) / weights[2 * k + 1];
  }
  return arm;
}

/**
 * Mean and variance of the request's logit under this arm's posterior. `varianceScale` < 1 tempers
 * what the data taught (each weight's precision above the prior counts 1 / varianceScale times, a
 * power posterior); the prior's own variance is left whole, so an untrained model is as uncertain as
 * its prior says (tempering the whole variance made a model whose prior is below the floor all but
 * never tried; docs/benchmarks.md, routing round 5).
 */
export function logisticBelief(arm: LogisticArmState, features: ArrayLike<number>, varianceScale = 1): { logit: number; variance: number } {
  const x = featureScale(features);
  const prior = arm.priorPrecision;
  const weights = arm.weights;
  let logit = 0;
  let variance = 0;
  for (let i = 0; i < features.length; i++) {
    const k = 2 * features[i];
    logit += weights[k] * x;
    variance += (x * x) / (varianceScale === 1 ? weights[k + 1] : prior + (weights[k + 1] - prior) / varianceScale);
  }
  return { logit, variance };
}

/**
 * Each arm's belief about this request as Beta evidence for `decide` (pass it as `arms`, with a
 * near-zero `priorSuccesses` / `priorFailures`). `varianceScale` < 1 tempers what the data taught
 * (less exploration once a model has evidence; see `logisticBelief`); 0.25 on MMLU.
 */
export function logisticArmsAsBeta(
  arms: Iterable<LogisticArmState>,
  features: ArrayLike<number>,
  varianceScale = 1,
  offsets?: ReadonlyMap<string, LogitBelief>,
): Map<string, ArmState> {
  const out = new Map<string, ArmState>();
  const x = featureScale(features);
  for (const arm of arms) out.set(arm.modelId, armAsBeta(arm, features, x, varianceScale, offsets?.get(arm.modelId)));
  return out;
}

/**
 * `logisticArmsAsBeta` as an array in the order of `arms` (the same numbers), for `decide`'s
 * `armsByCandidate` when `arms` are in the candidates' order: no Map to build and look up (at 48 models
 * building the Map cost more than the 48 dot products).
 */
export function logisticArmsAsBetaList(arms: readonly LogisticArmState[], features: ArrayLike<number>, varianceScale = 1, offsets?: readonly LogitBelief[]): ArmState[] {
  const x = featureScale(features);
  const out: ArmState[] = new Array(arms.length);
  for (let i = 0; i < arms.length; i++) out[i] = armAsBeta(arms[i], features, x, varianceScale, offsets?.[i]);
  return out;
}

/**
 * `logisticArmsAsBetaList` without an object per arm (the same numbers): arm i's Beta evidence goes to
 * `successes[i]` and `failures[i]`, weighed against the context belief (`offsetLogits[i]`,
 * `offsetVariances[i]`) when those are given. For `decide`'s `armSuccesses` / `armFailures`.
 */
export function logisticArmsAsBetaInto(
  arms: readonly LogisticArmState[],
  features: ArrayLike<number>,
  varianceScale: number,
  offsetLogits: ArrayLike<number> | undefined,
  offsetVariances: ArrayLike<number> | undefined,
  successes: Float64Array,
  failures: Float64Array,
): void {
  const x = featureScale(features);
  const inverse = exactInverse(varianceScale);
  const logits = offsetLogits !== undefined && offsetVariances !== undefined ? offsetLogits : undefined;
  let i = 0;
  // Two arms per pass over the prompt's buckets when the scale's inverse is exact (the gateway's 0.25):
  // each bucket index is read once for both (routing round 15).
  if (inverse !== 0) for (; i + 2 <= arms.length; i += 2) armPairBetaInto(arms[i], arms[i + 1], features, x, inverse, logits, offsetVariances, successes, failures, i);
  for (; i < arms.length; i++) armBetaInto(arms[i], features, x, varianceScale, inverse, logits, offsetVariances, successes, failures, i);
}

/** A Gaussian belief about a logit. */
export interface LogitBelief {
  logit: number;
  variance: number;
}

/**
 * The belief of a Beta(a, b) posterior as a logit: mean log(a / b) (whose sigmoid is the Beta's mean)
 * and variance 1/a + 1/b (the trigamma sum to first order).
 */
export function betaAsLogit(a: number, b: number): LogitBelief {
  const s = Math.max(1e-6, a);
  const f = Math.max(1e-6, b);
  return { logit: Math.log(s / f), variance: 1 / s + 1 / f };
}

export interface PooledPriorOptions {
  /** Pseudo-observations of the model's prior quality at the route level (decide's priorQualityWeight). */
  priorQualityWeight?: number;
  /**
   * At most this many observations of the route's belief start a context (decide's contextPriorStrength);
   * default `DEFAULT_CONTEXT_PRIOR_STRENGTH`. These beliefs do not see the policy, so a caller with safe
   * exploration passes the route's strength (the gateway's `contextPriorStrengthOf`, 32 there unless set).
   */
  contextPriorStrength?: number;
}

/**
 * The contexts learner's posterior for one model in one context (as `decide` builds it: the prior
 * quality, the route's evidence, shrunk into at most `contextPriorStrength` observations, plus the
 * context's own evidence), as a logit belief. Without a prior quality the prior is 0.5 with the same
 * weight (decide would use the policy's priorSuccesses / priorFailures).
 */
export function pooledContextBelief(routeArm: ArmState | undefined, contextArm: ArmState | undefined, priorQuality: number | undefined, options: PooledPriorOptions = {}): LogitBelief {
  const w = options.priorQualityWeight ?? DEFAULT_PRIOR_QUALITY_WEIGHT;
  const cap = options.contextPriorStrength ?? DEFAULT_CONTEXT_PRIOR_STRENGTH;
  pooledLogitInto(routeArm, successesOf(contextArm), failuresOf(contextArm), priorQuality, w, cap, oneLogit, oneVariance, 0);
  return { logit: oneLogit[0], variance: oneVariance[0] };
}

/**
 * `pooledContextBelief` of each model, in the order of `modelIds` (planRoute's offsets for the word
 * model: the contexts learner's route and context arms, whatever the route's learner, as the gateway
 * keeps both for every route).
 */
export function pooledContextBeliefs(
  modelIds: readonly string[],
  routeArms: ReadonlyMap<string, ArmState>,
  contextArms: ReadonlyMap<string, ArmState> | undefined,
  priors: Readonly<Record<string, number>> | undefined,
  options: PooledPriorOptions = {},
): LogitBelief[] {
  const out: LogitBelief[] = new Array(modelIds.length);
  for (let i = 0; i < modelIds.length; i++) {
    const id = modelIds[i];
    out[i] = pooledContextBelief(routeArms.get(id), contextArms?.get(id), priors?.[id], options);
  }
  return out;
}

/**
 * `pooledContextBeliefs` without an object per model (the same numbers): model i's route arm is
 * `routeArms[i]` (looked up once by the caller), its prior quality `priors[i]` (undefined for none: no
 * lookup by id in an object with one key per model, a megamorphic keyed load per model and request;
 * routing round 12), and its logit and variance go to `logits[i]` and `variances[i]`.
 */
export function pooledContextBeliefsByIndexInto(
  modelIds: readonly string[],
  routeArms: readonly (ArmState | undefined)[],
  contextArms: ReadonlyMap<string, ArmState> | undefined,
  priors: readonly (number | undefined)[],
  options: PooledPriorOptions,
  logits: Float64Array,
  variances: Float64Array,
  /** `contextArms`' counts by index (`ArmTable.countsFor(modelIds)`), read instead of a lookup per model: the same numbers. */
  contextCounts?: ArrayLike<number>,
): void {
  const w = options.priorQualityWeight ?? DEFAULT_PRIOR_QUALITY_WEIGHT;
  const cap = options.contextPriorStrength ?? DEFAULT_CONTEXT_PRIOR_STRENGTH;
  if (contextCounts !== undefined) {
    for (let i = 0; i < modelIds.length; i++) pooledLogitInto(routeArms[i], contextCounts[2 * i], contextCounts[2 * i + 1], priors[i], w, cap, logits, variances, i);
    return;
  }
  for (let i = 0; i < modelIds.length; i++) {
    const contextArm = contextArms === undefined ? undefined : contextArms.get(modelIds[i]);
    pooledLogitInto(routeArms[i], successesOf(contextArm), failuresOf(contextArm), priors[i], w, cap, logits, variances, i);
  }
}

/** The one computation behind `pooledContextBelief(s)`: writes the logit and the variance at index `i`. */
function pooledLogitInto(
  routeArm: ArmState | undefined,
  /** The context arm's successes and failures (0 and 0 without one). */
  contextSuccesses: number,
  contextFailures: number,
  priorQuality: number | undefined,
  w: number,
  cap: number,
  logits: Float64Array,
  variances: Float64Array,
  i: number,
): void {
  const q = priorQuality ?? 0.5;
  let a = q * w + successesOf(routeArm);
  let b = (1 - q) * w + failuresOf(routeArm);
  const strength = Math.min(cap, a + b);
  const mean = a / (a + b);
  a = strength * mean + contextSuccesses;
  b = strength * (1 - mean) + contextFailures;
  // betaAsLogit, inline.
  const s = Math.max(1e-6, a);
  const f = Math.max(1e-6, b);
  logits[i] = Math.log(s / f);
  variances[i] = 1 / s + 1 / f;
}

const oneLogit = new Float64Array(1);
const oneVariance = new Float64Array(1);

/**
 * `logisticBelief` then its Beta evidence, for one arm: the same two sums term by term and in the same
 * order (so the same numbers, bit for bit), with the arrays and x^2 read once and no object between.
 */
function armAsBeta(arm: LogisticArmState, features: ArrayLike<number>, x: number, varianceScale: number, offset?: LogitBelief): ArmState {
  if (offset !== undefined) {
    oneLogit[0] = offset.logit;
    oneVariance[0] = offset.variance;
  }
  armBetaInto(arm, features, x, varianceScale, exactInverse(varianceScale), offset === undefined ? undefined : oneLogit, oneVariance, oneSuccesses, oneFailures, 0);
  return { modelId: arm.modelId, successes: oneSuccesses[0], failures: oneFailures[0], completionTokens: 0, costUsd: 0, observations: arm.observations };
}

const oneSuccesses = new Float64Array(1);
const oneFailures = new Float64Array(1);

/** The one computation behind `armAsBeta` and `logisticArmsAsBetaInto`: writes the Beta evidence at index `i`. */
function armBetaInto(
  arm: LogisticArmState,
  features: ArrayLike<number>,
  x: number,
  varianceScale: number,
  /** 1 / varianceScale when dividing by varianceScale is exactly multiplying by it (`exactInverse`), else 0. */
  inverseScale: number,
  /**
   * The context beliefs (`offsetLogits[i]`, `offsetVariances[i]`) the words are weighed against, if
   * any: read here by index rather than passed as two numbers, which were boxed for the call (32 bytes
   * per model and decision).
   */
  offsetLogits: ArrayLike<number> | undefined,
  offsetVariances: ArrayLike<number> | undefined,
  successes: Float64Array,
  failures: Float64Array,
  i: number,
): void {
  // Bucket k's mean at 2k, its precision at 2k + 1 (one cache line; routing round 13b). The features are
  // bucket indices below 2^bits, so k << 1 and (k << 1) | 1 are 2k and 2k + 1, without overflow checks.
  const weights = arm.weights;
  const prior = arm.priorPrecision;
  const xx = x * x;
  const n = features.length;
  let logit = 0;
  let variance = 0;
  if (varianceScale === 1) {
    for (let j = 0; j < n; j++) {
      const k = features[j] << 1;
      logit += weights[k] * x;
      variance += xx / weights[k | 1];
    }
  } else if (inverseScale !== 0) {
    // One division fewer per term, the same numbers (WORD_MODEL.varianceScale is 0.25). Four terms per
    // pass, added in the same order (the same sums, bit for bit): the optimising compiler checks the
    // three arrays' shapes and reloads their storage once per pass instead of once per term (about
    // 40 instructions a term before; routing round 13).
    const inverse = inverseScale;
    let j = 0;
    for (; j + 4 <= n; j += 4) {
      const k0 = features[j] << 1;
      const k1 = features[j + 1] << 1;
      const k2 = features[j + 2] << 1;
      const k3 = features[j + 3] << 1;
      logit += weights[k0] * x;
      variance += xx / (prior + (weights[k0 | 1] - prior) * inverse);
      logit += weights[k1] * x;
      variance += xx / (prior + (weights[k1 | 1] - prior) * inverse);
      logit += weights[k2] * x;
      variance += xx / (prior + (weights[k2 | 1] - prior) * inverse);
      logit += weights[k3] * x;
      variance += xx / (prior + (weights[k3 | 1] - prior) * inverse);
    }
    for (; j < n; j++) {
      const k = features[j] << 1;
      logit += weights[k] * x;
      variance += xx / (prior + (weights[k | 1] - prior) * inverse);
    }
  } else {
    for (let j = 0; j < n; j++) {
      const k = features[j] << 1;
      logit += weights[k] * x;
      variance += xx / (prior + (weights[k | 1] - prior) / varianceScale);
    }
  }
  betaInto(arm, logit, variance, offsetLogits, offsetVariances, successes, failures, i);
}

/**
 * `armBetaInto` for arms i and i + 1 with an exact inverse scale (`exactInverse`): one pass over the
 * buckets for both, each arm's two sums term by term in the same order as `armBetaInto`'s (the same
 * numbers, bit for bit), the bucket indices read once per pair instead of once per arm.
 */
function armPairBetaInto(
  first: LogisticArmState,
  second: LogisticArmState,
  features: ArrayLike<number>,
  x: number,
  inverse: number,
  offsetLogits: ArrayLike<number> | undefined,
  offsetVariances: ArrayLike<number> | undefined,
  successes: Float64Array,
  failures: Float64Array,
  i: number,
): void {
  const a = first.weights;
  const b = second.weights;
  const priorA = first.priorPrecision;
  const priorB = second.priorPrecision;
  const xx = x * x;
  const n = features.length;
  let logitA = 0;
  let varianceA = 0;
  let logitB = 0;
  let varianceB = 0;
  let j = 0;
  for (; j + 4 <= n; j += 4) {
    const k0 = features[j] << 1;
    const k1 = features[j + 1] << 1;
    const k2 = features[j + 2] << 1;
    const k3 = features[j + 3] << 1;
    logitA += a[k0] * x;
    varianceA += xx / (priorA + (a[k0 | 1] - priorA) * inverse);
    logitB += b[k0] * x;
    varianceB += xx / (priorB + (b[k0 | 1] - priorB) * inverse);
    logitA += a[k1] * x;
    varianceA += xx / (priorA + (a[k1 | 1] - priorA) * inverse);
    logitB += b[k1] * x;
    varianceB += xx / (priorB + (b[k1 | 1] - priorB) * inverse);
    logitA += a[k2] * x;
    varianceA += xx / (priorA + (a[k2 | 1] - priorA) * inverse);
    logitB += b[k2] * x;
    varianceB += xx / (priorB + (b[k2 | 1] - priorB) * inverse);
    logitA += a[k3] * x;
    varianceA += xx / (priorA + (a[k3 | 1] - priorA) * inverse);
    logitB += b[k3] * x;
    varianceB += xx / (priorB + (b[k3 | 1] - priorB) * inverse);
  }
  for (; j < n; j++) {
    const k = features[j] << 1;
    logitA += a[k] * x;
    varianceA += xx / (priorA + (a[k | 1] - priorA) * inverse);
    logitB += b[k] * x;
    varianceB += xx / (priorB + (b[k | 1] - priorB) * inverse);
  }
  betaInto(first, logitA, varianceA, offsetLogits, offsetVariances, successes, failures, i);
  betaInto(second, logitB, varianceB, offsetLogits, offsetVariances, successes, failures, i + 1);
}

/** Arm i's belief (the words' logit and variance) weighed against its context belief, if any, as Beta evidence at index `i`. */
function betaInto(
  arm: LogisticArmState,
  logit: number,
  variance: number,
  offsetLogits: ArrayLike<number> | undefined,
  offsetVariances: ArrayLike<number> | undefined,
  successes: Float64Array,
  failures: Float64Array,
  i: number,
): void {
  if (offsetLogits !== undefined && offsetVariances !== undefined) {
    // Two beliefs, the words' and the context's, weighed by the posterior odds of the word model
    // (`wordsLogOdds`): the moments of the mixture, in logit space.
    const offsetLogit = offsetLogits[i];
    const offsetVariance = offsetVariances[i];
    const odds = arm.wordsLogOdds;
    const w = wordsWeight(odds === undefined ? 0 : odds);
    const gap = logit - offsetLogit;
    variance = w * variance + (1 - w) * offsetVariance + w * (1 - w) * gap * gap;
    logit = w * logit + (1 - w) * offsetLogit;
  }
  const p = Math.min(0.9999, Math.max(0.0001, sigmoid(logit)));
  const strength = 1 / Math.max(1e-9, variance * p * (1 - p));
  successes[i] = p * strength;
  failures[i] = (1 - p) * strength;
}

/**
 * sigmoid(odds), the words' weight in the mixture. At even odds (an arm never scored against its
 * context) and at the bounds (where the odds of a model whose words clearly win or lose sit) it is a
 * constant, computed once by the same expression: the same number without an exp per arm.
 */
function wordsWeight(odds: number): number {
  if (odds === 0) return EVEN_WEIGHT;
  if (odds === WORDS_LOG_ODDS_BOUND) return UPPER_WEIGHT;
  if (odds === -WORDS_LOG_ODDS_BOUND) return LOWER_WEIGHT;
  return 1 / (1 + Math.exp(-odds));
}

const EVEN_WEIGHT = 1 / (1 + Math.exp(-0));
const UPPER_WEIGHT = 1 / (1 + Math.exp(-WORDS_LOG_ODDS_BOUND));
const LOWER_WEIGHT = 1 / (1 + Math.exp(WORDS_LOG_ODDS_BOUND));

/**
 * 1 / v when `v` is 2^k with 2^-k a normal number too (|k| < 1022), so that x / v and x * (1 / v) are the
 * same correctly rounded number for every x (both round the same real number x 2^-k); else 0.
 */
function exactInverse(v: number): number {
  if (!(v > 0) || v === Infinity) return 0;
  bitsF64[0] = v;
  return bitsU32[0] === 0 && (bitsU32[1] & 0xfffff) === 0 && Math.abs(Math.log2(v)) < 1022 ? 1 / v : 0;
}

const bitsF64 = new Float64Array(1);
const bitsU32 = new Uint32Array(bitsF64.buffer);

/** The stored form: JSON with the two vectors as base64 little-endian Float32 (2 x 16 KiB at 12 bits). */
export interface SerializedLogisticArm {
  modelId: string;
  bits: number;
  priorPrecision: number;
  observations: number;
  mean: string;
  precision: string;
  wordsLogOdds?: number;
}

export function serializeLogisticArm(arm: LogisticArmState): SerializedLogisticArm {
  return {
    modelId: arm.modelId,
    bits: arm.bits,
    priorPrecision: arm.priorPrecision,
    observations: arm.observations,
    mean: encodeFloats(armMeans(arm)),
    precision: encodeFloats(armPrecisions(arm)),
    ...(arm.wordsLogOdds === undefined ? {} : { wordsLogOdds: arm.wordsLogOdds }),
  };
}

export function parseLogisticArm(stored: SerializedLogisticArm): LogisticArmState {
  return logisticArmFrom({
    modelId: stored.modelId,
    bits: stored.bits,
    priorPrecision: stored.priorPrecision,
    observations: stored.observations,
    mean: decodeFloats(stored.mean),
    precision: decodeFloats(stored.precision),
    ...(stored.wordsLogOdds === undefined ? {} : { wordsLogOdds: stored.wordsLogOdds }),
  });
}

/** A vector as little-endian Float32 bytes (half the size of Float64; the weights need no more). */
export function floatsToBytes(values: Float64Array): Buffer {
  const buffer = Buffer.alloc(values.length * 4);
  for (let i = 0; i < values.length; i++) buffer.writeFloatLE(values[i], i * 4);
  return buffer;
}

export function bytesToFloats(buffer: Uint8Array): Float64Array {
  const view = Buffer.from(buffer.buffer, buffer.byteOffset, buffer.byteLength);
  const out = new Float64Array(view.length >> 2);
  for (let i = 0; i < out.length; i++) out[i] = view.readFloatLE(i * 4);
  return out;
}

function encodeFloats(values: Float64Array): string {
  return floatsToBytes(values).toString('base64');
}

function decodeFloats(encoded: string): Float64Array {
  return bytesToFloats(Buffer.from(encoded, 'base64'));
}

function logitMean(arm: LogisticArmState, features: ArrayLike<number>, x: number): number {
  const weights = arm.weights;
  let s = 0;
  for (let i = 0; i < features.length; i++) s += weights[2 * features[i]] * x;
  return s;
}

function sigmoid(z: number): number {
  return 1 / (1 + Math.exp(-z));
}
