import { REASONING_SUMMARY, type ChatRequest, type ChatRequestMarks } from '../../../core/src';
import type { GeminiThinkingConfig } from './gemini-api';
import { isGemini2OrOlder } from './is-gemini-2-or-older';

/**
 * The budgets Google gives OpenAI's efforts on its own OpenAI-compatible endpoint, for Gemini 2.x
 * models, which take a token budget (https://ai.google.dev/gemini-api/docs/openai#thinking):
 * `none` turns thinking off (Gemini 2.5 Pro cannot, and answers that with a 400, as it does there).
 */
const THINKING_BUDGET = { none: 0, minimal: 1024, low: 1024, medium: 8192, high: 24576, xhigh: 24576, max: 24576 } as const;

type Effort = keyof typeof THINKING_BUDGET;

/**
 * `reasoning_effort`, and a Responses request's `reasoning.summary`, -> Gemini's `thinkingConfig`.
 * https://ai.google.dev/gemini-api/docs/thinking
 *
 * Gemini returns its thought summaries only with `includeThoughts: true`, so a client that asks for
 * reasoning (an effort, or a summary) gets them, as `reasoning_content` (convert-gemini-response.ts),
 * the field Claude's thinking comes in. Without either, nothing is sent and the model thinks as it
 * does by default, its thoughts not returned.
 *
 * Gemini 2.x models take a budget (THINKING_BUDGET); later ones (Gemini 3 and on) a `thinkingLevel`,
 * and `low` and `high` are the two levels every one of them takes (Gemini 3 Pro refuses `minimal` and
 * `medium`): `none`, `minimal` and `low` -> `low`, the others `high`. Gemini 3 cannot turn thinking off.
 * A request never carries both fields: the API refuses that with a 400.
 */
export function convertToGeminiThinking(request: Pick<ChatRequest, 'model' | 'reasoning_effort'> & ChatRequestMarks): GeminiThinkingConfig | undefined {
  const effort = request.reasoning_effort as Effort | null | undefined;
  const summary = request[REASONING_SUMMARY] === true;
  if (effort == null) return summary ? { includeThoughts: true } : undefined;
  const includeThoughts = effort !== 'none' || summary;
  const amount = isGemini2OrOlder(request.model)
    ? { thinkingBudget: THINKING_BUDGET[effort] ?? THINKING_BUDGET.medium }
    : { thinkingLevel: effort === 'none' || effort === 'minimal' || effort === 'low' ? ('low' as const) : ('high' as const) };
  return { ...(includeThoughts ? { includeThoughts } : {}), ...amount };
}

