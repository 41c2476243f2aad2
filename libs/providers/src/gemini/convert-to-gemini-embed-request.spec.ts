import { GatewayError } from '../../../core/src';
import { convertToGeminiEmbedRequests, GEMINI_EMBED_BATCH } from './convert-to-gemini-embed-request';

describe('convertToGeminiEmbedRequests', () => {
  it('one request per text naming models/{model}; dimensions as outputDimensionality; user left out', () => {
    expect(convertToGeminiEmbedRequests({ model: 'gemini-embedding-001', input: ['a', 'b'], dimensions: 768, user: 'u' }, 'gemini-embedding-001')).toEqual([
      {
        requests: [
          { model: 'models/gemini-embedding-001', content: { parts: [{ text: 'a' }] }, outputDimensionality: 768 },
          { model: 'models/gemini-embedding-001', content: { parts: [{ text: 'b' }] }, outputDimensionality: 768 },
        ],
      },
    ]);
    expect(convertToGeminiEmbedRequests({ model: 'g', input: 'one' }, 'g')).toEqual([{ requests: [{ model: 'models/g', content: { parts: [{ text: 'one' }] } }] }]);
  });

  it('splits long inputs into batches the API takes, in order', () => {
    const input = Array.from({ length: GEMINI_EMBED_BATCH * 2 + 1 }, (_, i) => `t${i}`);
    const batches = convertToGeminiEmbedRequests({ model: 'g', input }, 'g');
    expect(batches.map((b) => b.requests.length)).toEqual([GEMINI_EMBED_BATCH, GEMINI_EMBED_BATCH, 1]);
    expect(batches[2].requests[0].content.parts[0].text).toBe(`t${GEMINI_EMBED_BATCH * 2}`);
  });

  it('refuses token ids with a 400 on input, before any call', () => {
    for (const input of [[1, 2, 3], [[1], [2]]]) {
      let error: unknown;
      try {
        convertToGeminiEmbedRequests({ model: 'gemini-embedding-001', input }, 'gemini-embedding-001');
      } catch (err) {
        error = err;
      }
      expect(error).toBeInstanceOf(GatewayError);
      expect(error).toMatchObject({ status: 400, param: 'input' });
      expect((error as Error).message).toContain("'gemini-embedding-001'");
    }
  });
});
