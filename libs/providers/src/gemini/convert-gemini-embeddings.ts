import { z } from 'zod';
import type { EmbeddingItem } from '../../../core/src';
import { ProviderError } from '../provider';

/**
 * A batchEmbedContents answer: `{ embeddings: [{ values: [...] }] }`, in the order of the requests.
 * https://ai.google.dev/api/embeddings#batchembedcontentsresponse . The Gemini API's answer carries no
 * token count; a `usageMetadata` (as Vertex AI's has) is read when present.
 */
const batchEmbedAnswerSchema = z
  .object({
    embeddings: z.array(z.object({ values: z.array(z.number()) }).passthrough()),
    usageMetadata: z.object({ promptTokenCount: z.number().nonnegative().nullish() }).passthrough().optional(),
  })
  .passthrough();

export interface GeminiEmbeddingsPart {
  data: EmbeddingItem[];
  /** The upstream's token count for this batch, when it gave one. */
  promptTokens?: number;
}

/**
 * One batch's vectors in OpenAI's shape, numbered from `firstIndex`; exactly `expected` of them or a
 * malformed answer. `normalize`: scaled to unit length. OpenAI's vectors always are, `dimensions` or
 * not, and clients rely on it (a dot product as the cosine); Gemini's are at their full size only,
 * and Google says to normalize those truncated by `outputDimensionality`
 * (https://ai.google.dev/gemini-api/docs/embeddings#quality-for-smaller-dimensions).
 */
export function convertGeminiEmbeddings(text: string, status: number, firstIndex: number, expected: number, normalize = false): GeminiEmbeddingsPart {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new ProviderError('malformed_response', 'Gemini returned a body that is not JSON.', status);
  }
  const parsed = batchEmbedAnswerSchema.safeParse(json);
  if (!parsed.success) throw new ProviderError('malformed_response', 'Gemini returned an unexpected batchEmbedContents response shape.', status);
  const embeddings = parsed.data.embeddings;
  if (embeddings.length !== expected) {
    throw new ProviderError('malformed_response', `Gemini returned ${embeddings.length} embeddings for ${expected} inputs.`, status);
  }
  const promptTokens = parsed.data.usageMetadata?.promptTokenCount;
  return {
    data: embeddings.map((e, i) => ({ object: 'embedding', index: firstIndex + i, embedding: normalize ? unitLength(e.values) : e.values })),
    ...(promptTokens == null ? {} : { promptTokens }),
  };
}

/** The vector scaled to length 1 (a zero vector as it is). */
export function unitLength(values: number[]): number[] {
  let sum = 0;
  for (const v of values) sum += v * v;
  if (sum === 0) return values;
  const norm = Math.sqrt(sum);
  return values.map((v) => v / norm);
}
