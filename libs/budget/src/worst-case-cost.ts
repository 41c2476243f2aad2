export interface PricedModel {
  inputPer1M: number;
  outputPer1M: number;
  contextWindow: number;
  /** The most the model writes in one answer, when known: a larger max tokens is lowered to it for its call. */
  maxOutputTokens?: number;
}

/**
 * Completion tokens reserved when the client sets no max tokens: the model's context window
 * remainder, but no more than this, so a request without max tokens is not priced as a full
 * million-token answer. An answer longer than this can spend past the reservation; clients that
 * need the cap to hold exactly send max_tokens.
 */
export const DEFAULT_RESERVED_COMPLETION_TOKENS = 4096;

/**
 * The most a request can cost on this model: prompt tokens x input price + max tokens (no more than
 * the model writes) x output price.
 */
export function worstCaseCostUsd(model: PricedModel, promptTokens: number, maxTokens: number | undefined): number {
  const remainder = Math.max(0, model.contextWindow - promptTokens);
  const asked = maxTokens === undefined || model.maxOutputTokens === undefined ? maxTokens : Math.min(maxTokens, model.maxOutputTokens);
  const completion = asked ?? Math.min(remainder, DEFAULT_RESERVED_COMPLETION_TOKENS);
  return (promptTokens * model.inputPer1M + completion * model.outputPer1M) / 1_000_000;
}

/** The worst case over every model a request may end up on (the plan's fallbacks included). */
export function worstCaseOverModels(models: PricedModel[], promptTokens: number, maxTokens: number | undefined): number {
  let worst = 0;
  for (const m of models) worst = Math.max(worst, worstCaseCostUsd(m, promptTokens, maxTokens));
  return worst;
}
