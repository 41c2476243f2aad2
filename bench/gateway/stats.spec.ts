import { differences, parseCpuMs, parseRssKb, percentile, rssTrend } from './stats';

describe('gateway bench stats', () => {
  it('takes nearest-rank percentiles', () => {
    const samples = [5, 1, 4, 2, 3, 6, 7, 8, 9, 10];
    expect(percentile(samples, 50)).toBe(5);
    expect(percentile(samples, 99)).toBe(10);
    expect(percentile(samples, 0)).toBe(1);
    expect(percentile([], 50)).toBeNaN();
  });

  it('rssTrend compares quarter medians, ignoring the first sample and single swings', () => {
    // Flat with a sawtooth: no growth, though the last sample is 30% above the first settled one.
    const sawtooth = rssTrend([150, 200, 300, 210, 290, 205, 295, 200, 260, 290, 200, 300, 210]);
    expect(Math.abs(sawtooth.growth)).toBeLessThan(0.1);
    // A steady climb shows.
    const leak = rssTrend([100, 200, 220, 240, 260, 280, 300, 320, 340, 360]);
    expect(leak.growth).toBeGreaterThan(0.3);
  });

  it('differences pair rounds', () => {
    expect(differences([3, 5, 9], [1, 1])).toEqual([2, 4]);
  });

  it('reads CPU ticks past a command name with spaces', () => {
    const stat = '1234 (node my app) S 1 1234 1234 0 -1 4194560 100 0 0 0 250 50 0 0 20 0 11 0 500 1000 2000';
    expect(parseCpuMs(stat)).toBe(3000);
  });

  it('reads VmRSS', () => {
    expect(parseRssKb('Name:\tnode\nVmPeak:\t 999 kB\nVmRSS:\t   81234 kB\n')).toBe(81234);
    expect(parseRssKb('Name:\tnode\n')).toBeNaN();
  });
});
