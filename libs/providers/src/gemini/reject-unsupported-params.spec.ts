import type { ChatRequest } from '../../../core/src';
import { rejectUnsupportedGeminiParams } from './reject-unsupported-params';

const base: ChatRequest = { model: 'gemini-2.5-flash', messages: [{ role: 'user', content: 'hi' }] };

describe('rejectUnsupportedGeminiParams', () => {
  it('accepts n, seed, penalties and user', () => {
    expect(() => rejectUnsupportedGeminiParams({ ...base, n: 2, seed: 1, presence_penalty: 0.5, frequency_penalty: 0.5, user: 'u', logprobs: false })).not.toThrow();
  });
  it.each<[Partial<ChatRequest>, string]>([
    [{ logprobs: true }, 'logprobs'],
    [{ top_logprobs: 2 }, 'top_logprobs'],
    [{ logit_bias: { '1': 1 } }, 'logit_bias'],
    [{ modalities: ['audio'] }, 'modalities'],
    [{ reasoning_effort: 'low' }, 'reasoning_effort'],
  ])('rejects %j', (extra, param) => {
    expect(() => rejectUnsupportedGeminiParams({ ...base, ...extra } as ChatRequest)).toThrow(expect.objectContaining({ status: 400, param }));
  });
});
