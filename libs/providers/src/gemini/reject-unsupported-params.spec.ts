import type { ChatRequest } from '../../../core/src';
import { rejectUnsupportedGeminiParams } from './reject-unsupported-params';

const base: ChatRequest = { model: 'gemini-2.5-flash', messages: [{ role: 'user', content: 'hi' }] };

describe('rejectUnsupportedGeminiParams', () => {
  it('accepts n, seed, zero penalties, reasoning_effort and user', () => {
    expect(() =>
      rejectUnsupportedGeminiParams({ ...base, n: 2, seed: 1, presence_penalty: 0, frequency_penalty: 0, reasoning_effort: 'low', user: 'u', logprobs: false }),
    ).not.toThrow();
  });
  it.each<[Partial<ChatRequest>, string]>([
    [{ logprobs: true }, 'logprobs'],
    [{ top_logprobs: 2 }, 'top_logprobs'],
    [{ logit_bias: { '1': 1 } }, 'logit_bias'],
    [{ modalities: ['audio'] }, 'modalities'],
    // Gemini 2.5 and later answer a penalty with a 400 ("Penalty is not enabled for models/...").
    [{ presence_penalty: 0.5 }, 'presence_penalty'],
    [{ frequency_penalty: -0.5 }, 'frequency_penalty'],
  ])('rejects %j', (extra, param) => {
    expect(() => rejectUnsupportedGeminiParams({ ...base, ...extra } as ChatRequest)).toThrow(expect.objectContaining({ status: 400, param, code: 'unsupported_parameter' }));
  });
});
