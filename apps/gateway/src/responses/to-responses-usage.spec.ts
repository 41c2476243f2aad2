import { toResponsesUsage } from './to-responses-usage';

describe('toResponsesUsage', () => {
  it('renames prompt/completion to input/output, with cached and reasoning tokens', () => {
    expect(
      toResponsesUsage({ prompt_tokens: 2025, completion_tokens: 40, total_tokens: 2065, prompt_tokens_details: { cached_tokens: 1800 }, completion_tokens_details: { reasoning_tokens: 32 } }),
    ).toEqual({ input_tokens: 2025, input_tokens_details: { cached_tokens: 1800 }, output_tokens: 40, output_tokens_details: { reasoning_tokens: 32 }, total_tokens: 2065 });
  });

  it('counts zero for what the provider did not report', () => {
    expect(toResponsesUsage({ prompt_tokens: 3, completion_tokens: 4, total_tokens: 7 })).toEqual({
      input_tokens: 3,
      input_tokens_details: { cached_tokens: 0 },
      output_tokens: 4,
      output_tokens_details: { reasoning_tokens: 0 },
      total_tokens: 7,
    });
    expect(toResponsesUsage(undefined).total_tokens).toBe(0);
  });
});
