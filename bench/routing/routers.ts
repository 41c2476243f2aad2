import type { Random } from '../../libs/core/src';
import {
  applyLinearObservation,
  applyObservation,
  decide,
  guardAgainstDrop,
  type DriftDetectorOptions,
  emptyLinearArm,
  linearArmsAsBeta,
  applyLogisticObservation,
  fadeLogisticArm,
  emptyLogisticArm,
  logisticArmsAsBeta,
  logisticArmsAsBetaList,
  pooledContextBelief,
  scoreAgainstContext,
  type LogitBelief,
  type PooledPriorOptions,
  emptyWordArm,
  WORD_MODEL,
  type LogisticArmState,
  type LinearArmState,
  type ArmState,
  type Candidate,
  type Decision,
  type Observation,
  type RoutePolicy,
  nextRefutedMarker,
  type RefutedMarker,
} from '../../libs/router/src';

/** What a benchmark feeds a router for one request. */
export interface RouteRequest {
  contextKey: string;
  vector: Float64Array;
  /** Active buckets of the prompt's hashed words (`hashedPromptFeatures`). */
  hashed: Int32Array;
  candidates: Candidate[];
  budgetPressure?: number;
}

export interface BenchRouter {
  readonly name: string;
  /** Returns the ranked models (first = chosen) and the nanoseconds spent inside the decision. */
  choose(request: RouteRequest): { ranked: string[]; decisionNs: number };
  observe(contextKey: string, vector: Float64Array, obs: Observation, hashed: Int32Array): void;
}

function timed(fn: () => Decision): { ranked: string[]; decisionNs: number } {
  const t0 = process.hrtime.bigint();
  const d = fn();
  const decisionNs = Number(process.hrtime.bigint() - t0);
  return { ranked: d.ranked, decisionNs };
}

export class FixedRouter implements BenchRouter {
  constructor(
    readonly name: string,
    private readonly pick: (candidates: Candidate[]) => string,
  ) {}
  choose(request: RouteRequest) {
    const chosen = this.pick(request.candidates.filter((c) => c.eligible));
    return { ranked: [chosen, ...request.candidates.filter((c) => c.eligible && c.modelId !== chosen).map((c) => c.modelId)], decisionNs: 0 };
  }
  observe(): void {}
}

export class RandomRouter implements BenchRouter {
  readonly name = 'random';
  constructor(private readonly random: Random) {}
  choose(request: RouteRequest) {
    const eligible = request.candidates.filter((c) => c.eligible).map((c) => c.modelId);
    const i = Math.floor(this.random() * eligible.length);
    return { ranked: [eligible[i], ...eligible.filter((_, j) => j !== i)], decisionNs: 0 };
  }
  observe(): void {}
}

/** Plain cost-aware Thompson sampling on route-level arms only: the non-contextual baseline. */
export class ThompsonRouter implements BenchRouter {
  private arms = new Map<string, ArmState>();
  constructor(
    readonly name: string,
    private readonly policy: RoutePolicy,
    private readonly discount: number,
    private readonly random: Random,
  ) {}
  choose(request: RouteRequest) {
    return timed(() => decide(request.candidates, this.arms, this.policy, this.random, { budgetPressure: request.budgetPressure }));
  }
  observe(_contextKey: string, _vector: Float64Array, obs: Observation): void {
    this.arms = toMap(applyObservation([...this.arms.values()], obs, this.discount));
  }
}

/**
 * Per-context discounted Beta arms whose prior is the shrunk route-level arm: what the gateway stores
 * per (route, model) and per (route, context key, model).
 */
export class HierarchicalRouter implements BenchRouter {
  private routeArms = new Map<string, ArmState>();
  private contextArms = new Map<string, Map<string, ArmState>>();
  constructor(
    readonly name: string,
    private readonly policy: RoutePolicy,
    private readonly discount: number,
    private readonly random: Random,
    private readonly contextDiscount = discount,
    /** With options, a drop detector per arm (route level and context level) shrinks old evidence on an alarm. */
    private readonly drift?: DriftDetectorOptions,
    /**
     * With the detector: for this many of the context's scores after a context-level alarm on its
     * anchor, the alarmed model is passed to `decide` as `refutedModelId` (pooled stand-ins for a
     * refuted anchor; `nextRefutedMarker`, as the gateway's worker keeps it); 0 = never.
     */
    private readonly refutedFor = 0,
  ) {}
  private readonly dropStatistics = new Map<string, number>();
  /** Per context: its refuted anchor and how many of the context's scores the marker still lasts. */
  private readonly refuted = new Map<string, RefutedMarker>();
  alarms = 0;
  /** Bench diagnostics (adapt-diagnose.ts): sees each decision and each drift alarm (context key '' = route level). */
  onDecision?: (request: RouteRequest, decision: Decision) => void;
  onAlarm?: (contextKey: string, modelId: string) => void;
  choose(request: RouteRequest) {
    const contextArms = this.contextArms.get(request.contextKey) ?? EMPTY;
    const marker = this.refuted.get(request.contextKey);
    return timed(() => {
      const d = decide(request.candidates, this.routeArms, this.policy, this.random, {
        contextKey: request.contextKey,
        contextArms,
        budgetPressure: request.budgetPressure,
        ...(marker ? { refutedModelId: marker.modelId } : {}),
      });
      this.onDecision?.(request, d);
      return d;
    });
  }
  observe(contextKey: string, _vector: Float64Array, obs: Observation): void {
    const route = this.guard('', [...this.routeArms.values()], obs);
    this.routeArms = toMap(applyObservation(route, obs, this.discount));
    const ctx = this.guard(contextKey, [...(this.contextArms.get(contextKey) ?? EMPTY).values()], obs);
    this.contextArms.set(contextKey, toMap(applyObservation(ctx, obs, this.contextDiscount)));
  }
  private guard(contextKey: string, arms: ArmState[], obs: Observation): ArmState[] {
    if (!this.drift) return arms;
    const key = `${contextKey}\u0000${obs.modelId}`;
    const r = guardAgainstDrop(arms, obs.modelId, obs.reward, this.dropStatistics.get(key) ?? 0, this.drift);
    this.dropStatistics.set(key, r.statistic);
    if (contextKey !== '' && this.refutedFor > 0) {
      const armBefore = r.alarm ? arms.find((a) => a.modelId === obs.modelId) : undefined;
      const marker = nextRefutedMarker(this.refuted.get(contextKey), armBefore && { modelId: obs.modelId, armBefore, policy: this.policy, lasts: this.refutedFor });
      if (marker) this.refuted.set(contextKey, marker);
      else this.refuted.delete(contextKey);
    }
    if (r.alarm) {
      this.alarms++;
      this.onAlarm?.(contextKey, obs.modelId);
    }
    return r.arms;
  }
}

/**
 * Linear Thompson sampling on the prompt's feature vector: one ridge regression per model, turned
 * into Beta evidence per request so the same `decide` (floor rule and all) picks.
 */
export class LinearThompsonRouter implements BenchRouter {
  private arms = new Map<string, LinearArmState>();
  constructor(
    readonly name: string,
    private readonly policy: RoutePolicy,
    private readonly discount: number,
    private readonly random: Random,
    private readonly dim: number,
  ) {}
  choose(request: RouteRequest) {
    for (const c of request.candidates) if (!this.arms.has(c.modelId)) this.arms.set(c.modelId, emptyLinearArm(c.modelId, this.dim));
    const t0 = process.hrtime.bigint();
    const beta = linearArmsAsBeta(this.arms.values(), request.vector);
    const d = decide(request.candidates, beta, this.policy, this.random, { budgetPressure: request.budgetPressure });
    return { ranked: d.ranked, decisionNs: Number(process.hrtime.bigint() - t0) };
  }
  observe(_contextKey: string, vector: Float64Array, obs: Observation): void {
    const arm = this.arms.get(obs.modelId) ?? emptyLinearArm(obs.modelId, this.dim);
    this.arms.set(obs.modelId, applyLinearObservation(arm, vector, obs.reward, this.discount));
  }
}

/**
 * The contexts learner's Beta evidence (route level and per context) kept beside the word models, for
 * the context's belief each word model is weighed against (`pooledContextBelief`, planRoute's `wordOffsetLogits`).
 */
export class PooledOffsets {
  private routeArms = new Map<string, ArmState>();
  private contextArms = new Map<string, Map<string, ArmState>>();
  constructor(
    private readonly discount: number,
    private readonly options: PooledPriorOptions = {},
  ) {}
  belief(contextKey: string, modelId: string, priorQuality?: number): LogitBelief {
    return pooledContextBelief(this.routeArms.get(modelId), this.contextArms.get(contextKey)?.get(modelId), priorQuality, this.options);
  }
  observe(contextKey: string, obs: Observation): void {
    this.routeArms = toMap(applyObservation([...this.routeArms.values()], obs, this.discount));
    this.contextArms.set(contextKey, toMap(applyObservation([...(this.contextArms.get(contextKey)?.values() ?? [])], obs, this.discount)));
  }
}

/**
 * Hashed logistic Thompson sampling: one online Bayesian logistic regression per model on the prompt's
 * hashed words (`hashed-logistic.ts`), its beliefs handed to the same `decide` as Beta evidence.
 */
export class LogisticThompsonRouter implements BenchRouter {
  private arms = new Map<string, LogisticArmState>();
  private readonly pooled: PooledOffsets | undefined;
  constructor(
    readonly name: string,
    private readonly policy: RoutePolicy,
    private readonly random: Random,
    /**
     * `pooled`: each model's words weighed against the context's belief by their odds, as the gateway's
     * word learner runs (the contexts learner's Beta arms, neutral prior Beta(1, 1), the same discount).
     */
    private readonly options: { bits?: number; priorPrecision?: number; varianceScale?: number; discount?: number; pooled?: boolean; contextPriorStrength?: number } = {},
  ) {
    this.pooled = options.pooled ? new PooledOffsets(options.discount ?? 1, { priorQualityWeight: 2, contextPriorStrength: options.contextPriorStrength }) : undefined;
  }
  choose(request: RouteRequest) {
    for (const c of request.candidates) if (!this.arms.has(c.modelId)) this.arms.set(c.modelId, this.empty(c.modelId));
    const t0 = process.hrtime.bigint();
    const pooled = this.pooled;
    const beta = pooled
      ? new Map(
          logisticArmsAsBetaList(
            request.candidates.map((c) => this.arms.get(c.modelId)!),
            request.hashed,
            this.options.varianceScale,
            request.candidates.map((c) => pooled.belief(request.contextKey, c.modelId)),
          ).map((a) => [a.modelId, a]),
        )
      : logisticArmsAsBeta(this.arms.values(), request.hashed, this.options.varianceScale);
    const d = decide(request.candidates, beta, this.policy, this.random, { budgetPressure: request.budgetPressure });
    return { ranked: d.ranked, decisionNs: Number(process.hrtime.bigint() - t0) };
  }
  observe(contextKey: string, _vector: Float64Array, obs: Observation, hashed: Int32Array): void {
    const arm = this.arms.get(obs.modelId) ?? this.empty(obs.modelId);
    // As the worker does: the other models' evidence on this prompt fades (a no-op without a discount).
    if (this.options.discount !== undefined) for (const [id, other] of this.arms) if (id !== obs.modelId) fadeLogisticArm(other, hashed, this.options.discount);
    if (this.pooled) scoreAgainstContext(arm, hashed, obs.reward, this.pooled.belief(contextKey, obs.modelId).logit, this.options.discount);
    this.arms.set(obs.modelId, applyLogisticObservation(arm, hashed, obs.reward, this.options.discount));
    this.pooled?.observe(contextKey, obs);
  }
  private empty(modelId: string): LogisticArmState {
    return emptyLogisticArm(modelId, { bits: this.options.bits, priorPrecision: this.options.priorPrecision });
  }
}

/**
 * The gateway's `learner: hashed_words`, as planRoute and the worker run it: one word model per model
 * with the gateway's settings (`WORD_MODEL`), the model's cold-start prior quality in its bias weight
 * (not in the candidate), the route's discount with the other models fading on the prompt's buckets,
 * and the untried cap counted on scored answers (`triedArms`).
 */
export interface WordLearnerOptions {
  /** Tempering of the logit variance; default the gateway's `WORD_MODEL.varianceScale`. */
  varianceScale?: number;
  /** Fade the other models' weights on the prompt's buckets, as the worker does; default true. */
  fade?: boolean;
  /** Sees each decision and the word models it was made from (bench diagnostics: word-diagnose.ts). */
  onDecision?: (request: RouteRequest, decision: Decision, arms: LogisticArmState[], offsets: LogitBelief[]) => void;
}

export class WordLearnerRouter implements BenchRouter {
  /** Each model's word model (read by the bench's diagnostics). */
  readonly arms = new Map<string, LogisticArmState>();
  /** The route's Beta arms of scored answers, for the untried cap. */
  private scored = new Map<string, ArmState>();
  /** The contexts learner's arms, whose belief each word model is weighed against (planRoute's `wordOffsetLogits`). */
  private readonly pooled: PooledOffsets;
  private readonly priorQuality = new Map<string, number | undefined>();
  constructor(
    readonly name: string,
    private readonly policy: RoutePolicy,
    private readonly random: Random,
    private readonly discount: number,
    private readonly options: WordLearnerOptions = {},
  ) {
    this.pooled = new PooledOffsets(discount, { contextPriorStrength: policy.contextPriorStrength });
  }
  choose(request: RouteRequest) {
    for (const c of request.candidates) {
      if (!this.arms.has(c.modelId)) this.arms.set(c.modelId, emptyWordArm(c.modelId, c.priorQuality));
      if (!this.priorQuality.has(c.modelId)) this.priorQuality.set(c.modelId, c.priorQuality);
    }
    // As planRoute: the prior quality is in the word model's bias and in the context's belief, not the candidate.
    const candidates = request.candidates.map((c) => (c.priorQuality === undefined ? c : { ...c, priorQuality: undefined }));
    const t0 = process.hrtime.bigint();
    const arms = candidates.map((c) => this.arms.get(c.modelId)!);
    const offsets = candidates.map((c) => this.pooled.belief(request.contextKey, c.modelId, this.priorQuality.get(c.modelId)));
    const beliefs = logisticArmsAsBetaList(arms, request.hashed, this.options.varianceScale ?? WORD_MODEL.varianceScale, offsets);
    const d = decide(candidates, EMPTY, { ...this.policy, priorSuccesses: 1e-3, priorFailures: 1e-3 }, this.random, {
      budgetPressure: request.budgetPressure,
      triedArms: this.scored,
      armsByCandidate: beliefs,
    });
    const decisionNs = Number(process.hrtime.bigint() - t0);
    this.options.onDecision?.(request, d, arms, offsets);
    return { ranked: d.ranked, decisionNs };
  }
  observe(contextKey: string, _vector: Float64Array, obs: Observation, hashed: Int32Array): void {
    if (this.options.fade !== false) for (const [id, other] of this.arms) if (id !== obs.modelId) fadeLogisticArm(other, hashed, this.discount);
    const arm = this.arms.get(obs.modelId) ?? emptyWordArm(obs.modelId);
    // The context's belief when the score arrives (the gateway sends the one of the decision in the job;
    // the same when feedback comes before the next decision, as in the zoo without delay).
    const offset = this.pooled.belief(contextKey, obs.modelId, this.priorQuality.get(obs.modelId)).logit;
    scoreAgainstContext(arm, hashed, obs.reward, offset, this.discount);
    this.arms.set(obs.modelId, applyLogisticObservation(arm, hashed, obs.reward, this.discount));
    this.scored = toMap(applyObservation([...this.scored.values()], obs, this.discount));
    this.pooled.observe(contextKey, obs);
  }
}

const EMPTY: ReadonlyMap<string, ArmState> = new Map();

function toMap(arms: ArmState[]): Map<string, ArmState> {
  return new Map(arms.map((a) => [a.modelId, a]));
}
