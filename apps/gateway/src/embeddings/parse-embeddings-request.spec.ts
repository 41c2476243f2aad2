import { GatewayError } from '../../../../libs/core/src';
import { estimateInputTokens, inputCount, MAX_EMBEDDING_INPUTS, parseEmbeddingsRequest } from './parse-embeddings-request';

function refusal(body: unknown): Pick<GatewayError, 'status' | 'param' | 'code'> {
  try {
    parseEmbeddingsRequest(body);
  } catch (err) {
    if (err instanceof GatewayError) return { status: err.status, param: err.param, code: err.code };
    throw err;
  }
  throw new Error('expected a refusal');
}

describe('parseEmbeddingsRequest', () => {
  it('takes the four input forms and the optional fields, keeping fields it does not know', () => {
    for (const input of ['text', ['a', 'b'], [1, 2, 3], [[1, 2], [3]]]) {
      expect(parseEmbeddingsRequest({ model: 'm', input })).toEqual({ model: 'm', input });
    }
    const full = { model: 'm', input: 'x', encoding_format: 'base64', dimensions: 256, user: 'u1', input_type: 'query' };
    expect(parseEmbeddingsRequest(full)).toEqual(full);
  });

  it('names the parameter at fault, as OpenAI does', () => {
    expect(refusal(null)).toMatchObject({ status: 400, param: null, code: 'invalid_body' });
    expect(refusal([])).toMatchObject({ param: null, code: 'invalid_body' });
    expect(refusal({ input: 'x' })).toEqual({ status: 400, param: 'model', code: 'missing_required_parameter' });
    expect(refusal({ model: '', input: 'x' })).toMatchObject({ param: 'model', code: 'invalid_value' });
    expect(refusal({ model: 'm' })).toMatchObject({ param: 'input', code: 'missing_required_parameter' });
    expect(refusal({ model: 'm', input: '' })).toMatchObject({ param: 'input', code: 'invalid_value' });
    expect(refusal({ model: 'm', input: [] })).toMatchObject({ param: 'input', code: 'empty_array' });
    expect(refusal({ model: 'm', input: 3 })).toMatchObject({ param: 'input' });
    expect(refusal({ model: 'm', input: ['a', ''] })).toMatchObject({ param: 'input[1]' });
    expect(refusal({ model: 'm', input: ['a', 1] })).toMatchObject({ param: 'input[1]' });
    expect(refusal({ model: 'm', input: [1, 2.5] })).toMatchObject({ param: 'input[1]' });
    expect(refusal({ model: 'm', input: [1, -1] })).toMatchObject({ param: 'input[1]' });
    expect(refusal({ model: 'm', input: [[1], []] })).toMatchObject({ param: 'input[1]', code: 'empty_array' });
    expect(refusal({ model: 'm', input: [[1], [2, 'x']] })).toMatchObject({ param: 'input[1][1]' });
    expect(refusal({ model: 'm', input: [[1], 'x'] })).toMatchObject({ param: 'input[1]' });
    expect(refusal({ model: 'm', input: [{ text: 'x' }] })).toMatchObject({ param: 'input[0]' });
    expect(refusal({ model: 'm', input: Array.from({ length: MAX_EMBEDDING_INPUTS + 1 }, () => 'x') })).toMatchObject({ param: 'input', code: 'array_above_max_length' });
    expect(refusal({ model: 'm', input: 'x', encoding_format: 'hex' })).toMatchObject({ param: 'encoding_format' });
    expect(refusal({ model: 'm', input: 'x', dimensions: 0 })).toMatchObject({ param: 'dimensions' });
    expect(refusal({ model: 'm', input: 'x', dimensions: 1.5 })).toMatchObject({ param: 'dimensions' });
    expect(refusal({ model: 'm', input: 'x', user: 1 })).toMatchObject({ param: 'user' });
  });
});

describe('inputCount and estimateInputTokens', () => {
  it('one vector per text or token array; token ids counted exactly, text as chars/4 (at least 1 each)', () => {
    expect(inputCount('abc')).toBe(1);
    expect(inputCount([1, 2, 3])).toBe(1);
    expect(inputCount(['a', 'b'])).toBe(2);
    expect(inputCount([[1], [2, 3]])).toBe(2);
    expect(estimateInputTokens('abcdefgh')).toBe(2);
    expect(estimateInputTokens('a')).toBe(1);
    expect(estimateInputTokens([5, 6, 7])).toBe(3);
    expect(estimateInputTokens(['abcde', 'x'])).toBe(2 + 1);
    expect(estimateInputTokens([[1, 2], [3]])).toBe(3);
  });
});
