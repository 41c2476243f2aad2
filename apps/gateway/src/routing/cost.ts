import type { ModelSpec } from '../../../../libs/config/src';

/**
 * What a call cost in USD at the model's list prices: cache hits (`cachedTokens`, part of
 * `promptTokens`) at the cached-input price when the model has one, the rest at the input price.
 */
export function costUsd(model: ModelSpec, promptTokens: number, completionTokens: number, cachedTokens = 0): number {
  const cached = Math.min(Math.max(cachedTokens, 0), promptTokens);
  const cachedPrice = model.cachedInputPer1M ?? model.inputPer1M;
  return ((promptTokens - cached) * model.inputPer1M + cached * cachedPrice + completionTokens * model.outputPer1M) / 1_000_000;
}
