import type { EmbeddingEncoding, EmbeddingVector } from '../../../../libs/core/src';

/**
 * A vector as OpenAI sends it with `encoding_format: base64`: its float32 values, little-endian, in
 * base64 (what the openai SDK decodes with `toFloat32Array`).
 */
export function floatsToBase64(values: readonly number[]): string {
  const buffer = Buffer.alloc(values.length * 4);
  for (let i = 0; i < values.length; i++) buffer.writeFloatLE(values[i], i * 4);
  return buffer.toString('base64');
}

/** The floats of a base64 vector; undefined when the text is not whole float32 values. */
export function base64ToFloats(encoded: string): number[] | undefined {
  const buffer = Buffer.from(encoded, 'base64');
  if (buffer.length % 4 !== 0) return undefined;
  const values = new Array<number>(buffer.length / 4);
  for (let i = 0; i < values.length; i++) values[i] = buffer.readFloatLE(i * 4);
  return values;
}

/** How many values a vector has, whichever its encoding. */
export function vectorLength(vector: EmbeddingVector): number {
  return typeof vector === 'string' ? Math.floor(Buffer.from(vector, 'base64').length / 4) : vector.length;
}

/**
 * The vector in the encoding the client asked for: an upstream may answer in the other (Gemini always
 * sends floats; some OpenAI-compatible hosts ignore `encoding_format`). Undefined for a base64 text
 * that is not whole float32 values.
 */
export function toClientEncoding(vector: EmbeddingVector, format: EmbeddingEncoding): EmbeddingVector | undefined {
  if (format === 'base64') return typeof vector === 'string' ? vector : floatsToBase64(vector);
  return typeof vector === 'string' ? base64ToFloats(vector) : vector;
}
