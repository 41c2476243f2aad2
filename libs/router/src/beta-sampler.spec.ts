import { seededRandom, type Random } from '../../core/src';
import { sampleBeta, sampleBetasInto, sampleGamma, sampleNormal, ZIGGURAT_RATIO, ZIGGURAT_X } from './beta-sampler';

// Reference distribution functions for the tests (Numerical Recipes' forms, double precision).

const LANCZOS = [0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059, 12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7];

/** log Gamma(x) for x > 0 (Lanczos, g = 7). */
function logGamma(x: number): number {
  if (x < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * x)) - logGamma(1 - x);
  const z = x - 1;
  let a = LANCZOS[0];
  const t = z + 7.5;
  for (let i = 1; i < 9; i++) a += LANCZOS[i] / (z + i);
  return 0.5 * Math.log(2 * Math.PI) + (z + 0.5) * Math.log(t) - t + Math.log(a);
}

/** The regularised lower incomplete gamma P(a, x). */
function gammaP(a: number, x: number): number {
  if (x <= 0) return 0;
  const front = Math.exp(a * Math.log(x) - x - logGamma(a));
  if (x < a + 1) {
    let term = 1 / a;
    let sum = term;
    for (let n = 1; n < 100_000 && Math.abs(term) > Math.abs(sum) * 1e-15; n++) sum += term *= x / (a + n);
    return front * sum;
  }
  return 1 - front * lentz((n) => (n === 0 ? 0 : -n * (n - a)), (n) => x + 2 * n + 1 - a);
}

/** The regularised incomplete beta I_x(a, b). */
function betaCdf(a: number, b: number, x: number): number {
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  if (x > (a + 1) / (a + b + 2)) return 1 - betaCdf(b, a, 1 - x);
  const front = Math.exp(a * Math.log(x) + b * Math.log1p(-x) - (logGamma(a) + logGamma(b) - logGamma(a + b))) / a;
  // I_x(a, b)'s continued fraction: d_{2m+1} = -(a+m)(a+b+m)x / ((a+2m)(a+2m+1)), d_{2m} = m(b-m)x / ((a+2m-1)(a+2m)).
  const d = (n: number) => {
    const m = n >> 1;
    return n % 2 === 1 ? (-(a + m) * (a + b + m) * x) / ((a + 2 * m) * (a + 2 * m + 1)) : (m * (b - m) * x) / ((a + 2 * m - 1) * (a + 2 * m));
  };
  return front * lentz(d, () => 1);
}

/** 1 / (b(0) + a(1) / (b(1) + a(2) / (b(2) + ...))), by the modified Lentz method. */
function lentz(a: (n: number) => number, b: (n: number) => number): number {
  const tiny = 1e-300;
  let f = b(0) || tiny;
  let c = f;
  let d = 0;
  for (let n = 1; n < 100_000; n++) {
    d = b(n) + a(n) * d;
    if (Math.abs(d) < tiny) d = tiny;
    c = b(n) + a(n) / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    const delta = c * d;
    f *= delta;
    if (Math.abs(delta - 1) < 1e-15) break;
  }
  return 1 / f;
}

/** Phi, the standard normal CDF, from erfc(|x| / sqrt 2): its series below 3, its continued fraction above. */
function normalCdf(x: number): number {
  const z = Math.abs(x) / Math.SQRT2;
  let erfc: number;
  if (z < 3) {
    let sum = z;
    let term = z;
    for (let n = 1; Math.abs(term) > 1e-17 * Math.abs(sum); n++) {
      term *= (-z * z) / n;
      sum += term / (2 * n + 1);
    }
    erfc = 1 - (2 / Math.sqrt(Math.PI)) * sum;
  } else {
    let fraction = 0;
    for (let k = 60; k >= 1; k--) fraction = k / 2 / (z + fraction);
    erfc = Math.exp(-z * z) / Math.sqrt(Math.PI) / (z + fraction);
  }
  return x < 0 ? erfc / 2 : 1 - erfc / 2;
}

/** Kolmogorov-Smirnov: the largest distance between the sample's empirical CDF and `cdf`. */
function ksDistance(sample: Float64Array, cdf: (x: number) => number): number {
  const sorted = Float64Array.from(sample).sort();
  const n = sorted.length;
  let d = 0;
  for (let i = 0; i < n; i++) {
    const f = cdf(sorted[i]);
    d = Math.max(d, (i + 1) / n - f, f - i / n);
  }
  return d;
}

/** The two-sample statistic. */
function ksTwoSample(first: Float64Array, second: Float64Array): number {
  const a = Float64Array.from(first).sort();
  const b = Float64Array.from(second).sort();
  let i = 0;
  let j = 0;
  let d = 0;
  while (i < a.length && j < b.length) {
    const x = Math.min(a[i], b[j]);
    while (i < a.length && a[i] === x) i++;
    while (j < b.length && b[j] === x) j++;
    d = Math.max(d, Math.abs(i / a.length - j / b.length));
  }
  return d;
}

/** The KS distance a sample of n exceeds with probability 0.001 when it is drawn from the CDF (asymptotic). */
const ksCritical = (n: number) => Math.sqrt(-Math.log(0.0005) / (2 * n));

const draws = (n: number, draw: () => number) => Float64Array.from({ length: n }, draw);

describe('the ziggurat tables', () => {
  it('stack 128 layers of equal area (to 1e-13) whose top ends at f(0) = 1', () => {
    const f = (x: number) => Math.exp(-0.5 * x * x);
    expect(ZIGGURAT_X[128]).toBe(0);
    for (let i = 1; i < 128; i++) expect(ZIGGURAT_X[i + 1]).toBeLessThan(ZIGGURAT_X[i]);
    const area = ZIGGURAT_X[0] * f(ZIGGURAT_X[1]);
    // Each layer i >= 1: width X[i], from f(X[i]) up to f(X[i + 1]); the top one's upper edge is f(0).
    for (let i = 1; i < 128; i++) expect(Math.abs(ZIGGURAT_X[i] * (f(ZIGGURAT_X[i + 1]) - f(ZIGGURAT_X[i])) / area - 1)).toBeLessThan(1e-13);
    // The bottom layer: the rectangle R x f(R) plus the tail beyond R, sqrt(2 pi) (1 - Phi(R)).
    const r = ZIGGURAT_X[1];
    expect(Math.abs((r * f(r) + Math.sqrt(2 * Math.PI) * (1 - normalCdf(r))) / area - 1)).toBeLessThan(1e-13);
    for (let i = 0; i < 128; i++) expect(ZIGGURAT_RATIO[i]).toBe(ZIGGURAT_X[i + 1] / ZIGGURAT_X[i]);
  });
});

describe('sampleNormal', () => {
  it('draws the standard normal (Kolmogorov-Smirnov against Phi; mean, variance, tails)', () => {
    const n = 200_000;
    const random = seededRandom(21);
    const sample = draws(n, () => sampleNormal(random));
    expect(ksDistance(sample, normalCdf)).toBeLessThan(ksCritical(n));
    let sum = 0;
    let sumSq = 0;
    let beyondR = 0;
    let beyond2 = 0;
    for (const x of sample) {
      sum += x;
      sumSq += x * x;
      if (Math.abs(x) > ZIGGURAT_X[1]) beyondR++;
      if (Math.abs(x) > 2) beyond2++;
    }
    expect(Math.abs(sum / n)).toBeLessThan(4 / Math.sqrt(n));
    expect(Math.abs(sumSq / n - 1)).toBeLessThan(4 * Math.sqrt(2 / n));
    // The tail beyond R (the bottom layer's tail, drawn by its own method): P = 2 (1 - Phi(R)) = 5.76e-4.
    const tailP = 2 * (1 - normalCdf(ZIGGURAT_X[1]));
    expect(Math.abs(beyondR - n * tailP)).toBeLessThan(4 * Math.sqrt(n * tailP));
    const p2 = 2 * (1 - normalCdf(2));
    expect(Math.abs(beyond2 - n * p2)).toBeLessThan(4 * Math.sqrt(n * p2));
  });

  // Chi-square on 255 bins of |x| cut at the ziggurat's edges X[i] and their midpoints (the tail beyond R
  // one bin): each layer's wedge is in bins of its own, where a wrong wedge step shows, which the KS
  // distance, spread over the whole line, does not see (the first wrong variant below reads 0.0014 at
  // 400,000 draws, under the 0.0031 allowed). 329.4 is the 0.999 quantile of chi-square with 254 degrees of freedom; the right sampler
  // reads 230-290 on seeds 21-23 at 400,000 draws, the wrong ones 490-670.
  const edges = (() => {
    const cuts = [0];
    for (let i = 127; i >= 1; i--) cuts.push((ZIGGURAT_X[i + 1] + ZIGGURAT_X[i]) / 2, ZIGGURAT_X[i]);
    return cuts;
  })();
  const chiSquareAtLayers = (sample: Float64Array) => {
    const counts = new Float64Array(edges.length);
    for (const x of sample) {
      const a = Math.abs(x);
      let lo = 0;
      let hi = edges.length - 1;
      while (lo < hi) {
        const mid = (lo + hi + 1) >> 1;
        if (edges[mid] <= a) lo = mid;
        else hi = mid - 1;
      }
      counts[lo]++;
    }
    let chi = 0;
    for (let k = 0; k < edges.length; k++) {
      const p = 2 * ((k + 1 < edges.length ? normalCdf(edges[k + 1]) : 1) - normalCdf(edges[k]));
      const expected = sample.length * p;
      chi += (counts[k] - expected) ** 2 / expected;
    }
    return chi;
  };
  const CHI_SQUARE_254_0999 = 329.4;

  it('draws the standard normal in each layer and wedge (chi-square at the ziggurat\'s edges)', () => {
    const random = seededRandom(22);
    expect(chiSquareAtLayers(draws(400_000, () => sampleNormal(random)))).toBeLessThan(CHI_SQUARE_254_0999);
  });

  it.each([
    [
      'keeps every point of a wedge (no height test)',
      (random: Random) => {
        const r = random() * 128;
        const layer = r | 0;
        const u = 2 * (r - layer) - 1;
        return Math.abs(u) < ZIGGURAT_RATIO[layer] || layer > 0 ? u * ZIGGURAT_X[layer] : sampleNormal(random);
      },
    ],
    [
      'after a rejected wedge point tries again in the same layer',
      (random: Random) => {
        const r = random() * 128;
        const layer = r | 0;
        let u = 2 * (r - layer) - 1;
        for (;;) {
          if (Math.abs(u) < ZIGGURAT_RATIO[layer]) return u * ZIGGURAT_X[layer];
          if (layer === 0) return sampleNormal(random);
          const x = u * ZIGGURAT_X[layer];
          const bottom = Math.exp(-0.5 * (ZIGGURAT_X[layer] ** 2 - x * x));
          const top = Math.exp(-0.5 * (ZIGGURAT_X[layer + 1] ** 2 - x * x));
          if (top + random() * (bottom - top) < 1) return x;
          u = 2 * random() - 1;
        }
      },
    ],
  ])('the same test rejects a ziggurat that %s', (_, wrong) => {
    const random = seededRandom(22);
    expect(chiSquareAtLayers(draws(400_000, () => wrong(random)))).toBeGreaterThan(CHI_SQUARE_254_0999);
  });
});

/** Shapes from tiny to 1e4: both above 1 (Cheng's BB, down to its edge), one at or below 1 (gammas, the boost below 1). */
const SHAPES: Array<[number, number]> = [
  [1, 1],
  [0.5, 0.5],
  [0.05, 2],
  [0.3, 40],
  [1, 3],
  [2, 8],
  [30, 10],
  [1.5, 0.7],
  [1.01, 1.01],
  [1.2, 500],
  [1e4, 1e4],
  [1e4, 3],
  [120, 1e4],
];

describe('sampleBeta', () => {
  it.each(SHAPES)('draws Beta(%p, %p) (Kolmogorov-Smirnov against its CDF)', (a, b) => {
    const random = seededRandom(Math.round(1000 * a + b));
    const n = 20_000;
    const sample = draws(n, () => sampleBeta(a, b, random));
    expect(sample.filter((x) => !(x >= 0 && x <= 1)).length).toBe(0);
    expect(ksDistance(sample, (x) => betaCdf(a, b, x))).toBeLessThan(ksCritical(n));
  });

  it.each([
    [1, 1],
    [2, 8],
    [30, 10],
    [0.5, 0.5],
    [1e4, 1e4],
  ])('matches the mean and variance of Beta(%p, %p)', (a, b) => {
    const random = seededRandom(7);
    const n = 20000;
    let sum = 0;
    let sumSq = 0;
    for (let i = 0; i < n; i++) {
      const x = sampleBeta(a, b, random);
      sum += x;
      sumSq += x * x;
    }
    const mean = sum / n;
    const variance = sumSq / n - mean * mean;
    const trueVariance = (a * b) / ((a + b) ** 2 * (a + b + 1));
    expect(Math.abs(mean - a / (a + b))).toBeLessThan(4 * Math.sqrt(trueVariance / n));
    expect(Math.abs(variance / trueVariance - 1)).toBeLessThan(0.05);
  });

  it.each([
    [1e-3, 1e-3],
    [1e-3, 4e-3],
    [0.02, 2e-3],
    [5e-4, 3],
  ])('draws Beta(%p, %p) whose gammas underflow (the share below each of 1e-300 ... 1 - 1e-9 against its CDF)', (a, b) => {
    // At shapes near 0 most of the mass sits within 1e-300 of 0 or of 1, where both gammas of the ratio
    // underflow; the draw is then taken from their logarithms. It was drawn as 0.5 until session 13.
    const random = seededRandom(Math.round(1e5 * a + 1e3 * b));
    const n = 20_000;
    const sample = draws(n, () => sampleBeta(a, b, random));
    expect(sample.filter((x) => !(x >= 0 && x <= 1)).length).toBe(0);
    for (const t of [1e-300, 1e-200, 1e-100, 1e-30, 1e-5, 0.5, 1 - 1e-9]) {
      const p = betaCdf(a, b, t);
      const share = sample.filter((x) => x <= t).length / n;
      expect(Math.abs(share - p)).toBeLessThan(4.5 * Math.sqrt((p * (1 - p)) / n) + 1 / n);
    }
    if (a === b) expect(sample.filter((x) => x === 0.5).length).toBe(0);
  });

  it('the same test rejects Marsaglia and Tsang without their rejection step (d v kept whatever u says)', () => {
    // The cube of a shifted normal alone is Wilson and Hilferty's approximation: close, not exact.
    const random = seededRandom(1003);
    const approximateGamma = (shape: number) => {
      const d = shape - 1 / 3;
      const c = 1 / Math.sqrt(9 * d);
      for (;;) {
        const v = 1 + c * sampleNormal(random);
        if (v > 0) return d * v * v * v;
      }
    };
    const n = 50_000;
    const sample = draws(n, () => {
      const x = approximateGamma(1);
      return x / (x + approximateGamma(3));
    });
    expect(ksDistance(sample, (x) => betaCdf(1, 3, x))).toBeGreaterThan(2 * ksCritical(n));
  });

  it.each([
    ['keeps every proposal', () => true],
    ['rejects what the two squeezes do not accept (no exact test)', (s: number, t: number) => s > t],
  ])("the same test rejects Cheng's BB that %s", (_, accept: (s: number, t: number) => boolean) => {
    const random = seededRandom(1004);
    const [a, b] = [2, 8];
    const scale = Math.sqrt((a + b - 2) / (2 * a * b - a - b));
    const draw = () => {
      for (;;) {
        const u1 = random();
        const u2 = random();
        const v = scale * Math.log(u1 / (1 - u1));
        const w = a * Math.exp(v);
        const z = u1 * u1 * u2;
        const s = a + (a + 1 / scale) * v - Math.log(4) - w;
        if (s + 1 + Math.log(5) >= 5 * z || accept(s, Math.log(z))) return w / (b + w);
      }
    };
    const n = 20_000;
    expect(ksDistance(draws(n, draw), (x) => betaCdf(a, b, x))).toBeGreaterThan(2 * ksCritical(n));
  });
});

describe('sampleGamma', () => {
  it.each([0.2, 1, 2.5, 80])('draws Gamma(%p, 1) (Kolmogorov-Smirnov against P(shape, x))', (shape) => {
    const random = seededRandom(Math.round(100 * shape));
    const n = 50_000;
    expect(ksDistance(draws(n, () => sampleGamma(shape, random)), (x) => gammaP(shape, x))).toBeLessThan(ksCritical(n));
  });
});

/** Marsaglia and Tsang's gamma, written plainly, with the normal sampler given (and the shape < 1 boost). */
function plainMarsagliaTsang(shape: number, random: Random, normal: (random: Random) => number): number {
  if (shape < 1) {
    const u = random() || Number.MIN_VALUE;
    return plainMarsagliaTsang(shape + 1, random, normal) * Math.pow(u, 1 / shape);
  }
  const d = shape - 1 / 3;
  const c = 1 / Math.sqrt(9 * d);
  for (;;) {
    let x: number;
    let v: number;
    do {
      x = normal(random);
      v = 1 + c * x;
    } while (v <= 0);
    v = v * v * v;
    const u = random();
    if (u < 1 - 0.0331 * x * x * x * x) return d * v;
    if (Math.log(u) < 0.5 * x * x + d * (1 - v + Math.log(v))) return d * v;
  }
}

/** The Box-Muller normal of the sampler before routing round 14. */
function boxMuller(random: Random): number {
  let u = 0;
  while (u === 0) u = random();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random());
}

/** The sampler before routing round 14, for its distribution. */
function previousSampleGamma(shape: number, random: Random): number {
  return plainMarsagliaTsang(shape, random, boxMuller);
}

describe('against the previous (Box-Muller) sampler', () => {
  it.each([
    [1, 1],
    [0.4, 6],
    [25, 300],
  ])('Beta(%p, %p): the two samplers draw the same distribution (two-sample Kolmogorov-Smirnov)', (a, b) => {
    const mine = seededRandom(31);
    const theirs = seededRandom(32);
    const n = 50_000;
    const now = draws(n, () => sampleBeta(a, b, mine));
    const before = draws(n, () => {
      const x = previousSampleGamma(a, theirs);
      const y = previousSampleGamma(b, theirs);
      return x + y === 0 ? 0.5 : x / (x + y);
    });
    expect(ksTwoSample(now, before)).toBeLessThan(ksCritical(n / 2));
  });
});

/**
 * The sampler composed the plain way: Marsaglia and Tsang calling `sampleNormal` per try, `sampleGamma`
 * per shape, Cheng's BB in R's form; `sampleBeta` writes the ziggurat's common case out in its gamma loop
 * (routing rounds 13, 14).
 */
function composedSampleGamma(shape: number, random: Random): number {
  const [x, logX] = composedGammaAndLog(shape, random);
  return x >= 2 ** -900 ? x : Math.exp(logX);
}

/** A gamma draw and its logarithm; below 1 the boost's, log Gamma(shape + 1) + log(U) / shape, where the draw is tiny. */
function composedGammaAndLog(shape: number, random: Random): [number, number] {
  if (shape >= 1) {
    const x = plainMarsagliaTsang(shape, random, sampleNormal);
    return [x, Math.log(x)];
  }
  const u = random() || Number.MIN_VALUE;
  const g = plainMarsagliaTsang(shape + 1, random, sampleNormal);
  const x = g * Math.pow(u, 1 / shape);
  return [x, x >= 2 ** -900 ? Math.log(x) : Math.log(g) + Math.log(u) / shape];
}

/** Cheng's BB written as R's rbeta writes it (a do-while on the exact test), with the constants in full. */
function plainChengBB(aa: number, bb: number, random: Random): number {
  const a = Math.min(aa, bb);
  const b = Math.max(aa, bb);
  const alpha = a + b;
  const beta = Math.sqrt((alpha - 2) / (2 * a * b - alpha));
  const gamma = a + 1 / beta;
  let w = 0;
  let r = 0;
  let t = 0;
  do {
    let u1 = random();
    while (u1 === 0) u1 = random();
    const u2 = random();
    const v = beta * Math.log(u1 / (1 - u1));
    w = a * Math.exp(v);
    const z = u1 * u1 * u2;
    r = gamma * v - Math.log(4);
    const s = a + r - w;
    if (s + 1 + Math.log(5) >= 5 * z) break;
    t = Math.log(z);
    if (s > t) break;
  } while (r + alpha * Math.log(alpha / (b + w)) < t);
  return aa !== a ? b / (b + w) : w / (b + w);
}

function composedSampleBeta(alpha: number, beta: number, random: Random): number {
  if (alpha > 1 && beta > 1) return plainChengBB(alpha, beta, random);
  const [x, logX] = composedGammaAndLog(alpha, random);
  const [y, logY] = composedGammaAndLog(beta, random);
  return x >= 2 ** -900 && y >= 2 ** -900 ? x / (x + y) : 1 / (1 + Math.exp(logY - logX));
}

describe('sampleBeta and sampleGamma draws', () => {
  it('are those of the plainly composed sampler bit for bit, leaving the random source where it left it', () => {
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
      expect(Object.is(sampleBeta(a, b, mine), composedSampleBeta(a, b, theirs))).toBe(true);
      expect(Object.is(sampleGamma(a, mine), composedSampleGamma(a, theirs))).toBe(true);
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
