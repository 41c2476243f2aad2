import { ProviderError } from '../provider';
import { convertGeminiEmbeddings } from './convert-gemini-embeddings';

describe('convertGeminiEmbeddings', () => {
  it("numbers a batch's vectors from its first index; no token count unless Gemini gives one", () => {
    const text = JSON.stringify({ embeddings: [{ values: [0.1, 0.2] }, { values: [0.3, 0.4] }] });
    expect(convertGeminiEmbeddings(text, 200, 100, 2)).toEqual({
      data: [
        { object: 'embedding', index: 100, embedding: [0.1, 0.2] },
        { object: 'embedding', index: 101, embedding: [0.3, 0.4] },
      ],
    });
    const counted = JSON.stringify({ embeddings: [{ values: [1] }], usageMetadata: { promptTokenCount: 7 } });
    expect(convertGeminiEmbeddings(counted, 200, 0, 1).promptTokens).toBe(7);
  });

  it('scales vectors to unit length when asked (Gemini truncated them), as OpenAI sends them', () => {
    const text = JSON.stringify({ embeddings: [{ values: [3, 4] }, { values: [0, 0] }] });
    expect(convertGeminiEmbeddings(text, 200, 0, 2, true).data.map((d) => d.embedding)).toEqual([[0.6, 0.8], [0, 0]]);
    expect(convertGeminiEmbeddings(text, 200, 0, 2).data[0].embedding).toEqual([3, 4]);
  });

  it('a count that does not match the request, or another shape, is malformed', () => {
    for (const [text, expected] of [
      [JSON.stringify({ embeddings: [{ values: [1] }] }), 2],
      [JSON.stringify({ embedding: { values: [1] } }), 1],
      ['<html>', 1],
    ] as const) {
      let error: unknown;
      try {
        convertGeminiEmbeddings(text, 200, 0, expected);
      } catch (err) {
        error = err;
      }
      expect(error).toBeInstanceOf(ProviderError);
      expect((error as ProviderError).kind).toBe('malformed_response');
    }
  });
});
