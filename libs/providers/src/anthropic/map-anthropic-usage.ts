import type { Usage } from '../../../core/src';
import type { AnthropicUsage } from './anthropic-api';

/**
 * Anthropic reports uncached input, cache reads and cache writes separately; OpenAI's `prompt_tokens`
 * counts the whole prompt, with the cache hits repeated in `prompt_tokens_details.cached_tokens`.
 * https://docs.anthropic.com/en/docs/build-with-claude/prompt-caching#tracking-cache-performance
 */
export function mapAnthropicUsage(usage: AnthropicUsage): Usage {
  const cacheRead = usage.cache_read_input_tokens ?? 0;
  const promptTokens = (usage.input_tokens ?? 0) + cacheRead + (usage.cache_creation_input_tokens ?? 0);
  const completionTokens = usage.output_tokens ?? 0;
  return {
    prompt_tokens: promptTokens,
    completion_tokens: completionTokens,
    total_tokens: promptTokens + completionTokens,
    prompt_tokens_details: { cached_tokens: cacheRead },
  };
}
