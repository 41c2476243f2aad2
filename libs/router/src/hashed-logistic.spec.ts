import { seededRandom } from '../../core/src';
import { hashedTextFeatures } from './context/hashed-features';
import { applyLogisticObservation, emptyLogisticArm, logisticArmsAsBeta, logisticBelief, parseLogisticArm, serializeLogisticArm } from './hashed-logistic';
import { decide, type Candidate } from './thompson-policy';

const LAW = ['The plaintiff sued the defendant for breach of contract', 'Under the statute the court held the tenant liable'];
const GEO = ['What is the capital city of France', 'Which river flows through the capital of Egypt'];

describe('hashed logistic regression', () => {
  it('learns which prompts a model fails on, from its own outcomes only', () => {
    const random = seededRandom(3);
    const arm = emptyLogisticArm('cheap', { bits: 10 });
    const law = LAW.map((t) => hashedTextFeatures(t, { bits: 10 }));
    const geo = GEO.map((t) => hashedTextFeatures(t, { bits: 10 }));
    for (let i = 0; i < 2000; i++) {
      const isLaw = random() < 0.5;
      const f = (isLaw ? law : geo)[i % 2];
      applyLogisticObservation(arm, f, random() < (isLaw ? 0.3 : 0.9) ? 1 : 0);
    }
    const sigmoid = (z: number) => 1 / (1 + Math.exp(-z));
    expect(sigmoid(logisticBelief(arm, law[0]).logit)).toBeLessThan(0.45);
    expect(sigmoid(logisticBelief(arm, geo[1]).logit)).toBeGreaterThan(0.8);
    const unseen = hashedTextFeatures('Describe the courtship of albatrosses', { bits: 10 });
    expect(logisticBelief(arm, unseen).variance).toBeGreaterThan(logisticBelief(arm, geo[1]).variance);
    expect(arm.observations).toBe(2000);
  });

  it('routes by prompt once learned: the cheap model where it succeeds, the strong one elsewhere', () => {
    const random = seededRandom(7);
    const arms = new Map([
      ['cheap', emptyLogisticArm('cheap', { bits: 10, priorPrecision: 1 })],
      ['strong', emptyLogisticArm('strong', { bits: 10, priorPrecision: 1 })],
    ]);
    const truth: Record<string, [number, number]> = { law: [0.3, 0.9], geo: [0.9, 0.92] };
    const candidates: Candidate[] = [
      { modelId: 'cheap', expectedCostUsd: 0.0001, eligible: true },
      { modelId: 'strong', expectedCostUsd: 0.002, eligible: true },
    ];
    const policy = { qualityFloor: 0, relativeFloor: 0.9, priorSuccesses: 1e-3, priorFailures: 1e-3 };
    const late: Record<string, string[]> = { law: [], geo: [] };
    for (let i = 0; i < 3000; i++) {
      const kind = random() < 0.5 ? 'law' : 'geo';
      const f = hashedTextFeatures((kind === 'law' ? LAW : GEO)[i % 2], { bits: 10 });
      const d = decide(candidates, logisticArmsAsBeta(arms.values(), f), policy, random);
      const p = truth[kind][d.modelId === 'cheap' ? 0 : 1];
      const arm = arms.get(d.modelId);
      if (arm) applyLogisticObservation(arm, f, random() < p ? 1 : 0);
      if (i >= 2000) late[kind].push(d.modelId);
    }
    const share = (xs: string[], m: string) => xs.filter((x) => x === m).length / xs.length;
    expect(share(late.law, 'strong')).toBeGreaterThan(0.8);
    expect(share(late.geo, 'cheap')).toBeGreaterThan(0.8);
  });

  it('forgets touched weights towards the prior with a discount', () => {
    const f = hashedTextFeatures('capital city of France', { bits: 8 });
    const kept = emptyLogisticArm('a', { bits: 8 });
    const fading = emptyLogisticArm('b', { bits: 8 });
    for (let i = 0; i < 500; i++) {
      applyLogisticObservation(kept, f, 1);
      applyLogisticObservation(fading, f, 1, 0.99);
    }
    expect(logisticBelief(fading, f).variance).toBeGreaterThan(logisticBelief(kept, f).variance);
  });

  it('round-trips through its serialised form (float32 precision)', () => {
    const arm = emptyLogisticArm('m', { bits: 6, priorPrecision: 3, priorQuality: 0.7 });
    applyLogisticObservation(arm, hashedTextFeatures('some words here', { bits: 6 }), 1);
    const back = parseLogisticArm(JSON.parse(JSON.stringify(serializeLogisticArm(arm))));
    expect(back.bits).toBe(6);
    expect(back.priorPrecision).toBe(3);
    expect(back.observations).toBe(1);
    for (let i = 0; i < 64; i++) {
      expect(back.mean[i]).toBeCloseTo(arm.mean[i], 5);
      expect(back.precision[i]).toBeCloseTo(arm.precision[i], 4);
    }
    expect(() => parseLogisticArm({ ...serializeLogisticArm(arm), bits: 7 })).toThrow();
  });
});
