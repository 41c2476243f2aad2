import { mapGeminiUsage } from './map-gemini-usage';

describe('mapGeminiUsage', () => {
  it('counts thoughts as completion tokens and reports cached and reasoning tokens', () => {
    expect(mapGeminiUsage({ promptTokenCount: 1200, candidatesTokenCount: 50, thoughtsTokenCount: 300, cachedContentTokenCount: 1024, totalTokenCount: 1550 })).toEqual({
      prompt_tokens: 1200,
      completion_tokens: 350,
      total_tokens: 1550,
      prompt_tokens_details: { cached_tokens: 1024 },
      completion_tokens_details: { reasoning_tokens: 300 },
    });
  });
  it('treats missing counters as zero', () => {
    expect(mapGeminiUsage({ promptTokenCount: 3 })).toEqual({
      prompt_tokens: 3,
      completion_tokens: 0,
      total_tokens: 3,
      prompt_tokens_details: { cached_tokens: 0 },
      completion_tokens_details: { reasoning_tokens: 0 },
    });
  });
});
