import { seededRandom, type Random } from '../../core/src';
import type { ArmState } from './arm-state';
import { featureScale, hashedTextFeatures } from './context/hashed-features';
import {
  applyLogisticObservation,
  emptyLogisticArm,
  logisticArmsAsBeta,
  logisticArmsAsBetaInto,
  logisticArmsAsBetaList,
  pooledContextBelief,
  pooledContextBeliefs,
  pooledContextBeliefsByIndexInto,
  WORDS_LOG_ODDS_BOUND,
  type LogisticArmState,
  type LogitBelief,
} from './hashed-logistic';

/**
 * Round 10b (docs/benchmarks.md) computes the word learner's beliefs into columns (no object per model),
 * divides by a power-of-two variance scale as a multiplication, and takes the words' weight at even odds
 * and at the bounds from constants. These are the previous implementations (round 9), compared number
 * for number (Object.is) with the columns and with the object versions on random arms.
 */
function previousArmAsBeta(arm: LogisticArmState, features: ArrayLike<number>, varianceScale: number, offset?: LogitBelief): { successes: number; failures: number } {
  const x = featureScale(features);
  const xx = x * x;
  const prior = arm.priorPrecision;
  let logit = 0;
  let variance = 0;
  for (let i = 0; i < features.length; i++) {
    const k = features[i];
    logit += arm.weights[2 * k] * x;
    variance += varianceScale === 1 ? xx / arm.weights[2 * k + 1] : xx / (prior + (arm.weights[2 * k + 1] - prior) / varianceScale);
  }
  if (offset !== undefined) {
    const w = 1 / (1 + Math.exp(-(arm.wordsLogOdds ?? 0)));
    const gap = logit - offset.logit;
    variance = w * variance + (1 - w) * offset.variance + w * (1 - w) * gap * gap;
    logit = w * logit + (1 - w) * offset.logit;
  }
  const p = Math.min(0.9999, Math.max(0.0001, 1 / (1 + Math.exp(-logit))));
  const strength = 1 / Math.max(1e-9, variance * p * (1 - p));
  return { successes: p * strength, failures: (1 - p) * strength };
}

function previousPooledBelief(routeArm: ArmState | undefined, contextArm: ArmState | undefined, priorQuality: number | undefined, strengthCap: number): LogitBelief {
  const w = 4;
  const q = priorQuality ?? 0.5;
  let a = q * w + (routeArm?.successes ?? 0);
  let b = (1 - q) * w + (routeArm?.failures ?? 0);
  const strength = Math.min(strengthCap, a + b);
  const mean = a / (a + b);
  a = strength * mean + (contextArm?.successes ?? 0);
  b = strength * (1 - mean) + (contextArm?.failures ?? 0);
  const s = Math.max(1e-6, a);
  const f = Math.max(1e-6, b);
  return { logit: Math.log(s / f), variance: 1 / s + 1 / f };
}

const WORDS = 'law court tenant river capital france modulo plus sum theorem proof poem essay sql query json café 東京 contract'.split(' ');
const text = (random: Random) => Array.from({ length: 1 + Math.floor(random() * 30) }, () => WORDS[Math.floor(random() * WORDS.length)]).join(' ');

function randomArm(id: string, random: Random): LogisticArmState {
  const arm = emptyLogisticArm(id, { bits: 10, priorPrecision: [1, 2][Math.floor(random() * 2)], ...(random() < 0.8 ? { priorQuality: random() } : {}) });
  const scored = Math.floor(random() * 30);
  for (let i = 0; i < scored; i++) applyLogisticObservation(arm, hashedTextFeatures(text(random), { bits: 10 }), random() < 0.6 ? 1 : random(), [1, 0.99][Math.floor(random() * 2)]);
  const odds = random();
  if (odds < 0.6) arm.wordsLogOdds = odds < 0.1 ? 0 : odds < 0.2 ? WORDS_LOG_ODDS_BOUND : odds < 0.3 ? -WORDS_LOG_ODDS_BOUND : odds < 0.35 ? -0 : 16 * random() - 8;
  return arm;
}

describe('word beliefs in columns', () => {
  it('are the previous numbers bit for bit, with and without context beliefs, at every variance scale', () => {
    const random = seededRandom(21);
    let compared = 0;
    for (let c = 0; c < 60; c++) {
      const arms = Array.from({ length: 1 + Math.floor(random() * 20) }, (_, i) => randomArm(`m${i}`, random));
      const offsets = arms.map(() => ({ logit: 6 * random() - 3, variance: random() < 0.1 ? 0 : 2 * random() }));
      const features = hashedTextFeatures(text(random), { bits: 10 });
      for (const scale of [1, 0.25, 0.5, 2, 0.3, 1 / 3]) {
        for (const withOffsets of [false, true]) {
          const successes = new Float64Array(arms.length);
          const failures = new Float64Array(arms.length);
          const logits = withOffsets ? offsets.map((o) => o.logit) : undefined;
          const variances = withOffsets ? offsets.map((o) => o.variance) : undefined;
          logisticArmsAsBetaInto(arms, features, scale, logits, variances, successes, failures);
          const list = logisticArmsAsBetaList(arms, features, scale, withOffsets ? offsets : undefined);
          const map = logisticArmsAsBeta(arms, features, scale, withOffsets ? new Map(arms.map((a, i) => [a.modelId, offsets[i]])) : undefined);
          arms.forEach((arm, i) => {
            const want = previousArmAsBeta(arm, features, scale, withOffsets ? offsets[i] : undefined);
            for (const got of [{ successes: successes[i], failures: failures[i] }, list[i], map.get(arm.modelId)!]) {
              expect(Object.is(got.successes, want.successes) && Object.is(got.failures, want.failures)).toBe(true);
            }
            compared++;
          });
        }
      }
    }
    expect(compared).toBeGreaterThan(5_000);
  });

  it('context beliefs: the columns, the list and the single belief are the previous numbers', () => {
    const random = seededRandom(22);
    const arm = (id: string) => {
      const k = random() < 0.1 ? 0 : 400 * random();
      const q = random();
      return { modelId: id, successes: q * k, failures: (1 - q) * k, completionTokens: 0, costUsd: 0, observations: Math.floor(k) };
    };
    for (let c = 0; c < 300; c++) {
      const ids = Array.from({ length: 1 + Math.floor(random() * 30) }, (_, i) => `m${i}`);
      const routeArms = new Map(ids.filter(() => random() < 0.8).map((id) => [id, arm(id)]));
      const contextArms = random() < 0.8 ? new Map(ids.filter(() => random() < 0.6).map((id) => [id, arm(id)])) : undefined;
      const priors = random() < 0.6 ? Object.fromEntries(ids.filter(() => random() < 0.7).map((id) => [id, random()])) : undefined;
      const cap = [2, 8, 20][Math.floor(random() * 3)];
      const logits = new Float64Array(ids.length);
      const variances = new Float64Array(ids.length);
      pooledContextBeliefsByIndexInto(ids, ids.map((id) => routeArms.get(id)), contextArms, ids.map((id) => priors?.[id]), { contextPriorStrength: cap }, logits, variances);
      const list = pooledContextBeliefs(ids, routeArms, contextArms, priors, { contextPriorStrength: cap });
      ids.forEach((id, i) => {
        const want = previousPooledBelief(routeArms.get(id), contextArms?.get(id), priors?.[id], cap);
        const single = pooledContextBelief(routeArms.get(id), contextArms?.get(id), priors?.[id], { contextPriorStrength: cap });
        for (const got of [{ logit: logits[i], variance: variances[i] }, list[i], single]) {
          expect(Object.is(got.logit, want.logit) && Object.is(got.variance, want.variance)).toBe(true);
        }
      });
    }
  });
});
