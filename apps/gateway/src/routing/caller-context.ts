import type { RouteSpec } from '../../../../libs/config/src';
import type { ChatRequest } from '../../../../libs/core/src';
import { callerTags, type CallerContext } from '../../../../libs/router/src';
import type { KeyAccess } from '../auth/key-access';

/** The request headers that name the caller's tier and tags (docs/routing.md). */
export const TIER_HEADER = 'x-router-tier';
export const TAGS_HEADER = 'x-router-tags';

/** What a request's `x-router-tier` and `x-router-tags` headers say; absent when it sends neither. */
export interface CallerHeaders {
  tier?: string;
  tags?: string;
}

/**
 * The caller headers of a request, or undefined when it sends neither (no object on the common path).
 * A header sent twice arrives from Node as one comma-joined string (tags) or the first value (tier).
 */
export function callerHeadersOf(headers: Readonly<Record<string, string | string[] | undefined>>): CallerHeaders | undefined {
  const tier = firstValue(headers[TIER_HEADER])?.trim();
  const tags = headers[TAGS_HEADER];
  const joined = Array.isArray(tags) ? tags.join(',') : tags;
  if (!tier && !joined) return undefined;
  return { ...(tier ? { tier } : {}), ...(joined ? { tags: joined } : {}) };
}

function firstValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

/**
 * Who the caller is, for routing (docs/routing.md):
 * - its tier: its gateway key's tier when the key has one (set by the operator: a request cannot
 *   claim another), else the request's `x-router-tier` header, else its `metadata.tier`; kept only
 *   when the route configures that tier. A tier applies its constraints and splits the route's prompt
 *   contexts (`...|tier=pro`, one stored belief per context and model), so a tier the route does not
 *   know would let any client grow the route's contexts without bound and split its learning for
 *   nothing: such a request is the route's.
 * - its tags: its key's, then the `x-router-tags` header's, then the request's `metadata.tags`
 *   (`callerTags`), which the word learner reads as tokens and the context key leaves out.
 * The headers let an app name its call site once for a whole client (the OpenAI SDK's
 * `defaultHeaders`), or a proxy in front of the gateway name it, without touching request bodies.
 */
export function callerContextFor(
  route: Pick<RouteSpec, 'tiers'>,
  request: Pick<ChatRequest, 'metadata'>,
  access?: Pick<KeyAccess, 'tier' | 'tags'>,
  headers?: CallerHeaders,
): CallerContext & { tags: readonly string[] } {
  const tier = access?.tier ?? headers?.tier ?? request.metadata?.tier;
  return { tier: tier !== undefined && route.tiers?.has(tier) === true ? tier : undefined, tags: callerTags(request, access?.tags, headers?.tags) };
}
