import { budgetPressure } from './budget-pacer';

describe('budgetPressure', () => {
  it('is zero on or below the pace line', () => {
    expect(budgetPressure({ spentUsd: 40, budgetUsd: 100, elapsedFraction: 0.5 })).toBe(0);
    expect(budgetPressure({ spentUsd: 50, budgetUsd: 100, elapsedFraction: 0.5 })).toBe(0);
  });

  it('grows with overspend and saturates at the tolerance', () => {
    expect(budgetPressure({ spentUsd: 50.5, budgetUsd: 100, elapsedFraction: 0.5 })).toBeCloseTo(0.5, 6);
    expect(budgetPressure({ spentUsd: 52, budgetUsd: 100, elapsedFraction: 0.5, tolerance: 0.04 })).toBeCloseTo(0.5, 6);
    expect(budgetPressure({ spentUsd: 60, budgetUsd: 100, elapsedFraction: 0.5 })).toBe(1);
  });

  it('is full when there is no budget', () => {
    expect(budgetPressure({ spentUsd: 0, budgetUsd: 0, elapsedFraction: 0 })).toBe(1);
  });
});
