import type { FailoverSpec, ModelSpec, RouteSpec, TimeoutSpec } from '../../../../libs/config/src';
import type { Random } from '../../../../libs/core/src';
import type { ProviderError } from '../../../../libs/providers/src';
import type { RouterExtension } from './router-extension';

/** What a route without a `failover` section gets. */
export const DEFAULT_FAILOVER: FailoverSpec = {
  order: 'ranked',
  maxModels: 3,
  retries: 1,
  backoffBaseMs: 100,
  backoffMaxMs: 2000,
  maxRetryAfterMs: 2000,
  timeouts: {},
};

/** The route's policy, overridden field by field by the request's `x_router` extension. */
export function resolveFailover(route: RouteSpec, extension: RouterExtension | undefined): FailoverSpec {
  const base = route.failover ?? DEFAULT_FAILOVER;
  if (!extension) return base;
  return {
    ...base,
    fallbacks: extension?.fallbacks ?? base.fallbacks,
    order: extension?.order ?? base.order,
    maxModels: extension?.maxModels ?? base.maxModels,
    retries: extension?.retries ?? base.retries,
  };
}

/** A model's timeouts with the route's on top (the route knows its latency needs better than the catalogue). */
export function effectiveTimeouts(model: Pick<ModelSpec, 'timeouts'>, policy: FailoverSpec): TimeoutSpec {
  const pick = (k: keyof TimeoutSpec) => policy.timeouts[k] ?? model.timeouts[k];
  return { connectMs: pick('connectMs'), firstByteMs: pick('firstByteMs'), ttftMs: pick('ttftMs'), idleMs: pick('idleMs'), totalMs: pick('totalMs') };
}

/**
 * How long to wait before retrying on the same model, or undefined to move on to the next model now.
 * Exponential with "equal jitter" (half fixed, half random); a 429's retry-after is honoured when it is
 * no longer than the policy allows, and a longer one hands over to the next model instead.
 */
export function retryDelayMs(err: ProviderError, retryIndex: number, policy: FailoverSpec, random: Random): number | undefined {
  if (!err.retryable || retryIndex >= policy.retries) return undefined;
  if (err.retryAfterMs !== undefined && (err.kind === 'rate_limited' || err.kind === 'overloaded')) {
    return err.retryAfterMs <= policy.maxRetryAfterMs ? err.retryAfterMs : undefined;
  }
  const exp = Math.min(policy.backoffMaxMs, policy.backoffBaseMs * 2 ** retryIndex);
  return Math.round(exp / 2 + (random() * exp) / 2);
}

/**
 * The models to try, in order: the bandit's choice first, then the listed fallbacks (request's, else
 * route's) or the bandit's ranking; `price` orders everything after the first by list price (a
 * cheap-first cascade). Models the health check rules out are left out unless nothing else is left.
 */
export function buildChain(
  plan: { models: ModelSpec[] },
  policy: FailoverSpec,
  models: ReadonlyMap<string, ModelSpec>,
  excluded: (model: ModelSpec) => boolean,
): ModelSpec[] {
  const [first, ...ranked] = plan.models;
  let rest = policy.fallbacks ? policy.fallbacks.map((id) => models.get(id)).filter((m): m is ModelSpec => m !== undefined) : ranked;
  rest = rest.filter((m) => m.id !== first.id && !excluded(m));
  if (policy.order === 'price') rest = [...rest].sort((a, b) => a.inputPer1M + a.outputPer1M - (b.inputPer1M + b.outputPer1M));
  const unique = [first, ...rest].filter((m, i, all) => all.findIndex((o) => o.id === m.id) === i);
  return unique.slice(0, policy.maxModels);
}
