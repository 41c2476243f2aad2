import type { ChatRequest } from '../../../core/src';
import { fieldsNotOpenAIs } from './fields-not-openai';

describe('fieldsNotOpenAIs', () => {
  it("names the fields that are not in OpenAI's API, in the order sent", () => {
    const request = { model: 'm', messages: [], top_k: 5, temperature: 0.2, repetition_penalty: 1.1, verbosity: 'low' } as unknown as ChatRequest;
    expect(fieldsNotOpenAIs(request)).toEqual(['top_k', 'repetition_penalty']);
  });

  it("names none in a request of OpenAI's fields only, deprecated ones included", () => {
    const request = { model: 'm', messages: [], functions: [], function_call: 'auto', max_tokens: 5, store: false, prompt_cache_retention: '24h' } as unknown as ChatRequest;
    expect(fieldsNotOpenAIs(request)).toEqual([]);
  });
});
