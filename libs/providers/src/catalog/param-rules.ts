import { z } from 'zod';

/**
 * OpenAI request parameters a model may not take, by the name the client sends them under. Sampling
 * and output options only: what a request is about (model, messages, tools, response_format) is never
 * dropped.
 */
export const DROPPABLE_PARAMS = [
  'temperature',
  'top_p',
  'presence_penalty',
  'frequency_penalty',
  'logprobs',
  'top_logprobs',
  'logit_bias',
  'seed',
  'max_tokens',
  'max_completion_tokens',
  'reasoning_effort',
  'parallel_tool_calls',
] as const;

export type DroppableParam = (typeof DROPPABLE_PARAMS)[number];

const droppable = z.enum(DROPPABLE_PARAMS);

/**
 * How a model takes OpenAI's request parameters, where it differs from OpenAI's chat models (model
 * catalog and config, `drop_params` and `rename_params`):
 * - `drop_params`: parameters the model refuses (OpenAI's reasoning models refuse a temperature other
 *   than 1, for one); the gateway leaves them out of the call and says so in `x-router-ignored-params`.
 * - `rename_params`: parameters it takes under another name (`max_tokens` as `max_completion_tokens`).
 */
export const paramRulesSchema = {
  drop_params: z.array(droppable).optional(),
  rename_params: z.record(droppable, droppable).optional(),
};

export interface ParamRules {
  drop: readonly DroppableParam[];
  rename: Readonly<Partial<Record<DroppableParam, DroppableParam>>>;
}

/** The rules of a catalog or config entry; undefined when it states none. */
export function paramRulesOf(entry: { drop_params?: DroppableParam[]; rename_params?: Partial<Record<DroppableParam, DroppableParam>> }): ParamRules | undefined {
  const drop = entry.drop_params ?? [];
  const rename = entry.rename_params ?? {};
  if (drop.length === 0 && Object.keys(rename).length === 0) return undefined;
  return { drop, rename };
}
