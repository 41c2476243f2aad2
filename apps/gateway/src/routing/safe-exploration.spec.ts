import { GATED_SAFE_EXPLORATION } from '../../../../libs/router/src';
import { contextPriorStrengthOf, safeExplorationMode, safeExplorationOf } from './safe-exploration';

describe('safeExplorationOf', () => {
  it("keeps the operator's floor_confidence and explore_cheaper_share, whatever the gate reads", () => {
    const route = { floorConfidence: 0.95, exploreCheaperShare: 0.1 };
    for (const prompt of [true, false]) expect(safeExplorationOf(route, prompt)).toEqual({ floorConfidence: 0.95, exploreCheaperShare: 0.1 });
    expect(safeExplorationOf({ floorConfidence: 0.85 }, true)).toEqual({ floorConfidence: 0.85 });
  });

  it('with floor_confidence: auto follows the gate: 0.8 with a cheaper share of 0.3 while scores arrive promptly, else 0.9 alone', () => {
    const route = { gatedSafeExploration: true };
    expect(safeExplorationOf(route, true)).toEqual({ floorConfidence: 0.8, exploreCheaperShare: 0.3 });
    expect(safeExplorationOf(route, false)).toEqual({ floorConfidence: 0.9 });
    expect(safeExplorationOf(route, true)).toBe(GATED_SAFE_EXPLORATION.prompt);
  });

  it('is off when floor_confidence is unset', () => {
    expect(safeExplorationOf({}, true)).toEqual({});
    expect(safeExplorationMode({})).toBe('off');
    expect(safeExplorationMode({ gatedSafeExploration: true })).toBe('gated');
    expect(safeExplorationMode({ floorConfidence: 0.9 })).toBe('configured');
  });
});

describe('contextPriorStrengthOf', () => {
  it("takes the route's, else 32 with safe exploration (a number or auto), else 8", () => {
    expect(contextPriorStrengthOf({})).toBe(8);
    expect(contextPriorStrengthOf({ floorConfidence: 0.9 })).toBe(32);
    expect(contextPriorStrengthOf({ gatedSafeExploration: true })).toBe(32);
    expect(contextPriorStrengthOf({ floorConfidence: 0.9, contextPriorStrength: 2 })).toBe(2);
    expect(contextPriorStrengthOf({ contextPriorStrength: 16 })).toBe(16);
  });
});
