import type { ModelSpec, RouteSpec } from '../../../../libs/config/src';
import { seededRandom, type ChatRequest, type Random } from '../../../../libs/core/src';
import {
  applyLogisticObservation,
  emptyWordArm,
  hashedPromptFeatures,
  logisticArmsAsBeta,
  logisticArmsAsBetaList,
  WORD_MODEL,
  type ArmState,
  type LogisticArmState,
} from '../../../../libs/router/src';
import { featureScale } from '../../../../libs/router/src/context/hashed-features';
import { rankOrder, type Rankable } from '../../../../libs/router/src/ranking';
import { planRoute } from './plan-route';

/**
 * The word learner's decision path was made faster (no Map of beliefs per request, one pass per arm,
 * an insertion sort in `rankOrder`) without changing a decision or a random draw. These are the
 * straightforward implementations it replaced, compared with the fast ones on random cases:
 *   1. `rankOrder` against the two comparator sorts it replaced;
 *   2. `logisticArmsAsBeta` / `logisticArmsAsBetaList` against the previous per-arm `logisticBelief`
 *      loop, number for number (Object.is);
 *   3. `planRoute` on word arms in candidate order (the indexed path) against the same arms in another
 *      order (the Map path), decision for decision and the random source's next value.
 */

function referenceRankOrder(beliefs: readonly Rankable[], idx: readonly number[], quality: readonly number[], floor: number, relative: number, cheapestFirst: boolean, costWeight?: number): number[] {
  let best = 0;
  for (const i of idx) if (quality[i] > best) best = quality[i];
  const threshold = Math.max(floor, relative * best);
  const clear: number[] = [];
  const rest: number[] = [];
  for (const i of idx) {
    if (quality[i] >= threshold) clear.push(i);
    else rest.push(i);
  }
  clear.sort((x, y) => {
    const cx = beliefs[x].expectedCostUsd;
    const cy = beliefs[y].expectedCostUsd;
    if (costWeight === undefined) return cx - cy || quality[y] - quality[x];
    return quality[y] - costWeight * cy - (quality[x] - costWeight * cx) || cx - cy;
  });
  rest.sort((x, y) => {
    const cx = beliefs[x].expectedCostUsd;
    const cy = beliefs[y].expectedCostUsd;
    if (cheapestFirst) return cx - cy || quality[y] - quality[x];
    return quality[y] - quality[x] || cx - cy;
  });
  for (const i of rest) clear.push(i);
  return clear;
}

function referenceArmsAsBeta(arms: Iterable<LogisticArmState>, features: ArrayLike<number>, varianceScale: number): Map<string, ArmState> {
  const out = new Map<string, ArmState>();
  for (const arm of arms) {
    const x = featureScale(features);
    const prior = arm.priorPrecision;
    let logit = 0;
    let variance = 0;
    for (let i = 0; i < features.length; i++) {
      const k = features[i];
      logit += arm.weights[2 * k] * x;
      variance += (x * x) / (varianceScale === 1 ? arm.weights[2 * k + 1] : prior + (arm.weights[2 * k + 1] - prior) / varianceScale);
    }
    const p = Math.min(0.9999, Math.max(0.0001, 1 / (1 + Math.exp(-logit))));
    const strength = 1 / Math.max(1e-9, variance * p * (1 - p));
    out.set(arm.modelId, { modelId: arm.modelId, successes: p * strength, failures: (1 - p) * strength, completionTokens: 0, costUsd: 0, observations: arm.observations });
  }
  return out;
}

const WORDS = 'the a python function parse date weekday what is show your steps translate into french meeting moved thursday extract invoice number total hi how are you explain why sky blue code sql query essay poem summarize json compare prove theorem café 東京'.split(' ');

function randomRequest(random: Random): ChatRequest {
  const text = (k: number) => Array.from({ length: k }, () => WORDS[Math.floor(random() * WORDS.length)]).join(' ');
  const messages: ChatRequest['messages'] = [];
  if (random() < 0.3) messages.push({ role: 'system', content: text(5 + Math.floor(random() * 20)) });
  const turns = 1 + Math.floor(random() * 3);
  for (let t = 0; t < turns; t++) {
    messages.push({ role: 'user', content: text(1 + Math.floor(random() * 40)) });
    if (t < turns - 1) messages.push({ role: 'assistant', content: 'Sure.' });
  }
  return { model: 'r', messages, ...(random() < 0.15 ? { response_format: { type: 'json_object' as const } } : {}), ...(random() < 0.1 ? { max_tokens: 50 + Math.floor(random() * 500) } : {}) };
}

function trainedArm(id: string, random: Random): LogisticArmState {
  const arm = emptyWordArm(id, random() < 0.2 ? undefined : 0.3 + 0.69 * random());
  const scored = random() < 0.2 ? 0 : Math.floor(random() * 25);
  const skill = random();
  const discount = [1, 0.999, 0.99][Math.floor(random() * 3)];
  for (let i = 0; i < scored; i++) applyLogisticObservation(arm, hashedPromptFeatures(randomRequest(random), { bits: WORD_MODEL.bits }), random() < skill ? 1 : random(), discount);
  return arm;
}

describe('word learner decision: the fast path decides as the straightforward one', () => {
  it('rankOrder orders as the comparator sorts did, ties and infinities included', () => {
    const random = seededRandom(11);
    for (let c = 0; c < 3000; c++) {
      const n = 1 + Math.floor(random() * 48);
      // Few distinct costs and qualities, so ties are common.
      const costs = [0, 1e-6, 2e-6, 0.01, 0.5, random(), Infinity];
      const beliefs = Array.from({ length: n }, (_, i) => ({ modelId: `m${i}`, expectedCostUsd: random() < 0.5 ? costs[Math.floor(random() * costs.length)] : random() * 0.01 }));
      const quality = Array.from({ length: n }, () => (random() < 0.3 ? [0, 0.5, 0.8, 1][Math.floor(random() * 4)] : random()));
      const idx = Array.from({ length: n }, (_, i) => i).filter(() => random() < 0.85);
      if (idx.length === 0) idx.push(0);
      if (random() < 0.5) idx.sort(() => random() - 0.5);
      const floor = random();
      const relative = random() < 0.5 ? 0 : 0.8 + 0.2 * random();
      const cheapestFirst = random() < 0.3;
      const costWeight = [undefined, 0, 0.5, 200][Math.floor(random() * 4)];
      expect(rankOrder(beliefs, idx, quality, floor, relative, cheapestFirst, costWeight)).toEqual(referenceRankOrder(beliefs, idx, quality, floor, relative, cheapestFirst, costWeight));
    }
  });

  it('rankOrder orders long ranges (its binary search) as the comparator sorts did', () => {
    const random = seededRandom(14);
    for (let c = 0; c < 200; c++) {
      const n = 90 + Math.floor(random() * 150);
      const costs = [0, 1e-6, 0.01, Infinity];
      const beliefs = Array.from({ length: n }, (_, i) => ({ modelId: `m${i}`, expectedCostUsd: random() < 0.3 ? costs[Math.floor(random() * costs.length)] : random() * 0.01 }));
      const quality = Array.from({ length: n }, () => (random() < 0.3 ? [0, 0.5, 0.8, 1][Math.floor(random() * 4)] : random()));
      const idx = Array.from({ length: n }, (_, i) => i).filter(() => random() < 0.9);
      const floor = random();
      const cheapestFirst = random() < 0.3;
      const costWeight = [undefined, 0.5, 200][Math.floor(random() * 3)];
      expect(rankOrder(beliefs, idx, quality, floor, 0, cheapestFirst, costWeight)).toEqual(referenceRankOrder(beliefs, idx, quality, floor, 0, cheapestFirst, costWeight));
    }
  });

  it('word beliefs as Beta evidence, Map and list, are the previous numbers bit for bit', () => {
    const random = seededRandom(12);
    let compared = 0;
    for (let c = 0; c < 40; c++) {
      const arms = Array.from({ length: 1 + Math.floor(random() * 12) }, (_, i) => trainedArm(`m${i}`, random));
      for (let r = 0; r < 10; r++) {
        const features = hashedPromptFeatures(randomRequest(random), { bits: WORD_MODEL.bits });
        for (const scale of [1, WORD_MODEL.varianceScale]) {
          const expected = referenceArmsAsBeta(arms, features, scale);
          const map = logisticArmsAsBeta(arms, features, scale);
          const list = logisticArmsAsBetaList(arms, features, scale);
          expect([...map.keys()]).toEqual([...expected.keys()]);
          arms.forEach((arm, i) => {
            const want = expected.get(arm.modelId)!;
            for (const got of [map.get(arm.modelId)!, list[i]]) {
              expect(Object.is(got.successes, want.successes) && Object.is(got.failures, want.failures)).toBe(true);
              expect(got).toEqual(want);
            }
            compared++;
          });
        }
      }
    }
    expect(compared).toBeGreaterThan(5_000);
  });

  it('planRoute: word arms in candidate order (indexed) and in another order (Map) give the same decisions and draws', () => {
    const random = seededRandom(13);
    const ids = Array.from({ length: 48 }, (_, i) => `m${i}`);
    const models = new Map<string, ModelSpec>(
      ids.map((id, i) => {
        const price = 0.1 * Math.pow(100, i / 47);
        return [id, { id, providerId: 'p', upstream: id, inputPer1M: price, outputPer1M: 3 * price, contextWindow: 128_000, timeouts: {} }];
      }),
    );
    const pick = <T>(values: readonly T[]): T => values[Math.floor(random() * values.length)];
    const reasons = new Map<string, number>();
    for (let c = 0; c < 120; c++) {
      const n = 1 + Math.floor(random() * 48);
      const candidates = ids.slice().sort(() => random() - 0.5).slice(0, n);
      const route: RouteSpec = {
        name: 'r',
        candidates,
        discount: 0.99,
        validators: [],
        implicit: false,
        learner: 'hashed_words',
        qualityFloor: pick([0.5, 0.7, 0.8, 0.9, 0.95]),
        ...(random() < 0.7 ? { costWeight: pick([0.5, 5, 200]) } : {}),
        ...(random() < 0.4 ? { relativeFloor: pick([0.9, 0.95]) } : {}),
        ...(random() < 0.7 ? { floorConfidence: pick([0.8, 0.9]) } : {}),
        ...(random() < 0.6 ? { maxUntriedShare: pick([0.1, 0.3]) } : {}),
        ...(random() < 0.3 ? { maxTtftMs: 800 } : {}),
      };
      const arms = new Map<string, ArmState>();
      for (const id of candidates) {
        if (random() < 0.15) continue;
        const k = random() < 0.1 ? 0 : Math.floor(random() * 400);
        const q = 0.3 + 0.7 * random();
        arms.set(id, { modelId: id, successes: q * k, failures: (1 - q) * k, completionTokens: 200 * k, costUsd: 0.001 * k, observations: k });
      }
      const wordArms = candidates.map((id) => trainedArm(id, random));
      const reordered = wordArms.slice().reverse();
      const ttft = new Map(candidates.map((id) => [id, random() < 0.5 ? 300 + 1000 * random() : undefined]));
      const excluded = new Map(candidates.filter(() => random() < 0.1).map((id) => [id, pick(['circuit_open', 'schema_failures'])]));
      const request = randomRequest(random);
      const budgetPressure = pick([0, 0, 0.3, 0.7, 1]);
      const seed = Math.floor(random() * 1e9);
      const run = (given: LogisticArmState[]) => {
        const source = seededRandom(seed);
        const plan = planRoute({
          route,
          models,
          request,
          promptTokens: 100,
          arms,
          wordArms: given,
          spentTodayUsd: 0,
          random: source,
          budgetPressure,
          exclude: (m) => excluded.get(m.id),
          observations: { expectedTtftMs: (id) => ttft.get(id), spentTodayByTier: () => 0, dayElapsedFraction: () => 0.5 },
        });
        return { decision: plan.decision, models: plan.models.map((m) => m.id), features: Array.from(plan.features ?? []), next: source() };
      };
      const indexed = run(wordArms);
      expect(indexed).toEqual(run(reordered));
      reasons.set(indexed.decision.reason, (reasons.get(indexed.decision.reason) ?? 0) + 1);
    }
    // The cases reach every kind of decision.
    expect([...reasons.keys()].sort()).toEqual(['constraint', 'exploit', 'explore', 'only_candidate']);
  });
});
