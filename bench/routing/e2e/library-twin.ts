import type { ModelSpec, RouteSpec } from '../../../libs/config/src';
import type { ChatRequest, Random } from '../../../libs/core/src';
import {
  applyLogisticObservation,
  scoreAgainstContext,
  applyObservation,
  emptyWordArm,
  fadeLogisticArm,
  extractPromptContext,
  guardAgainstDrop,
  type ArmState,
  type LogisticArmState,
  type Observation,
} from '../../../libs/router/src';
import { estimatePromptTokens } from '../../../apps/gateway/src/routing/estimate-tokens';
import { planRoute } from '../../../apps/gateway/src/routing/plan-route';
import { ServedAnswerSize } from '../../../apps/gateway/src/routing/served-answer-size';
import { costOf, STRONG, type ReplayItem } from '../routellm-data';
import type { ServedOutcome } from './run-metrics';

export interface TwinServed extends ServedOutcome {
  modelId: string;
  contextKey: string;
  /** The decision's reason (exploit, explore, ...), as the gateway's x-router-reason header gives it. */
  reason: string;
}

/**
 * The gateway's loop without the wire: for each prompt in order, the gateway's own `planRoute` (the
 * same route and model specs, loaded from the same YAML) decides on the learned arms, and the score is
 * folded in the way the worker's `ArmStatsRepository.recordScores` does it (drop guard, then
 * `applyObservation` with the route's discount, at the route level and the prompt's context level).
 * `lagRequests` > 0 delays learning: a score becomes visible only after that many later decisions,
 * as it would behind the gateway's queue, worker and stats refresh. `refreshEvery` > 1 makes the
 * delay bursty, as the gateway's is: scores the worker has recorded become visible together, at every
 * `refreshEvery`-th decision (the gateway reads the statistics once per poll period, so a period's
 * requests all decide on the same state); 1 = a fixed lag.
 */
export function replayLikeTheGateway(
  items: readonly ReplayItem[],
  route: RouteSpec,
  models: ReadonlyMap<string, ModelSpec>,
  random: Random,
  lagRequests = 0,
  refreshEvery = 1,
): TwinServed[] {
  const learned = new LearnedArms(route.discount);
  type Score = { contextKey: string; obs: Observation; features?: Int32Array; offset?: number; priorQuality?: number };
  /** Answered, not yet scored by the worker. */
  const pending: Score[] = [];
  /** Scored, not yet read by the (next) refresh. */
  const recorded: Score[] = [];
  const served: TwinServed[] = [];
  // As the gateway's RouteSignals: the answer size it has served, used before any score is read.
  const size = new ServedAnswerSize();
  const observations = { expectedTtftMs: () => undefined, spentTodayByTier: () => 0, dayElapsedFraction: () => 0, servedCompletionTokens: () => size.mean() };
  for (let i = 0; i < items.length; i++) {
    while (pending.length > lagRequests) recorded.push(pending.shift()!);
    if (i % refreshEvery === 0) {
      for (const next of recorded) learned.record(next.contextKey, next.obs, next.features && { features: next.features, offset: next.offset, priorQuality: next.priorQuality });
      recorded.length = 0;
    }
    const item = items[i];
    const request: ChatRequest = { ...item.request, model: route.name };
    const context = extractPromptContext(request, {});
    const plan = planRoute({
      route,
      models,
      request,
      promptTokens: estimatePromptTokens(request),
      arms: learned.armsFor(''),
      contextKey: context.contextKey,
      contextArms: learned.armsFor(context.contextKey),
      ...(route.learner === 'hashed_words' ? { wordArms: learned.wordArmsFor(route.candidates, route.priorQuality) } : {}),
      spentTodayUsd: 0,
      random,
      observations,
    });
    const modelId = plan.decision.modelId;
    const reward = item.reward[modelId];
    const costUsd = costOf(item, modelId);
    pending.push({
      contextKey: context.contextKey,
      obs: { modelId, reward, costUsd, completionTokens: item.outputTokens[modelId] },
      features: plan.features,
      offset: plan.wordOffsetLogits?.[route.candidates.indexOf(modelId)],
      priorQuality: route.priorQuality?.[modelId],
    });
    size.observe(item.outputTokens[modelId]);
    served.push({ modelId, contextKey: context.contextKey, reason: plan.decision.reason, reward, strong: modelId === STRONG, costUsd, strongCostUsd: costOf(item, STRONG) });
  }
  return served;
}

/**
 * One route's arms per context key ('' = the route level) and their drop statistics, and for a
 * `learner: hashed_words` route its word model per model, as the worker keeps them.
 */
export class LearnedArms {
  private readonly arms = new Map<string, ArmState[]>();
  private readonly drift = new Map<string, number>();
  /** Trained word models only, as the worker stores them; untrained ones are handed out from `untrained`. */
  private readonly words = new Map<string, LogisticArmState>();
  private readonly untrained = new Map<string, LogisticArmState>();

  constructor(private readonly discount: number) {}

  armsFor(contextKey: string): ReadonlyMap<string, ArmState> {
    return new Map((this.arms.get(contextKey) ?? []).map((a) => [a.modelId, a]));
  }

  wordArmsFor(candidates: readonly string[], priors?: Readonly<Record<string, number>>): LogisticArmState[] {
    return candidates.map((id) => {
      const arm = this.words.get(id) ?? this.untrained.get(id);
      if (arm) return arm;
      const fresh = emptyWordArm(id, priors?.[id]);
      this.untrained.set(id, fresh);
      return fresh;
    });
  }

  /**
   * One score, as the worker applies it. `words` for a word route: the prompt's features, the served
   * model's context belief (logit) at decision time as the score job carries it (`offset`; it moves
   * only the odds), and the model's prior quality for a model without a word model yet.
   */
  record(contextKey: string, obs: Observation, words?: { features: Int32Array; offset?: number; priorQuality?: number }): void {
    if (words) {
      const { features, offset, priorQuality } = words;
      for (const [modelId, other] of this.words) if (modelId !== obs.modelId) fadeLogisticArm(other, features, this.discount);
      const arm = this.words.get(obs.modelId) ?? emptyWordArm(obs.modelId, priorQuality);
      if (offset !== undefined) scoreAgainstContext(arm, features, obs.reward, offset, this.discount);
      this.words.set(obs.modelId, applyLogisticObservation(arm, features, obs.reward, this.discount));
    }
    for (const key of new Set(['', contextKey])) {
      const driftKey = `${key}\u0000${obs.modelId}`;
      const guarded = guardAgainstDrop(this.arms.get(key) ?? [], obs.modelId, obs.reward, this.drift.get(driftKey) ?? 0);
      this.drift.set(driftKey, guarded.statistic);
      this.arms.set(key, applyObservation(guarded.arms, obs, this.discount));
    }
  }
}
