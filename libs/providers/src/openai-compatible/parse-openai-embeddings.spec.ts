import { ProviderError } from '../provider';
import { parseOpenAIEmbeddings } from './parse-openai-embeddings';

describe('parseOpenAIEmbeddings', () => {
  it("reads OpenAI's answer, vectors in index order, floats or base64 as sent", () => {
    const text = JSON.stringify({
      object: 'list',
      data: [
        { object: 'embedding', index: 1, embedding: 'AAAAPw==' },
        { object: 'embedding', index: 0, embedding: [0.5, 0.25] },
      ],
      model: 'text-embedding-3-small',
      usage: { prompt_tokens: 5, total_tokens: 5 },
    });
    expect(parseOpenAIEmbeddings(text, 200, 'up')).toEqual({
      object: 'list',
      data: [
        { object: 'embedding', index: 0, embedding: [0.5, 0.25] },
        { object: 'embedding', index: 1, embedding: 'AAAAPw==' },
      ],
      model: 'text-embedding-3-small',
      usage: { prompt_tokens: 5, total_tokens: 5 },
    });
  });

  it('takes what compatible hosts leave out: object, index (by position), model, usage', () => {
    const parsed = parseOpenAIEmbeddings(JSON.stringify({ data: [{ embedding: [1] }, { embedding: [2] }] }), 200, 'up');
    expect(parsed).toEqual({ object: 'list', data: [{ object: 'embedding', index: 0, embedding: [1] }, { object: 'embedding', index: 1, embedding: [2] }], model: 'up' });
    expect(parseOpenAIEmbeddings(JSON.stringify({ data: [], usage: { total_tokens: 3 } }), 200, 'up').usage).toEqual({ prompt_tokens: 3, total_tokens: 3 });
  });

  it('an answer that is not one is malformed (retryable)', () => {
    for (const text of ['not json', '{}', JSON.stringify({ data: [{ embedding: 'x', index: -1 }] }), JSON.stringify({ data: [{ embedding: [true] }] })]) {
      let error: unknown;
      try {
        parseOpenAIEmbeddings(text, 200, 'up');
      } catch (err) {
        error = err;
      }
      expect(error).toBeInstanceOf(ProviderError);
      expect((error as ProviderError).kind).toBe('malformed_response');
      expect((error as ProviderError).retryable).toBe(true);
    }
  });
});
