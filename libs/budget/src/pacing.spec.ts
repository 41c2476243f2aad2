import { pressureFor } from './pacing';

describe('pressureFor', () => {
  it('is zero on pace and far from the cap', () => {
    expect(pressureFor(10, 100, 0.5)).toBe(0);
    expect(pressureFor(0, 100, 1)).toBe(0);
  });

  it('rises as spend runs ahead of the period pace', () => {
    const a = pressureFor(55, 100, 0.5);
    const b = pressureFor(58, 100, 0.5);
    expect(a).toBeGreaterThan(0);
    expect(b).toBeGreaterThan(a);
    expect(pressureFor(70, 100, 0.5)).toBe(1);
  });

  it('ramps from 80% of the cap to full at the cap, whatever the pace (rolling windows too)', () => {
    expect(pressureFor(80, 100, 1)).toBe(0);
    expect(pressureFor(90, 100, 1)).toBeCloseTo(0.5, 10);
    expect(pressureFor(100, 100, 1)).toBe(1);
    expect(pressureFor(1, 0, 0.2)).toBe(1);
  });
});
