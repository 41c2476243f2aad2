import { classShare, firstHalfShare } from './improvement-diagnose';

describe('silent_improvement diagnosis', () => {
  // Requests alternate general / math; arm 1 serves general from request 6 on, arm 0 everything else.
  const n = 20;
  const taskClass = Array.from({ length: n }, (_, i) => (i % 2 === 0 ? 'general' : 'math'));
  const served = Int8Array.from({ length: n }, (_, i) => (i % 2 === 0 && i >= 6 ? 1 : 0));

  it("reads an arm's share of one class's requests", () => {
    expect(classShare({ taskClass, served }, 1, 'general', 0, 10)).toBeCloseTo(2 / 5, 9);
    expect(classShare({ taskClass, served }, 1, 'math', 0, 10)).toBe(0);
    expect(classShare({ taskClass, served }, 1, 'code', 0, 10)).toBeNaN();
  });

  it('finds the first window in which the arm serves at least half the class, or none', () => {
    // Window of 4 from t: general requests t, t+2 (t even); both arm 1 from t = 6, one of two from t = 4.
    expect(firstHalfShare({ taskClass, served }, 1, 'general', 0, 4, 1)).toBe(3);
    expect(firstHalfShare({ taskClass, served }, 1, 'general', 0, 4, 2)).toBe(4);
    expect(firstHalfShare({ taskClass, served }, 0, 'math', 0, 4, 1)).toBe(0);
    expect(firstHalfShare({ taskClass, served: new Int8Array(n) }, 1, 'general', 0, 4, 1)).toBeUndefined();
  });
});
