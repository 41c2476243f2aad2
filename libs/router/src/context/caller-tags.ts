import type { ChatRequest } from '../../../core/src';

/** OpenAI's `metadata` holds at most 16 pairs; a caller's tags are bounded the same way. */
export const MAX_CALLER_TAGS = 16;
/** A longer tag is cut: tags name call sites and features, not content. */
export const MAX_CALLER_TAG_CHARS = 64;
const NONE: readonly string[] = Object.freeze([]);

/**
 * The caller's tags: those of its gateway key (`fromKey`, set by the operator), then those of its
 * `x-router-tags` header (`fromHeader`, comma-separated), then the request's `metadata.tags`, a
 * comma-separated string (OpenAI's `metadata` values are strings), e.g.
 * `{ "tags": "summarize,mobile" }`. Trimmed, lower-cased, empty ones and repeats dropped, in that
 * order, at most MAX_CALLER_TAGS of at most MAX_CALLER_TAG_CHARS characters.
 * They name where a request comes from (a call site, a product feature) and are not part of the
 * prompt context's key (they would multiply its cardinality); the word learner reads them as tokens
 * (`hashedPromptFeatures`), so it can learn that one call site needs a stronger model than another.
 */
export function callerTags(request: Pick<ChatRequest, 'metadata'>, fromKey: readonly string[] = NONE, fromHeader?: string): readonly string[] {
  const raw = request.metadata?.tags;
  const fromRequest = typeof raw === 'string' && raw.length > 0;
  if (!fromRequest && fromKey.length === 0 && !fromHeader) return NONE;
  const tags: string[] = [];
  const add = (part: string) => {
    const tag = part.trim().toLowerCase().slice(0, MAX_CALLER_TAG_CHARS);
    if (tag.length > 0 && tags.length < MAX_CALLER_TAGS && !tags.includes(tag)) tags.push(tag);
  };
  for (const tag of fromKey) add(tag);
  if (fromHeader) for (const part of fromHeader.split(',')) add(part);
  if (fromRequest) for (const part of raw.split(',')) add(part);
  return tags;
}
