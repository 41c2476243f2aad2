import type { ParamRules } from '../../providers/src';
import { REASONING_SUMMARY, type ChatRequest, type ChatRequestMarks } from '../../core/src';

/** The parameters the request sets (not null) that a model with `rules` refuses: what its call leaves out. */
export function ignoredParams(request: ChatRequest, rules: ParamRules | undefined): string[] {
  if (!rules) return [];
  const fields = request as unknown as Record<string, unknown>;
  return rules.drop.filter((name) => fields[name] != null);
}

export interface ParamsApplied {
  request: ChatRequest;
  /** The parameters the request set that the model does not take, left out of the call (for `x-router-ignored-params`). */
  ignored: string[];
}

/**
 * The request as a model with `rules` takes it: each parameter it names differently moved to that name
 * (unless the request sets that name too, which then wins), each it refuses left out. A parameter sent
 * as null goes too (a model that refuses a parameter may refuse its presence), without being named as
 * ignored. The request is not changed; without rules, or when it has none of the parameters, the same
 * object comes back.
 */
export function applyParamRules(request: ChatRequest, rules: ParamRules | undefined): ParamsApplied {
  if (!rules) return { request, ignored: [] };
  const fields = request as unknown as Record<string, unknown>;
  let out: Record<string, unknown> | undefined;
  for (const [from, to] of Object.entries(rules.rename)) {
    if (fields[from] === undefined || to === undefined) continue;
    out ??= { ...fields };
    if (out[to] == null && out[from] !== null) out[to] = out[from];
    delete out[from];
  }
  for (const name of rules.drop) {
    if ((out ?? fields)[name] === undefined) continue;
    out ??= { ...fields };
    delete out[name];
  }
  // A model that refuses reasoning_effort cannot think: a Responses request's ask for a reasoning
  // summary (which an adapter turns into a thinking request) is left out with it.
  if (rules.drop.includes('reasoning_effort') && (request as ChatRequestMarks)[REASONING_SUMMARY]) {
    out ??= { ...fields };
    delete (out as ChatRequestMarks)[REASONING_SUMMARY];
  }
  return { request: (out ?? fields) as unknown as ChatRequest, ignored: ignoredParams(request, rules) };
}
