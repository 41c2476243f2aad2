import type { RouteSpec } from '../../../../libs/config/src';
import type { ChatRequest } from '../../../../libs/core/src';
import { callerTags, type CallerContext } from '../../../../libs/router/src';
import type { KeyAccess } from '../auth/key-access';

/**
 * Who the caller is, for routing (docs/routing.md):
 * - its tier: its gateway key's tier when the key has one (set by the operator: a request cannot
 *   claim another with `metadata.tier`), else the request's `metadata.tier`; kept only when the route
 *   configures that tier. A tier applies its constraints and splits the route's prompt contexts
 *   (`...|tier=pro`, one stored belief per context and model), so a tier the route does not know
 *   would let any client grow the route's contexts without bound and split its learning for nothing:
 *   such a request is the route's.
 * - its tags: its key's, then the request's `metadata.tags` (`callerTags`), which the word learner
 *   reads as tokens and the context key leaves out.
 */
export function callerContextFor(
  route: Pick<RouteSpec, 'tiers'>,
  request: Pick<ChatRequest, 'metadata'>,
  access?: Pick<KeyAccess, 'tier' | 'tags'>,
): CallerContext & { tags: readonly string[] } {
  const tier = access?.tier ?? request.metadata?.tier;
  return { tier: tier !== undefined && route.tiers?.has(tier) === true ? tier : undefined, tags: callerTags(request, access?.tags) };
}
