import { mapAnthropicUsage } from './map-anthropic-usage';

describe('mapAnthropicUsage', () => {
  it('adds cache reads and writes to prompt_tokens and reports reads as cached', () => {
    expect(
      mapAnthropicUsage({ input_tokens: 12, output_tokens: 30, cache_read_input_tokens: 1000, cache_creation_input_tokens: 200 }),
    ).toEqual({ prompt_tokens: 1212, completion_tokens: 30, total_tokens: 1242, prompt_tokens_details: { cached_tokens: 1000 } });
  });

  it('treats missing and null counters as zero', () => {
    expect(mapAnthropicUsage({ input_tokens: 5, cache_read_input_tokens: null })).toEqual({
      prompt_tokens: 5,
      completion_tokens: 0,
      total_tokens: 5,
      prompt_tokens_details: { cached_tokens: 0 },
    });
  });
});
