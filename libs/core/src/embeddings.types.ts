/**
 * OpenAI's Embeddings API on the wire (https://platform.openai.com/docs/api-reference/embeddings):
 * what clients send to `POST /v1/embeddings`, and what every provider adapter answers in, whatever
 * its own API (as chat adapters answer in Chat Completions' format).
 */

/** One text, many texts, one text as token ids, or many texts as token ids. */
export type EmbeddingInput = string | string[] | number[] | number[][];

export type EmbeddingEncoding = 'float' | 'base64';

export interface EmbeddingsRequest {
  model: string;
  input: EmbeddingInput;
  /** `float` when unset; the openai SDK asks for `base64` unless told otherwise, and decodes it. */
  encoding_format?: EmbeddingEncoding;
  /** Fewer dimensions than the model's own (text-embedding-3 and later; Gemini's `outputDimensionality`). */
  dimensions?: number;
  user?: string;
}

/** A vector as floats, or as the base64 of its little-endian float32 bytes. */
export type EmbeddingVector = number[] | string;

export interface EmbeddingItem {
  object: 'embedding';
  index: number;
  embedding: EmbeddingVector;
}

export interface EmbeddingsUsage {
  prompt_tokens: number;
  total_tokens: number;
}

export interface EmbeddingsResponse {
  object: 'list';
  data: EmbeddingItem[];
  model: string;
  /** Absent when the upstream reports none (the gateway then states its estimate). */
  usage?: EmbeddingsUsage;
}
