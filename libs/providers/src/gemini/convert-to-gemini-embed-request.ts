import { GatewayError, type EmbeddingsRequest } from '../../../core/src';

/** One text of a batchEmbedContents call: https://ai.google.dev/api/embeddings#EmbedContentRequest */
export interface GeminiEmbedContentRequest {
  /** `models/{model}`: the same model as the URL's. */
  model: string;
  content: { parts: Array<{ text: string }> };
  outputDimensionality?: number;
}

export interface GeminiBatchEmbedRequest {
  requests: GeminiEmbedContentRequest[];
}

/** The most texts one batchEmbedContents call takes; a longer input goes out in several calls. */
export const GEMINI_EMBED_BATCH = 100;

/**
 * OpenAI's embeddings request as Gemini batchEmbedContents bodies (one per GEMINI_EMBED_BATCH texts):
 * one request per input text, `dimensions` as `outputDimensionality`. Token ids (OpenAI's tokenizer's)
 * mean nothing to Gemini: refused with a 400 before any call. `user` has no counterpart and is left out.
 * https://ai.google.dev/api/embeddings#method:-models.batchembedcontents
 */
export function convertToGeminiEmbedRequests(request: EmbeddingsRequest, upstreamModel: string): GeminiBatchEmbedRequest[] {
  const input = request.input;
  const texts = typeof input === 'string' ? [input] : input.every((item): item is string => typeof item === 'string') ? input : undefined;
  if (!texts) {
    throw GatewayError.invalidRequest(`Model '${request.model}' takes text input only: token ids are OpenAI's tokenizer's, and Gemini embeds text. Send 'input' as a string or an array of strings.`, 'input', 'invalid_value');
  }
  const model = `models/${upstreamModel}`;
  const requests = texts.map((text): GeminiEmbedContentRequest => ({
    model,
    content: { parts: [{ text }] },
    ...(request.dimensions === undefined ? {} : { outputDimensionality: request.dimensions }),
  }));
  const batches: GeminiBatchEmbedRequest[] = [];
  for (let i = 0; i < requests.length; i += GEMINI_EMBED_BATCH) batches.push({ requests: requests.slice(i, i + GEMINI_EMBED_BATCH) });
  return batches;
}
