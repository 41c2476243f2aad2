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
  logisticBelief,
  pooledContextBelief,
  scoreAgainstContext,
  type LogitBelief,
  type PooledPriorOptions,
  emptyWordArm,
  WORD_MODEL,
  type LogisticArmState,
  type LinearArmState,
  type ArmState,
  defaultContextPriorStrength,
  type Candidate,
  type Decision,
  type Observation,
  type RoutePolicy,
  nextRefutedMarker,
  type RefutedMarker,
  routeUntriedCap,
  scoresArrivePromptly,
  type ScoreDelaySignal,
} from '../../libs/router/src';
import { guardAgainstRise, probeCandidate, withProbe, type ProbeOptions } from './probe';
import { armsWithPending, type PendingImputation } from './pending-scores';
import { capRefutedEvidence, type RefutedCapOptions } from './refuted-cap';
import { resetWordsOnAlarm, type WordAlarmReset } from './word-alarm';

/** What a benchmark feeds a router for one request. */
export interface RouteRequest {
  contextKey: string;
  vector: Float64Array;
  /** Active buckets of the prompt's hashed words (`hashedPromptFeatures`). */
  hashed: Int32Array;
  candidates: Candidate[];
  budgetPressure?: number;
  /** The route's score delay signal (`zoo-sim.ts`, ZOO_SCORE_DELAY_GATE; round 31); unset, not read. */
  scoreDelay?: ScoreDelaySignal;
}

/**
 * Round 31's gate (bench only): `promptPolicy` decides while the route's scores arrive promptly
 * (`scoresArrivePromptly` at `maxDelayRequests` on the request's `scoreDelay`), the router's own policy
 * otherwise and whenever the request carries no signal.
 */
export interface ScoreDelayGate {
  promptPolicy: RoutePolicy;
  maxDelayRequests: number;
}

export interface BenchRouter {
  readonly name: string;
  /** Returns the ranked models (first = chosen) and the nanoseconds spent inside the decision. */
  choose(request: RouteRequest): { ranked: string[]; decisionNs: number };
  observe(contextKey: string, vector: Float64Array, obs: Observation, hashed: Int32Array): void;
  /** Round 39 (bench only): told which model served request `at` in the context, and when a request's score lands. */
  served?(contextKey: string, modelId: string, at: number): void;
  landed?(contextKey: string, modelId: string, servedAt: number): void;
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
    /** Round 31: a second policy for while the route's scores arrive promptly; unset, the one policy. */
    private readonly gate?: ScoreDelayGate,
  ) {
    this.current = policy;
  }
  /** The policy of the latest decision (the gate's choice), which the refuted marker reads too. */
  private current: RoutePolicy;
  /**
   * The untried cap as a route runs it (`routeUntriedCap`, libs/router: the policy's `maxUntriedShare`
   * only while some candidate has no scored answer on the route, a model untried below one observation's
   * worth of evidence). False: the policy's `maxUntriedShare` and `warmupEvidence` as they are (the zoo's
   * cap until session 27: 0.05 below 20 evidence, always).
   */
  gatewayUntriedCap = false;
  /** The policies with the cap off (every candidate scored), made once per policy. */
  private readonly uncapped = new WeakMap<RoutePolicy, RoutePolicy>();
  private readonly capped = new WeakMap<RoutePolicy, RoutePolicy>();
  private withUntriedCap(policy: RoutePolicy, candidates: readonly Candidate[]): RoutePolicy {
    if (!this.gatewayUntriedCap) return policy;
    const cap = routeUntriedCap(policy.maxUntriedShare, candidates, this.routeArms);
    const cache = cap.maxUntriedShare === undefined ? this.uncapped : this.capped;
    let p = cache.get(policy);
    if (p === undefined) cache.set(policy, (p = { ...policy, ...cap }));
    return p;
  }
  /** Decisions made with the gate open (bench diagnostics). */
  gateOpen = 0;
  private readonly dropStatistics = new DetectorStatistics();
  /** Per context: its refuted anchor and how many of the context's scores the marker still lasts. */
  private readonly refuted = new Map<string, RefutedMarker>();
  alarms = 0;
  /** Bench diagnostics (adapt-diagnose.ts): sees each decision and each drift alarm (context key '' = route level). */
  onDecision?: (request: RouteRequest, decision: Decision) => void;
  onAlarm?: (contextKey: string, modelId: string) => void;
  choose(request: RouteRequest) {
    const contextArms = this.contextArms.get(request.contextKey) ?? EMPTY;
    const marker = this.refuted.get(request.contextKey);
    const gate = this.gate;
    const open = gate !== undefined && request.scoreDelay !== undefined && scoresArrivePromptly(request.scoreDelay, gate.maxDelayRequests);
    if (open) this.gateOpen++;
    this.current = open ? gate.promptPolicy : this.policy;
    const policy = this.withUntriedCap(this.current, request.candidates);
    return timed(() => {
      const imputed = this.pending && !(this.pending.coldStartOnly && this.anyLanded) ? this.imputed(request, contextArms, policy) : undefined;
      const d = decide(request.candidates, imputed?.routeArms ?? this.routeArms, policy, this.random, {
        contextKey: request.contextKey,
        contextArms: imputed?.contextArms ?? contextArms,
        budgetPressure: request.budgetPressure,
        ...(marker ? { refutedModelId: marker.modelId } : {}),
        // Pseudo-observations are no trial: the untried cap reads the arms as they are.
        ...(imputed ? { triedArms: this.routeArms } : {}),
      });
      this.onDecision?.(request, d);
      const probe = this.probe;
      if (probe !== undefined && probe.random() < probe.share) {
        const m = probeCandidate(request.candidates, d.beliefs, d.modelId, probe.floor, probe.random());
        if (m !== undefined) {
          this.probes++;
          this.onProbe?.(request.contextKey, m);
          return { ...d, modelId: m, ranked: withProbe(d.ranked, m) };
        }
      }
      return d;
    });
  }
  /** Round 39 (bench only, ZOO_PENDING_IMPUTE; pending-scores.ts): scores in flight imputed into the draw. Unset: off. */
  pending?: PendingImputation;
  private imputed(request: RouteRequest, contextArms: ReadonlyMap<string, ArmState>, policy: RoutePolicy) {
    const p = this.pending!;
    const now = p.clock();
    const strength = policy.contextPriorStrength ?? defaultContextPriorStrength(policy.floorConfidence);
    return armsWithPending(
      request.candidates,
      this.routeArms,
      contextArms,
      { ...policy, contextPriorStrength: strength },
      (m) => p.counts.pending(`\u0000${m}`, now, p.scoredShare),
      (m) => p.counts.pending(`${request.contextKey}\u0000${m}`, now, p.scoredShare),
      p.z,
      p.cap,
    );
  }
  served(contextKey: string, modelId: string, at: number): void {
    if (!this.pending) return;
    this.pending.counts.serve(`\u0000${modelId}`, at);
    this.pending.counts.serve(`${contextKey}\u0000${modelId}`, at);
  }
  private anyLanded = false;
  landed(contextKey: string, modelId: string, servedAt: number): void {
    if (!this.pending) return;
    this.anyLanded = true;
    this.pending.counts.land(`\u0000${modelId}`, servedAt);
    this.pending.counts.land(`${contextKey}\u0000${modelId}`, servedAt);
  }
  /** Round 37 (bench only, ZOO_PROBE_SHARE; probe.ts): probes of cheaper refuted models and a rise detector. Unset: off. */
  probe?: ProbeOptions;
  probes = 0;
  riseAlarms = 0;
  /** Bench diagnostics: sees each rise alarm (context key '' = route level). */
  onRise?: (contextKey: string, modelId: string) => void;
  onProbe?: (contextKey: string, modelId: string) => void;
  private readonly riseStatistics = new DetectorStatistics();
  private rise(contextKey: string, arms: ArmState[], obs: Observation): ArmState[] {
    if (!this.probe || (contextKey === '' && this.probe.contextOnly)) return arms;
    const r = this.riseStatistics.step(contextKey, obs.modelId, (statistic) => guardAgainstRise(arms, obs.modelId, obs.reward, statistic, this.probe));
    if (r.alarm) {
      this.riseAlarms++;
      this.onRise?.(contextKey, obs.modelId);
    }
    return r.arms;
  }
  /** Round 38 (bench only, ZOO_REFUTED_CAP; refuted-cap.ts): the most evidence an arm under the floor keeps, at both levels. Unset: off. */
  refutedCap?: RefutedCapOptions;
  private cap(arms: ArmState[], modelId: string): ArmState[] {
    return this.refutedCap === undefined ? arms : capRefutedEvidence(arms, modelId, this.refutedCap);
  }
  observe(contextKey: string, _vector: Float64Array, obs: Observation): void {
    const route = this.rise('', this.guard('', [...this.routeArms.values()], obs), obs);
    this.routeArms = toMap(this.cap(applyObservation(route, obs, this.discount), obs.modelId));
    const ctx = this.rise(contextKey, this.guard(contextKey, [...(this.contextArms.get(contextKey) ?? EMPTY).values()], obs), obs);
    this.contextArms.set(contextKey, toMap(this.cap(applyObservation(ctx, obs, this.contextDiscount), obs.modelId)));
  }
  private guard(contextKey: string, arms: ArmState[], obs: Observation): ArmState[] {
    const drift = this.drift;
    if (!drift) return arms;
    const r = this.dropStatistics.step(contextKey, obs.modelId, (statistic) => guardAgainstDrop(arms, obs.modelId, obs.reward, statistic, drift));
    if (contextKey !== '' && this.refutedFor > 0) {
      const armBefore = r.alarm ? arms.find((a) => a.modelId === obs.modelId) : undefined;
      const marker = nextRefutedMarker(this.refuted.get(contextKey), armBefore && { modelId: obs.modelId, armBefore, policy: this.current, lasts: this.refutedFor });
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
  private readonly dropStatistics = new DetectorStatistics();
  /** Drift alarms so far (route level and context level), with `drift`. */
  alarms = 0;
  constructor(
    private readonly discount: number,
    private readonly options: PooledPriorOptions = {},
    /**
     * Round 41 (bench only): the worker's drop detector on these Beta arms, route level and context level,
     * as `recordScores` runs it on every route (a `hashed_words` route's too). Unset: no detector, as before.
     */
    private readonly drift?: DriftDetectorOptions,
  ) {}
  belief(contextKey: string, modelId: string, priorQuality?: number): LogitBelief {
    return pooledContextBelief(this.routeArms.get(modelId), this.contextArms.get(contextKey)?.get(modelId), priorQuality, this.options);
  }
  /** The route-level arms (the gateway's untried cap reads these same arms: planRoute's `triedArmsByCandidate`). */
  get route(): ReadonlyMap<string, ArmState> {
    return this.routeArms;
  }
  /** Folds the score in; true when the drop detector alarmed on the scored model (either level). */
  observe(contextKey: string, obs: Observation): boolean {
    const before = this.alarms;
    this.routeArms = toMap(applyObservation(this.guard('', [...this.routeArms.values()], obs), obs, this.discount));
    const ctx = this.guard(contextKey, [...(this.contextArms.get(contextKey)?.values() ?? [])], obs);
    this.contextArms.set(contextKey, toMap(applyObservation(ctx, obs, this.discount)));
    return this.alarms > before;
  }
  private guard(contextKey: string, arms: ArmState[], obs: Observation): ArmState[] {
    const drift = this.drift;
    if (!drift) return arms;
    const r = this.dropStatistics.step(contextKey, obs.modelId, (statistic) => guardAgainstDrop(arms, obs.modelId, obs.reward, statistic, drift));
    if (r.alarm) {
      this.alarms++;
      this.onAlarm?.(contextKey, obs.modelId);
    }
    return r.arms;
  }
  /** Bench diagnostics: sees each drift alarm (context key '' = route level). */
  onAlarm?: (contextKey: string, modelId: string) => void;
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
    private readonly options: {
      bits?: number;
      priorPrecision?: number;
      varianceScale?: number;
      discount?: number;
      pooled?: boolean;
      contextPriorStrength?: number;
      /** Directed exploration of the cheaper model (routing round 24; bench only, unset: as before). */
      cheapExplore?: CheapExploreOptions;
    } = {},
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
    const explore = this.options.cheapExplore;
    if (explore !== undefined && request.candidates.length === 2) {
      const ranked = cheapDirected(request, beta, this.arms, explore, this.policy.costWeight ?? 0, this.options.varianceScale ?? 1, this.random);
      if (ranked !== undefined) return { ranked, decisionNs: Number(process.hrtime.bigint() - t0) };
    }
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
  /**
   * Round 41 (bench only, ZOO_WORD_DRIFT): the worker's drop detector on the route's Beta arms (route and
   * context level), which the word models are weighed against and the untried cap reads. Unset: none, as before.
   */
  drift?: DriftDetectorOptions;
  /**
   * The untried cap as a route runs it (`routeUntriedCap`, libs/router), on the policy's `maxUntriedShare`:
   * on only while some candidate has no scored answer on the route, a model untried below one observation's
   * worth of evidence (round 41 measured it; the zoo's rows run it since session 27). Unset: the policy's
   * `maxUntriedShare` and `warmupEvidence` as they are.
   */
  gatewayUntriedCap?: boolean;
  /**
   * Round 41 (bench only, ZOO_WORD_ALARM_RESET; word-alarm.ts): with `drift`, an alarm on the scored
   * model's Beta arm (route or context level) also shrinks its word model on the prompt's buckets and
   * hands its decisions to the context belief (`resetWordsOnAlarm`). Unset: off.
   */
  alarmReset?: WordAlarmReset;
  /**
   * Round 41 (bench only, ZOO_WORD_START_ODDS): a new word model's odds against the context belief
   * (`wordsLogOdds`) start here instead of at even odds, so its words earn their weight in the decision's
   * mixture before they widen it. Unset: even odds, as the gateway's `emptyWordArm`.
   */
  startOdds?: number;
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
    this.pooled = new PooledOffsets(discount, { contextPriorStrength: policy.contextPriorStrength }, options.drift);
  }
  /** The context beliefs' drift alarms (with `drift`). */
  get alarms(): number {
    return this.pooled.alarms;
  }
  /** Bench diagnostics: sees each drift alarm of the context beliefs (context key '' = route level). */
  set onAlarm(f: ((contextKey: string, modelId: string) => void) | undefined) {
    this.pooled.onAlarm = f;
  }
  choose(request: RouteRequest) {
    for (const c of request.candidates) {
      if (!this.arms.has(c.modelId)) this.arms.set(c.modelId, this.emptyArm(c.modelId, c.priorQuality));
      if (!this.priorQuality.has(c.modelId)) this.priorQuality.set(c.modelId, c.priorQuality);
    }
    // As planRoute: the prior quality is in the word model's bias and in the context's belief, not the candidate.
    const candidates = request.candidates.map((c) => (c.priorQuality === undefined ? c : { ...c, priorQuality: undefined }));
    const t0 = process.hrtime.bigint();
    const arms = candidates.map((c) => this.arms.get(c.modelId)!);
    const offsets = candidates.map((c) => this.pooled.belief(request.contextKey, c.modelId, this.priorQuality.get(c.modelId)));
    const beliefs = logisticArmsAsBetaList(arms, request.hashed, this.options.varianceScale ?? WORD_MODEL.varianceScale, offsets);
    // The gateway's untried cap reads the route's Beta arms, which the detector guards (the same arms as `scored` without it).
    const tried = this.options.drift ? this.pooled.route : this.scored;
    const d = decide(candidates, EMPTY, { ...this.policy, priorSuccesses: 1e-3, priorFailures: 1e-3, ...this.untriedCap(candidates, tried) }, this.random, {
      budgetPressure: request.budgetPressure,
      triedArms: tried,
      armsByCandidate: beliefs,
    });
    const decisionNs = Number(process.hrtime.bigint() - t0);
    this.options.onDecision?.(request, d, arms, offsets);
    return { ranked: d.ranked, decisionNs };
  }
  private emptyArm(modelId: string, priorQuality: number | undefined): LogisticArmState {
    const arm = emptyWordArm(modelId, priorQuality);
    if (this.options.startOdds !== undefined) arm.wordsLogOdds = this.options.startOdds;
    return arm;
  }
  private untriedCap(candidates: readonly Candidate[], tried: ReadonlyMap<string, ArmState>): Partial<RoutePolicy> {
    if (!this.options.gatewayUntriedCap) return {};
    return routeUntriedCap(this.policy.maxUntriedShare, candidates, tried);
  }
  observe(contextKey: string, _vector: Float64Array, obs: Observation, hashed: Int32Array): void {
    if (this.options.fade !== false) for (const [id, other] of this.arms) if (id !== obs.modelId) fadeLogisticArm(other, hashed, this.discount);
    const arm = this.arms.get(obs.modelId) ?? emptyWordArm(obs.modelId);
    // The context's belief when the score arrives (the gateway sends the one of the decision in the job;
    // the same when feedback comes before the next decision, as in the zoo without delay).
    const offset = this.pooled.belief(contextKey, obs.modelId, this.priorQuality.get(obs.modelId)).logit;
    // The Beta arms (and their detector) before the word models, as the worker's transaction runs them.
    const alarm = this.pooled.observe(contextKey, obs);
    if (alarm && this.options.alarmReset) resetWordsOnAlarm(arm, hashed, this.options.alarmReset);
    scoreAgainstContext(arm, hashed, obs.reward, offset, this.discount);
    this.arms.set(obs.modelId, applyLogisticObservation(arm, hashed, obs.reward, this.discount));
    this.scored = toMap(applyObservation([...this.scored.values()], obs, this.discount));
  }
}

const EMPTY: ReadonlyMap<string, ArmState> = new Map();

/**
 * Routing round 24: directed exploration of the cheaper of two models (bench knobs, REPLAY_CHEAP_*).
 * - `shift`: Thompson on both, the cheap model's logit moved up by `bonus` x its logit standard deviation.
 * - `ucb`: the cheap model's upper quantile (logit mean + `bonus` sd, no draw), Thompson on the strong one.
 * - `widen`: Thompson on both, the cheap model's logit variance times `bonus` (its mean unchanged).
 * - `ids`: information-directed sampling between the two (Russo & Van Roy; Kirschner & Krause's
 *   variance-based gain): Gaussian beliefs on each model's utility (success probability minus costWeight x
 *   cost, by the delta method), regret of each against their expected maximum, gain 0.5 log(1 + bonus x
 *   p (1 - p) v), and the mix of the two minimising regret^2 / gain.
 * - `idsdet`: the model with the smaller regret^2 / gain, no draw.
 * `variance`: `mix` the belief decide sees (the words weighed against the context), `words` the word
 * model's own x^T Sigma x (tempered as decide's) for the bonus / gain.
 * `evidence` > 0: the bonus (or gain scale) times evidence / (evidence + the cheap model's scored answers).
 */
export interface CheapExploreOptions {
  mode: 'shift' | 'ucb' | 'widen' | 'ids' | 'idsdet' | 'share';
  bonus: number;
  variance: 'mix' | 'words';
  evidence: number;
  /**
   * `share` (a diagnostic of the knob, not exploration): the per-call knob is read as a target share of
   * strong calls; the strong model is taken when its gap over the cheap one (Thompson draws of the two
   * logits, or the means with `draw` false; the cheap logit raised by `bonus` sd) is above a threshold
   * that a stochastic-approximation quantile keeps at that share (`step` per decision).
   */
  draw?: boolean;
  step?: number;
}

/** The share mode's threshold, per router (one run). */
const shareThreshold = new WeakMap<object, { tau: number }>();

export function cheapExploreFromEnv(env: NodeJS.ProcessEnv = process.env): CheapExploreOptions | undefined {
  const mode = env.REPLAY_CHEAP_EXPLORE;
  if (mode === undefined || mode === '') return undefined;
  if (mode !== 'shift' && mode !== 'ucb' && mode !== 'widen' && mode !== 'ids' && mode !== 'idsdet' && mode !== 'share') throw new Error(`REPLAY_CHEAP_EXPLORE: ${mode}`);
  const variance = env.REPLAY_CHEAP_VARIANCE ?? 'mix';
  if (variance !== 'mix' && variance !== 'words') throw new Error(`REPLAY_CHEAP_VARIANCE: ${variance}`);
  return {
    mode,
    bonus: Number(env.REPLAY_CHEAP_BONUS ?? (mode === 'share' ? 0 : 1)),
    variance,
    evidence: Number(env.REPLAY_CHEAP_EVIDENCE ?? 0),
    draw: env.REPLAY_SHARE_DRAW !== '0',
    step: Number(env.REPLAY_SHARE_STEP ?? 0.002),
  };
}

/** Logit mean and variance of Beta evidence (s, f) as `betaInto` built it. */
function logitOf(arm: ArmState | undefined): { p: number; logit: number; variance: number } {
  const s = arm?.successes ?? 0.5;
  const f = arm?.failures ?? 0.5;
  const p = s / (s + f);
  return { p, logit: Math.log(p / (1 - p)), variance: 1 / ((s + f) * p * (1 - p)) };
}

function betaFrom(modelId: string, logit: number, variance: number, observations: number): ArmState {
  const p = Math.min(0.9999, Math.max(0.0001, 1 / (1 + Math.exp(-logit))));
  const strength = 1 / Math.max(1e-9, variance * p * (1 - p));
  return { modelId, successes: p * strength, failures: (1 - p) * strength, completionTokens: 0, costUsd: 0, observations };
}

function gaussian(random: Random): number {
  const u = Math.max(1e-12, random());
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random());
}

function normalCdf(z: number): number {
  // Abramowitz & Stegun 7.1.26 on erf.
  const t = 1 / (1 + 0.3275911 * Math.abs(z) / Math.SQRT2);
  const y = 1 - ((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t * Math.exp(-(z * z) / 2);
  return z >= 0 ? 0.5 * (1 + y) : 0.5 * (1 - y);
}

/** The ranked pair, or undefined to leave the decision to `decide` with `beliefs` changed in place (shift, ucb). */
function cheapDirected(
  request: RouteRequest,
  beliefs: Map<string, ArmState>,
  arms: ReadonlyMap<string, LogisticArmState>,
  o: CheapExploreOptions,
  costWeight: number,
  varianceScale: number,
  random: Random,
): string[] | undefined {
  const [c0, c1] = request.candidates;
  const cheap = c0.expectedCostUsd <= c1.expectedCostUsd ? c0 : c1;
  const strong = cheap === c0 ? c1 : c0;
  const w = logitOf(beliefs.get(cheap.modelId));
  const s = logitOf(beliefs.get(strong.modelId));
  const cheapArm = arms.get(cheap.modelId)!;
  let bonus = o.bonus;
  if (o.evidence > 0) bonus *= o.evidence / (o.evidence + cheapArm.observations);
  const wordVariance = (arm: LogisticArmState, fallback: number) => (o.variance === 'words' ? logisticBelief(arm, request.hashed, varianceScale).variance : fallback);
  const vw = wordVariance(cheapArm, w.variance);
  if (o.mode === 'share') {
    let state = shareThreshold.get(arms);
    if (state === undefined) shareThreshold.set(arms, (state = { tau: 0 }));
    const target = costWeight;
    const lw = w.logit + bonus * Math.sqrt(vw) + (o.draw === false ? 0 : Math.sqrt(w.variance) * gaussian(random));
    const ls = s.logit + (o.draw === false ? 0 : Math.sqrt(s.variance) * gaussian(random));
    const gap = 1 / (1 + Math.exp(-ls)) - 1 / (1 + Math.exp(-lw));
    const strongFirst = gap > state.tau;
    const step = o.step ?? 0.002;
    state.tau += strongFirst ? step * (1 - target) : -step * target;
    return strongFirst ? [strong.modelId, cheap.modelId] : [cheap.modelId, strong.modelId];
  }
  if (o.mode === 'widen') {
    beliefs.set(cheap.modelId, betaFrom(cheap.modelId, w.logit, w.variance * bonus, cheapArm.observations));
    return undefined;
  }
  if (o.mode === 'shift' || o.mode === 'ucb') {
    const logit = w.logit + bonus * Math.sqrt(vw);
    beliefs.set(cheap.modelId, betaFrom(cheap.modelId, logit, o.mode === 'ucb' ? 1e-8 : w.variance, cheapArm.observations));
    return undefined;
  }
  const vs = wordVariance(arms.get(strong.modelId)!, s.variance);
  // Utilities in probability units, Gaussian by the delta method.
  const uw = w.p - costWeight * cheap.expectedCostUsd;
  const us = s.p - costWeight * strong.expectedCostUsd;
  const sdw = w.p * (1 - w.p) * Math.sqrt(w.variance);
  const sds = s.p * (1 - s.p) * Math.sqrt(s.variance);
  const sd = Math.sqrt(sdw * sdw + sds * sds);
  const d = us - uw;
  const z = d / Math.max(1e-12, sd);
  const best = uw + d * normalCdf(z) + sd * Math.exp(-(z * z) / 2) / Math.sqrt(2 * Math.PI);
  const regretW = Math.max(0, best - uw);
  const regretS = Math.max(0, best - us);
  const gainW = 0.5 * Math.log(1 + bonus * w.p * (1 - w.p) * vw);
  const gainS = 0.5 * Math.log(1 + bonus * s.p * (1 - s.p) * vs);
  let q: number;
  if (o.mode === 'idsdet') q = regretW * regretW * gainS < regretS * regretS * gainW ? 1 : 0;
  else q = idsShare(regretS, regretW, gainS, gainW);
  const cheapFirst = q >= 1 || (q > 0 && random() < q);
  return cheapFirst ? [cheap.modelId, strong.modelId] : [strong.modelId, cheap.modelId];
}

/** The share q of the cheap model minimising (q rw + (1 - q) rs)^2 / (q gw + (1 - q) gs). */
export function idsShare(rs: number, rw: number, gs: number, gw: number): number {
  const ratio = (q: number) => {
    const r = q * rw + (1 - q) * rs;
    const g = q * gw + (1 - q) * gs;
    return g <= 0 ? (r <= 0 ? 0 : Infinity) : (r * r) / g;
  };
  let best = 0;
  let bestRatio = ratio(0);
  const candidates = [1];
  const b = rw - rs;
  const dg = gw - gs;
  if (b !== 0 && dg !== 0) candidates.push(rs / b - (2 * gs) / dg);
  for (const q0 of candidates) {
    const q = Math.min(1, Math.max(0, q0));
    const r = ratio(q);
    if (r < bestRatio) {
      best = q;
      bestRatio = r;
    }
  }
  return best;
}

function toMap(arms: ArmState[]): Map<string, ArmState> {
  return new Map(arms.map((a) => [a.modelId, a]));
}

/** A change detector's CUSUM statistic per (context, model), read and replaced on each of the model's scores there. */
class DetectorStatistics {
  private readonly byKey = new Map<string, number>();
  step<R extends { statistic: number }>(contextKey: string, modelId: string, run: (statistic: number) => R): R {
    const key = `${contextKey}\u0000${modelId}`;
    const r = run(this.byKey.get(key) ?? 0);
    this.byKey.set(key, r.statistic);
    return r;
  }
}
