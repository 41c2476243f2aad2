import { DEFAULT_RESERVED_COMPLETION_TOKENS, worstCaseCostUsd, worstCaseOverModels } from './worst-case-cost';

const small = { inputPer1M: 1, outputPer1M: 2, contextWindow: 8000 };
const big = { inputPer1M: 10, outputPer1M: 30, contextWindow: 1_000_000 };

describe('worstCaseCostUsd', () => {
  it('prices prompt tokens at the input price and max tokens at the output price', () => {
    expect(worstCaseCostUsd(small, 1000, 500)).toBeCloseTo((1000 * 1 + 500 * 2) / 1e6, 15);
  });

  it('without max tokens, reserves the context remainder up to the documented cap', () => {
    expect(worstCaseCostUsd(small, 7000, undefined)).toBeCloseTo((7000 * 1 + 1000 * 2) / 1e6, 15);
    expect(worstCaseCostUsd(big, 1000, undefined)).toBeCloseTo((1000 * 10 + DEFAULT_RESERVED_COMPLETION_TOKENS * 30) / 1e6, 15);
  });

  it("counts max tokens above the model's output limit as that limit, which is what its call asks for", () => {
    const limited = { ...big, maxOutputTokens: 16_384 };
    expect(worstCaseCostUsd(limited, 1000, 100_000)).toBeCloseTo((1000 * 10 + 16_384 * 30) / 1e6, 15);
    expect(worstCaseCostUsd(limited, 1000, 500)).toBeCloseTo((1000 * 10 + 500 * 30) / 1e6, 15);
  });

  it('takes the dearest model a request may fall back to', () => {
    expect(worstCaseOverModels([small, big], 100, 10)).toBe(worstCaseCostUsd(big, 100, 10));
    expect(worstCaseOverModels([], 100, 10)).toBe(0);
  });
});
