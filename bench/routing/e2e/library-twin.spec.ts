import type { ModelSpec, RouteSpec } from '../../../libs/config/src';
import { seededRandom } from '../../../libs/core/src';
import { applyObservation } from '../../../libs/router/src';
import { STRONG, WEAK, type ReplayItem } from '../routellm-data';
import { LearnedArms, replayLikeTheGateway } from './library-twin';

const model = (id: string, input: number, output: number): ModelSpec => ({ id, providerId: 'p', upstream: id, inputPer1M: input, outputPer1M: output, contextWindow: 128000, timeouts: {} });
const models = new Map([
  [STRONG, model(STRONG, 10, 30)],
  [WEAK, model(WEAK, 0.6, 0.6)],
]);
const route: RouteSpec = { name: 'mmlu', candidates: [WEAK, STRONG], qualityFloor: 0.7, discount: 1, validators: [], implicit: false };
const items = (n: number, strongReward: number, weakReward: number): ReplayItem[] =>
  Array.from({ length: n }, (_, i) => ({
    request: { model: 'router', messages: [{ role: 'user', content: `What is ${i} plus ${i}? Answer with a number.` }] },
    promptTokens: 12,
    reward: { [STRONG]: strongReward, [WEAK]: weakReward },
    outputTokens: { [STRONG]: 3, [WEAK]: 3 },
  }));

describe('replayLikeTheGateway', () => {
  it('learns to send traffic to the model that clears the floor', () => {
    const served = replayLikeTheGateway(items(400, 1, 0), route, models, seededRandom(1));
    expect(served.slice(300).filter((s) => s.strong).length).toBeGreaterThan(95);
    expect(served.every((s) => s.reward === (s.strong ? 1 : 0))).toBe(true);
  });

  it('learns nothing while every score is still late', () => {
    // Both models stay at their prior (mean 0.5, under the floor): the better draw wins, about half each.
    const served = replayLikeTheGateway(items(200, 1, 0), route, models, seededRandom(1), 200);
    expect(served.slice(100).filter((s) => s.strong).length).toBeLessThan(70);
    const learning = replayLikeTheGateway(items(200, 1, 0), route, models, seededRandom(1), 20);
    expect(learning.slice(100).filter((s) => s.strong).length).toBeGreaterThan(90);
  });

  it('with a bursty refresh, decides a whole period on the same state, then sees every score recorded meanwhile', () => {
    // Deterministic: the strong model always right, the weak always wrong, floor 0.7; lag 0.
    const served = replayLikeTheGateway(items(400, 1, 0), route, models, seededRandom(3), 0, 100);
    // The first 100 decisions learn nothing (the state is refreshed at decisions 0, 100, 200, ...): as
    // many weak answers as with every score late; from decision 100 on, the state holds 100 scores.
    const weakFirst = served.slice(0, 100).filter((s) => !s.strong).length;
    const lateOnly = replayLikeTheGateway(items(100, 1, 0), route, models, seededRandom(3), 100);
    expect(weakFirst).toBe(lateOnly.filter((s) => !s.strong).length);
    expect(weakFirst).toBeGreaterThan(25);
    expect(served.slice(100).filter((s) => s.strong).length).toBeGreaterThan(290);
    // refreshEvery 1 is the fixed lag.
    expect(replayLikeTheGateway(items(300, 1, 0), route, models, seededRandom(3), 20, 1)).toEqual(replayLikeTheGateway(items(300, 1, 0), route, models, seededRandom(3), 20));
  });

  it('with learner: hashed_words, learns from the words: the weak model where it answers, the strong one elsewhere', () => {
    // Same context (short math questions), told apart only by a word: the weak model fails "modulo" questions.
    const mixed: ReplayItem[] = items(600, 1, 1).map((item, i) =>
      i % 2 ? { ...item, request: { ...item.request, messages: [{ role: 'user', content: `What is ${i} modulo 7? Answer with a number.` }] }, reward: { [STRONG]: 1, [WEAK]: 0 } } : item,
    );
    const words = { ...route, learner: 'hashed_words' as const, priorQuality: { [WEAK]: 0.5, [STRONG]: 0.8 } };
    const late = replayLikeTheGateway(mixed, words, models, seededRandom(2)).slice(300);
    const share = (odd: number, strong: boolean) => late.filter((s, i) => i % 2 === odd && s.strong === strong).length / 150;
    expect(share(1, true)).toBeGreaterThan(0.85);
    expect(share(0, false)).toBeGreaterThan(0.85);
    // The contexts learner sees one context and serves both alike.
    const contexts = replayLikeTheGateway(mixed, { ...words, learner: 'prompt_contexts' }, models, seededRandom(2)).slice(300);
    expect(contexts.filter((s, i) => i % 2 === 0 && !s.strong).length / 150).toBeLessThan(0.5);
  });

  it('prices each request at the recorded tokens and list prices', () => {
    const [first] = replayLikeTheGateway(items(1, 1, 1), route, models, seededRandom(1));
    expect(first.strongCostUsd).toBeCloseTo((12 * 10 + 3 * 30) / 1e6, 12);
  });
});

describe('LearnedArms', () => {
  it('folds a score into the route level and the context level, as the worker does', () => {
    const arms = new LearnedArms(0.9);
    const a = { modelId: WEAK, reward: 1, costUsd: 0.001, completionTokens: 3 };
    const b = { modelId: STRONG, reward: 0, costUsd: 0.01, completionTokens: 3 };
    arms.record('math|short', a);
    arms.record('general|short', b);
    const expectedRoute = applyObservation(applyObservation([], a, 0.9), b, 0.9);
    expect([...arms.armsFor('').values()]).toEqual(expectedRoute);
    expect([...arms.armsFor('math|short').values()]).toEqual(applyObservation([], a, 0.9));
    expect(arms.armsFor('code|long').size).toBe(0);
  });
});
