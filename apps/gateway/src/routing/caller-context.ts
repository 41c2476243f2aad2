import type { RouteSpec } from '../../../../libs/config/src';
import type { ChatRequest } from '../../../../libs/core/src';
import { callerTags, type CallerContext } from '../../../../libs/router/src';

/**
 * What the request says about its caller, for the prompt context (docs/routing.md):
 * - its tier (`metadata.tier`) only when the route configures that tier. A tier splits the route's
 *   prompt contexts (`...|tier=pro`), one stored belief per context and model, so a tier the route
 *   does not know would let any client grow the route's contexts without bound (one per distinct
 *   string) and split its learning for nothing: such a request is the route's, as for its constraints.
 * - its tags (`metadata.tags`), which the word learner reads as tokens and the context key leaves out.
 */
export function callerContextFor(route: Pick<RouteSpec, 'tiers'>, request: Pick<ChatRequest, 'metadata'>): CallerContext {
  const tier = request.metadata?.tier;
  return { tier: tier !== undefined && route.tiers?.has(tier) === true ? tier : undefined, tags: callerTags(request) };
}
