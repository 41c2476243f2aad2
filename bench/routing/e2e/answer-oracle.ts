import type { ReplayItem } from '../routellm-data';

/**
 * The fake upstream plays each model as RouteLLM recorded it. The dataset keeps only whether each
 * model's MMLU answer was right (not the letter it gave), so the answer carries that verdict and the
 * route's `contains` validator reads it: the reward the worker applies is the recorded correctness.
 */
export const INCORRECT_VERDICT = 'recorded verdict: incorrect';
export const CORRECT_VERDICT = 'recorded verdict: correct';

/** The route validator (router config YAML, flow style) that turns the verdict into the reward. */
export const VERDICT_VALIDATOR_YAML = `{ type: contains, text: "${INCORRECT_VERDICT}", expect: absent }`;

export function oracleAnswer(correct: boolean): string {
  return correct ? CORRECT_VERDICT : INCORRECT_VERDICT;
}

/** Recorded reward per model for one prompt, and the tokens the upstream reports for it. */
export interface RecordedAnswer {
  reward: Record<string, number>;
  promptTokens: number;
  completionTokens: Record<string, number>;
}

export interface AnswerBook {
  /** Prompt text -> what each model was recorded to do on it. */
  byPrompt: Map<string, RecordedAnswer>;
  /** Prompts that occur more than once with different recorded outcomes: left out of the run. */
  ambiguous: Set<string>;
}

/** Indexes the items by prompt text (a user message's content is all the upstream sees). */
export function buildAnswerBook(items: readonly ReplayItem[]): AnswerBook {
  const byPrompt = new Map<string, RecordedAnswer>();
  const ambiguous = new Set<string>();
  for (const item of items) {
    const prompt = promptOf(item);
    const answer: RecordedAnswer = { reward: item.reward, promptTokens: item.promptTokens, completionTokens: item.outputTokens };
    const seen = byPrompt.get(prompt);
    if (seen && !sameOutcome(seen, answer)) ambiguous.add(prompt);
    else if (!seen) byPrompt.set(prompt, answer);
  }
  for (const p of ambiguous) byPrompt.delete(p);
  return { byPrompt, ambiguous };
}

/** The content of the item's single user message. */
export function promptOf(item: ReplayItem): string {
  const content = item.request.messages[item.request.messages.length - 1]?.content;
  if (typeof content !== 'string') throw new Error('replay items carry one plain-text user message');
  return content;
}

/** What the upstream answers `model` for `prompt`; undefined when the book does not know them. */
export function lookUpAnswer(book: AnswerBook, prompt: string, model: string): { content: string; promptTokens: number; completionTokens: number } | undefined {
  const recorded = book.byPrompt.get(prompt);
  const reward = recorded?.reward[model];
  if (!recorded || reward === undefined) return undefined;
  return { content: oracleAnswer(reward >= 1), promptTokens: recorded.promptTokens, completionTokens: recorded.completionTokens[model] ?? 1 };
}

function sameOutcome(a: RecordedAnswer, b: RecordedAnswer): boolean {
  const models = new Set([...Object.keys(a.reward), ...Object.keys(b.reward)]);
  return [...models].every((m) => a.reward[m] === b.reward[m]);
}
