import { GatewayError, type EmbeddingInput, type EmbeddingsRequest } from '../../../../libs/core/src';

/** OpenAI's bound on the number of inputs in one request ("any array must be 2048 dimensions or less"). */
export const MAX_EMBEDDING_INPUTS = 2048;

const isTokenId = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v) && v >= 0;

/**
 * Validates a `POST /v1/embeddings` body as OpenAI does
 * (https://platform.openai.com/docs/api-reference/embeddings/create), reporting the first problem with
 * its path in `param`: `model`; `input` as a non-empty string, a non-empty array of non-empty strings,
 * of token ids, or of non-empty token-id arrays (at most 2048 items); `encoding_format` `float` or
 * `base64`; `dimensions` a positive integer; `user` a string. Other fields are kept as they came (an
 * OpenAI-compatible upstream gets them; other adapters read only the fields above).
 */
export function parseEmbeddingsRequest(body: unknown): EmbeddingsRequest {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    throw GatewayError.invalidRequest('The request body must be a JSON object.', null, 'invalid_body');
  }
  const b = body as Record<string, unknown>;
  if (b.model === undefined || b.model === null) throw missing('model');
  if (typeof b.model !== 'string' || b.model === '') throw invalid('model', 'expected a non-empty string naming an embedding model or route.');
  if (b.input === undefined || b.input === null) throw missing('input');
  checkInput(b.input);
  if (b.encoding_format !== undefined && b.encoding_format !== 'float' && b.encoding_format !== 'base64') {
    throw invalid('encoding_format', `expected 'float' or 'base64', got ${JSON.stringify(b.encoding_format)}.`);
  }
  if (b.dimensions !== undefined && !(typeof b.dimensions === 'number' && Number.isInteger(b.dimensions) && b.dimensions >= 1)) {
    throw invalid('dimensions', `expected a positive integer, got ${JSON.stringify(b.dimensions)}.`);
  }
  if (b.user !== undefined && typeof b.user !== 'string') throw invalid('user', 'expected a string.');
  return b as unknown as EmbeddingsRequest;
}

function checkInput(input: unknown): asserts input is EmbeddingInput {
  if (typeof input === 'string') {
    if (input === '') throw invalid('input', 'an input cannot be an empty string.');
    return;
  }
  if (!Array.isArray(input)) throw invalid('input', 'expected a string, an array of strings, an array of token ids, or an array of token-id arrays.');
  if (input.length === 0) throw invalid('input', 'empty array. Expected an array with minimum length 1.', 'empty_array');
  if (input.length > MAX_EMBEDDING_INPUTS) throw invalid('input', `array too long: ${input.length} items, at most ${MAX_EMBEDDING_INPUTS}.`, 'array_above_max_length');
  const first = input[0];
  if (typeof first === 'string') {
    input.forEach((item, i) => {
      if (typeof item !== 'string') throw invalid(`input[${i}]`, 'expected a string, as the other items are.');
      if (item === '') throw invalid(`input[${i}]`, 'an input cannot be an empty string.');
    });
  } else if (typeof first === 'number') {
    input.forEach((item, i) => {
      if (!isTokenId(item)) throw invalid(`input[${i}]`, 'expected a token id (a non-negative integer), as the other items are.');
    });
  } else if (Array.isArray(first)) {
    input.forEach((item, i) => {
      if (!Array.isArray(item)) throw invalid(`input[${i}]`, 'expected an array of token ids, as the other items are.');
      if (item.length === 0) throw invalid(`input[${i}]`, 'empty array of token ids.', 'empty_array');
      const bad = item.findIndex((t) => !isTokenId(t));
      if (bad >= 0) throw invalid(`input[${i}][${bad}]`, 'expected a token id (a non-negative integer).');
    });
  } else {
    throw invalid('input[0]', 'expected a string, a token id, or an array of token ids.');
  }
}

function missing(param: string): GatewayError {
  return GatewayError.invalidRequest(`Missing required parameter: '${param}'.`, param, 'missing_required_parameter');
}

function invalid(param: string, why: string, code = 'invalid_value'): GatewayError {
  return GatewayError.invalidRequest(`Invalid value for '${param}': ${why}`, param, code);
}

/** The request's inputs, one per vector it asks for. */
export function inputCount(input: EmbeddingInput): number {
  return typeof input === 'string' || typeof input[0] === 'number' ? 1 : input.length;
}

/**
 * Input tokens before the call, for the budget reservation and the token rate limit: token ids are
 * counted exactly, text by the chars/4 estimate (at least one token per input). Billing uses the
 * upstream's count when it reports one.
 */
export function estimateInputTokens(input: EmbeddingInput): number {
  const text = (s: string) => Math.max(1, Math.ceil(s.length / 4));
  if (typeof input === 'string') return text(input);
  if (typeof input[0] === 'number') return input.length;
  let total = 0;
  for (const item of input as Array<string | number[]>) total += typeof item === 'string' ? text(item) : item.length;
  return total;
}
