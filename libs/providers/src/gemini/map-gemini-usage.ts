import type { Usage } from '../../../core/src';
import type { GeminiUsage } from './gemini-api';

/**
 * https://ai.google.dev/api/generate-content#UsageMetadata
 * `promptTokenCount` already includes cached content. Thinking tokens are billed as output, so they count
 * in `completion_tokens` and are repeated as `reasoning_tokens`.
 */
export function mapGeminiUsage(usage: GeminiUsage): Usage {
  const prompt = usage.promptTokenCount ?? 0;
  const thoughts = usage.thoughtsTokenCount ?? 0;
  const completion = (usage.candidatesTokenCount ?? 0) + thoughts;
  return {
    prompt_tokens: prompt,
    completion_tokens: completion,
    total_tokens: prompt + completion,
    prompt_tokens_details: { cached_tokens: usage.cachedContentTokenCount ?? 0 },
    completion_tokens_details: { reasoning_tokens: thoughts },
  };
}
