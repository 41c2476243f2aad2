import { seededRandom } from '../../libs/core/src';
import { hashedPromptFeatures, type Candidate } from '../../libs/router/src';
import { WordLearnerRouter, type RouteRequest } from './routers';

describe('WordLearnerRouter (the gateway\'s hashed_words learner in the benches)', () => {
  const hashed = hashedPromptFeatures({ model: 'r', messages: [{ role: 'user', content: 'What is the capital of France?' }] });
  const candidates = (): Candidate[] => [
    { modelId: 'cheap', expectedCostUsd: 0.0001, eligible: true, priorQuality: 0.4 },
    { modelId: 'strong', expectedCostUsd: 0.01, eligible: true, priorQuality: 0.8 },
  ];
  const request = (): RouteRequest => ({ contextKey: 'general', vector: new Float64Array(0), hashed, candidates: candidates() });

  it('starts from the price prior (the strong model while nothing is known), then moves to the cheap model that clears the floor', () => {
    const router = new WordLearnerRouter('words', { qualityFloor: 0.6, priorSuccesses: 1, priorFailures: 1, maxUntriedShare: 0.5 }, seededRandom(3), 0.9999);
    const first = Array.from({ length: 20 }, () => router.choose(request()).ranked[0]);
    expect(first.filter((m) => m === 'strong').length).toBeGreaterThan(10);
    const picks: string[] = [];
    for (let i = 0; i < 1500; i++) {
      const chosen = router.choose(request()).ranked[0];
      picks.push(chosen);
      router.observe('general', new Float64Array(0), { modelId: chosen, reward: 1, costUsd: 0, completionTokens: 0 }, hashed);
    }
    expect(picks.slice(-300).filter((m) => m === 'cheap').length).toBeGreaterThan(240);
  });
});
