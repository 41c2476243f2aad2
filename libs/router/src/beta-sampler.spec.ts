import { seededRandom } from '../../core/src';
import { sampleBeta, sampleBetasInto, sampleGamma } from './beta-sampler';

describe('sampleBeta', () => {
  it.each([
    [1, 1],
    [2, 8],
    [30, 10],
    [0.5, 0.5],
  ])('matches the mean and variance of Beta(%p, %p)', (a, b) => {
    const random = seededRandom(7);
    const n = 20000;
    let sum = 0;
    let sumSq = 0;
    for (let i = 0; i < n; i++) {
      const x = sampleBeta(a, b, random);
      expect(x).toBeGreaterThanOrEqual(0);
      expect(x).toBeLessThanOrEqual(1);
      sum += x;
      sumSq += x * x;
    }
    const mean = sum / n;
    const variance = sumSq / n - mean * mean;
    expect(mean).toBeCloseTo(a / (a + b), 2);
    expect(variance).toBeCloseTo((a * b) / ((a + b) ** 2 * (a + b + 1)), 2);
  });
});

/** The sampler before routing round 13 (sampleNormal called per try, sampleGamma per shape), for the draws. */
function previousSampleNormal(random: () => number): number {
  let u = 0;
  while (u === 0) u = random();
  const v = random();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}

function previousSampleGamma(shape: number, random: () => number): number {
  if (shape < 1) {
    const u = random() || Number.MIN_VALUE;
    return previousSampleGamma(shape + 1, random) * Math.pow(u, 1 / shape);
  }
  const d = shape - 1 / 3;
  const c = 1 / Math.sqrt(9 * d);
  for (;;) {
    let x: number;
    let v: number;
    do {
      x = previousSampleNormal(random);
      v = 1 + c * x;
    } while (v <= 0);
    v = v * v * v;
    const u = random();
    if (u < 1 - 0.0331 * x * x * x * x) return d * v;
    if (Math.log(u) < 0.5 * x * x + d * (1 - v + Math.log(v))) return d * v;
  }
}

function previousSampleBeta(alpha: number, beta: number, random: () => number): number {
  const x = previousSampleGamma(alpha, random);
  const y = previousSampleGamma(beta, random);
  return x + y === 0 ? 0.5 : x / (x + y);
}

describe('sampleBeta and sampleGamma draws', () => {
  it('are the previous sampler draws bit for bit, leaving the random source where it left it', () => {
    const shapes = seededRandom(11);
    const shape = () => {
      const r = shapes();
      if (r < 0.1) return 1;
      if (r < 0.25) return 1e-3 + shapes();
      if (r < 0.5) return 1 + 4 * shapes();
      if (r < 0.9) return 500 * shapes();
      return 1e5 * shapes();
    };
    const mine = seededRandom(12);
    const theirs = seededRandom(12);
    for (let i = 0; i < 20_000; i++) {
      const a = shape();
      const b = shape();
      expect(Object.is(sampleBeta(a, b, mine), previousSampleBeta(a, b, theirs))).toBe(true);
      expect(Object.is(sampleGamma(a, mine), previousSampleGamma(a, theirs))).toBe(true);
    }
    expect(mine()).toBe(theirs());
  });
});

describe('sampleBetasInto', () => {
  it('draws what sampleBeta draws in index order where asked, 0 elsewhere', () => {
    const shapes = seededRandom(13);
    const mine = seededRandom(14);
    const theirs = seededRandom(14);
    for (let c = 0; c < 200; c++) {
      const n = 1 + Math.floor(shapes() * 60);
      const alpha = Float64Array.from({ length: n }, () => 0.01 + 300 * shapes());
      const beta = Float64Array.from({ length: n }, () => 0.01 + 300 * shapes());
      const draw = Uint8Array.from({ length: n }, () => (shapes() < 0.8 ? 1 : 0));
      const out = new Float64Array(n + 3).fill(-1);
      sampleBetasInto(alpha, beta, draw, n, mine, out);
      for (let i = 0; i < n; i++) expect(Object.is(out[i], draw[i] === 1 ? sampleBeta(alpha[i], beta[i], theirs) : 0)).toBe(true);
      expect(out[n]).toBe(-1);
    }
    expect(mine()).toBe(theirs());
  });
});
