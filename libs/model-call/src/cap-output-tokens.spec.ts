import type { ChatRequest } from '../../core/src';
import { capOutputTokens } from './cap-output-tokens';

describe('capOutputTokens', () => {
  const base: ChatRequest = { model: 'm', messages: [{ role: 'user', content: 'Hi' }] };

  it("lowers a limit above the model's own to it, in whichever field the request set", () => {
    expect(capOutputTokens({ ...base, max_tokens: 32_768 }, 16_384)).toEqual({ ...base, max_tokens: 16_384 });
    expect(capOutputTokens({ ...base, max_completion_tokens: 100_000 }, 64_000)).toEqual({ ...base, max_completion_tokens: 64_000 });
    expect(capOutputTokens({ ...base, max_tokens: 100_000, max_completion_tokens: 500 }, 8192)).toEqual({ ...base, max_tokens: 8192, max_completion_tokens: 500 });
  });

  it('leaves a limit within it, none, or a model whose own is unknown as they are (the same object)', () => {
    for (const [request, most] of [
      [{ ...base, max_tokens: 500 }, 16_384],
      [{ ...base, max_completion_tokens: 16_384 }, 16_384],
      [{ ...base, max_tokens: null }, 16_384],
      [base, 16_384],
      [{ ...base, max_tokens: 100_000 }, undefined],
    ] as const) {
      expect(capOutputTokens(request, most)).toBe(request);
    }
  });
});
