import type { ChatRequest } from '../../../core/src';
import { rejectUnsupportedAnthropicParams } from './reject-unsupported-params';

const base: ChatRequest = { model: 'claude', messages: [{ role: 'user', content: 'hi' }] };

describe('rejectUnsupportedAnthropicParams', () => {
  it('accepts what Anthropic can honour, including best-effort seed and zero penalties', () => {
    expect(() => rejectUnsupportedAnthropicParams({ ...base, n: 1, seed: 7, presence_penalty: 0, frequency_penalty: 0, logprobs: false, temperature: 1, stop: ['\nEND'] })).not.toThrow();
  });

  it.each<[Partial<ChatRequest>, string]>([
    [{ n: 2 }, 'n'],
    [{ logprobs: true }, 'logprobs'],
    [{ top_logprobs: 3 }, 'top_logprobs'],
    [{ presence_penalty: 0.5 }, 'presence_penalty'],
    [{ frequency_penalty: -1 }, 'frequency_penalty'],
    [{ logit_bias: { '50256': -100 } }, 'logit_bias'],
    [{ modalities: ['text', 'audio'] }, 'modalities'],
    [{ temperature: 1.5 }, 'temperature'],
    [{ stop: '\n' }, 'stop'],
    [{ stop: ['END', ' \n'] }, 'stop'],
  ])('rejects %j with param %s', (extra, param) => {
    expect(() => rejectUnsupportedAnthropicParams({ ...base, ...extra } as ChatRequest)).toThrow(
      expect.objectContaining({ status: 400, type: 'invalid_request_error', param }),
    );
  });
});
