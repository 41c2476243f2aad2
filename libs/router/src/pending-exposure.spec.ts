import { explorationPaused } from './pending-exposure';

describe('explorationPaused', () => {
  it('is false when the count of scores in flight is not known (the gateway today)', () => {
    expect(explorationPaused(undefined, 1, 1)).toBe(false);
  });

  it('pauses only when more scores are in flight than the posterior holds evidence', () => {
    // Beta(20, 12): 32 pseudo-observations.
    expect(explorationPaused(32, 20, 12)).toBe(false);
    expect(explorationPaused(33, 20, 12)).toBe(true);
    expect(explorationPaused(0, 0.5, 0.5)).toBe(false);
  });
});
