import { blendedPricePer1M, PRICE_PRIOR_HIGH, PRICE_PRIOR_LOW, pricePriors } from './price-prior';

describe('pricePriors', () => {
  it('maps the cheapest candidate to the low prior, the dearest to the high one, the rest on a log scale', () => {
    const priors = pricePriors([
      { id: 'cheap', inputPer1M: 0.1, outputPer1M: 0.1 },
      { id: 'mid', inputPer1M: 1, outputPer1M: 1 },
      { id: 'dear', inputPer1M: 10, outputPer1M: 10 },
    ])!;
    expect(priors.cheap).toBeCloseTo(PRICE_PRIOR_LOW, 12);
    expect(priors.dear).toBeCloseTo(PRICE_PRIOR_HIGH, 12);
    expect(priors.mid).toBeCloseTo((PRICE_PRIOR_LOW + PRICE_PRIOR_HIGH) / 2, 12);
  });

  it('gives no prior when the candidates cost the same or there is only one', () => {
    expect(pricePriors([{ id: 'a', inputPer1M: 1, outputPer1M: 2 }, { id: 'b', inputPer1M: 1, outputPer1M: 2 }])).toBeUndefined();
    expect(pricePriors([{ id: 'a', inputPer1M: 1, outputPer1M: 2 }])).toBeUndefined();
  });

  it('places a free model with the cheapest instead of failing on log(0)', () => {
    const priors = pricePriors([{ id: 'free', inputPer1M: 0, outputPer1M: 0 }, { id: 'paid', inputPer1M: 1, outputPer1M: 1 }])!;
    expect(priors.free).toBe(PRICE_PRIOR_LOW);
    expect(priors.paid).toBe(PRICE_PRIOR_HIGH);
  });

  it('blends 3 input tokens to 1 output token', () => {
    expect(blendedPricePer1M({ inputPer1M: 1, outputPer1M: 5 })).toBe(2);
  });
});
