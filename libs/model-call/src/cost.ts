import type { LongContextPrices, ModelSpec } from '../../config/src';

/** The model's long-prompt tier when this prompt is over its line (the whole call is billed at it), else undefined. */
function tierFor(model: ModelSpec, promptTokens: number): LongContextPrices | undefined {
  const tier = model.longContext;
  return tier !== undefined && promptTokens > tier.abovePromptTokens ? tier : undefined;
}

/**
 * What a call cost in USD at the model's list prices: cache hits (`cachedTokens`, part of
 * `promptTokens`) at the cached-input price when the model has one, the rest at the input price; a
 * prompt over the model's long-context line (`longContext`) bills the whole call at that tier.
 */
export function costUsd(model: ModelSpec, promptTokens: number, completionTokens: number, cachedTokens = 0): number {
  const cached = Math.min(Math.max(cachedTokens, 0), promptTokens);
  const tier = tierFor(model, promptTokens);
  const input = tier ? tier.inputPer1M : model.inputPer1M;
  const cachedPrice = (tier ? tier.cachedInputPer1M : model.cachedInputPer1M) ?? input;
  const output = tier ? tier.outputPer1M : model.outputPer1M;
  return ((promptTokens - cached) * input + cached * cachedPrice + completionTokens * output) / 1_000_000;
}

/**
 * What one call is expected to cost before it is made (no cache hits assumed), the long-prompt tier
 * included. Hot path: planRoute prices every candidate of every request with it.
 */
export function callPriceUsd(model: ModelSpec, promptTokens: number, completionTokens: number): number {
  const tier = tierFor(model, promptTokens);
  return tier
    ? (promptTokens * tier.inputPer1M + completionTokens * tier.outputPer1M) / 1_000_000
    : (promptTokens * model.inputPer1M + completionTokens * model.outputPer1M) / 1_000_000;
}
