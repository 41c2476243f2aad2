import { z } from 'zod';
import type { EmbeddingsResponse } from '../../../core/src';
import { ProviderError } from '../provider';

/**
 * An OpenAI-compatible host's embeddings answer, loosely: hosts differ in what else they send (`id`,
 * `created`, usage details), and some leave `object` or `usage` out.
 * https://platform.openai.com/docs/api-reference/embeddings/object
 */
const embeddingsAnswerSchema = z
  .object({
    data: z.array(z.object({ index: z.number().int().nonnegative().optional(), embedding: z.union([z.array(z.number()), z.string()]) }).passthrough()),
    model: z.string().optional(),
    usage: z.object({ prompt_tokens: z.number().nonnegative().nullish(), total_tokens: z.number().nonnegative().nullish() }).passthrough().nullish(),
  })
  .passthrough();

/** The answer in OpenAI's exact shape, vectors in index order; a body that is not one is a `malformed_response`. */
export function parseOpenAIEmbeddings(text: string, status: number, model: string): EmbeddingsResponse {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new ProviderError('malformed_response', 'Upstream returned a body that is not JSON.', status);
  }
  const parsed = embeddingsAnswerSchema.safeParse(json);
  if (!parsed.success) throw new ProviderError('malformed_response', 'Upstream returned an unexpected embeddings response shape.', status);
  const data = parsed.data.data.map((item, position) => ({ object: 'embedding' as const, index: item.index ?? position, embedding: item.embedding }));
  data.sort((a, b) => a.index - b.index);
  const usage = parsed.data.usage;
  const promptTokens = usage?.prompt_tokens ?? usage?.total_tokens ?? undefined;
  return {
    object: 'list',
    data,
    model: parsed.data.model ?? model,
    ...(promptTokens == null ? {} : { usage: { prompt_tokens: promptTokens, total_tokens: usage?.total_tokens ?? promptTokens } }),
  };
}
