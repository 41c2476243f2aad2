import type { ModelSpec } from '../../../../libs/config/src';

/** The per-1M-token prices one call pays: the long-prompt tier's when its prompt is over the tier's line. */
export function ratesFor(model: ModelSpec, promptTokens: number): { input: number; output: number; cachedInput: number } {
  const tier = model.longContext;
  if (tier !== undefined && promptTokens > tier.abovePromptTokens) {
    return { input: tier.inputPer1M, output: tier.outputPer1M, cachedInput: tier.cachedInputPer1M ?? tier.inputPer1M };
  }
  return { input: model.inputPer1M, output: model.outputPer1M, cachedInput: model.cachedInputPer1M ?? model.inputPer1M };
}

/**
 * What a call cost in USD at the model's list prices: cache hits (`cachedTokens`, part of
 * `promptTokens`) at the cached-input price when the model has one, the rest at the input price; a
 * prompt over the model's long-context line (`longContext`) bills the whole call at that tier.
 */
export function costUsd(model: ModelSpec, promptTokens: number, completionTokens: number, cachedTokens = 0): number {
  const cached = Math.min(Math.max(cachedTokens, 0), promptTokens);
  const rates = ratesFor(model, promptTokens);
  return ((promptTokens - cached) * rates.input + cached * rates.cachedInput + completionTokens * rates.output) / 1_000_000;
}

/**
 * What one call is expected to cost before it is made (no cache hits assumed), the long-prompt tier
 * included. Hot path: planRoute prices every candidate of every request with it.
 */
export function callPriceUsd(model: ModelSpec, promptTokens: number, completionTokens: number): number {
  const tier = model.longContext;
  if (tier !== undefined && promptTokens > tier.abovePromptTokens) {
    return (promptTokens * tier.inputPer1M + completionTokens * tier.outputPer1M) / 1_000_000;
  }
  return (promptTokens * model.inputPer1M + completionTokens * model.outputPer1M) / 1_000_000;
}
