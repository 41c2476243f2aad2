import type { ArmState } from './arm-state';
import type { Candidate } from './thompson-policy';

/** Test fixtures shared by the router's specs: an arm with given evidence, a map of arms, two candidates. */
export const arm = (modelId: string, successes: number, failures: number): ArmState => ({
  modelId,
  successes,
  failures,
  completionTokens: 0,
  costUsd: 0,
  observations: Math.round(successes + failures),
});

export const toMap = (arms: ArmState[]) => new Map(arms.map((a) => [a.modelId, a]));

/** A cheap and a strong model, 30x apart in price, both eligible. */
export const cheapAndStrong: Candidate[] = [
  { modelId: 'cheap', expectedCostUsd: 0.0001, eligible: true },
  { modelId: 'strong', expectedCostUsd: 0.003, eligible: true },
];

/** Six short prompts of different tasks: the scale bench's requests (bench/routing/decision-scale.ts) and the prompt-context specs. */
export const SAMPLE_PROMPTS: readonly string[] = [
  'Write a Python function that parses an ISO 8601 date and returns the weekday.',
  'What is 17 * 23 + 4? Show your steps.',
  'Translate into French: the meeting moved to Thursday afternoon.',
  'Extract the invoice number and total from: Invoice #4471, total due $1,240.50 by May 3.',
  'hi! how are you today?',
  'Explain why the sky is blue, in two sentences.',
];

/**
 * Two kinds of prompt in one prompt context, told apart only by their words: the word learner's e2e
 * (test/gateway/word-learner.e2e-spec.ts) and the path-dependence bench (bench/routing/word-path.ts).
 */
export const LAW_PROMPTS: readonly string[] = [
  'The plaintiff sued the defendant for breach of contract; who bears the burden of proof',
  'Under the statute, is the landlord liable to the tenant for the damages',
  'Can the court enforce an oral agreement to sell land under the statute of frauds',
];
export const GEOGRAPHY_PROMPTS: readonly string[] = [
  'What is the capital city of the country north of Spain',
  'Which river flows through the capital of Egypt and into which sea',
  'Name the highest mountain range on the continent of South America',
];
