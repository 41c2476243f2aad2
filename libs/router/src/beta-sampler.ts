import type { Random } from '../../core/src';

/**
 * The ziggurat for the standard normal (Marsaglia and Tsang, "The Ziggurat Method for Generating Random
 * Variables", 2000, in Doornik's form, "An Improved Ziggurat Method to Generate Normal Random Samples",
 * 2005): the half-density f(x) = exp(-x^2 / 2) covered by 128 layers of equal area V, the bottom one a
 * rectangle of width R plus the tail beyond R. `ZIGGURAT_X[i]` is layer i's right edge (X[1] = R, X[128] =
 * 0, X[0] = V / f(R) the bottom layer's width as if it were a rectangle), `ZIGGURAT_RATIO[i]` is
 * X[i + 1] / X[i]: a point of layer i left of X[i + 1] is under the curve whatever its height. R and V
 * are Marsaglia and Tsang's for 128 layers, to 12 digits: the top layer ends within 1e-12 of f(0) = 1
 * (beta-sampler.spec.ts checks it).
 */
const ZIGGURAT_LAYERS = 128;
const ZIGGURAT_R = 3.4426198558966523;
const ZIGGURAT_V = 0.00991256303533646;
export const ZIGGURAT_X = new Float64Array(ZIGGURAT_LAYERS + 1);
export const ZIGGURAT_RATIO = new Float64Array(ZIGGURAT_LAYERS);
{
  let f = Math.exp(-0.5 * ZIGGURAT_R * ZIGGURAT_R);
  ZIGGURAT_X[0] = ZIGGURAT_V / f;
  ZIGGURAT_X[1] = ZIGGURAT_R;
  for (let i = 2; i < ZIGGURAT_LAYERS; i++) {
    ZIGGURAT_X[i] = Math.sqrt(-2 * Math.log(ZIGGURAT_V / ZIGGURAT_X[i - 1] + f));
    f = Math.exp(-0.5 * ZIGGURAT_X[i] * ZIGGURAT_X[i]);
  }
  ZIGGURAT_X[ZIGGURAT_LAYERS] = 0;
  for (let i = 0; i < ZIGGURAT_LAYERS; i++) ZIGGURAT_RATIO[i] = ZIGGURAT_X[i + 1] / ZIGGURAT_X[i];
}

/**
 * Standard normal by the ziggurat above. One uniform r gives both the layer (the integer part of 128 r)
 * and the signed position u in [-1, 1) within it (the fraction, from the bits below the layer's): for a
 * uniform r the two are independent and uniform. About 97.2% of draws (the mean of `ZIGGURAT_RATIO`) end
 * at the first comparison, with no logarithm, exponential or cosine; the rest go to `normalBeyondRectangle`.
 */
export function sampleNormal(random: Random): number {
  const r = random() * ZIGGURAT_LAYERS;
  const layer = r | 0;
  const u = 2 * (r - layer) - 1;
  return Math.abs(u) < ZIGGURAT_RATIO[layer] ? u * ZIGGURAT_X[layer] : normalBeyondRectangle(layer, u, random);
}

/**
 * The ziggurat's rare cases, for a layer and position whose point is not inside the layer's part under
 * the curve: the bottom layer's tail (Marsaglia's 1964 method for x > R), or a layer's wedge, accepted
 * when a uniform height in the layer falls under f(x); a rejected point starts again with a new layer.
 */
function normalBeyondRectangle(layer: number, u: number, random: Random): number {
  if (layer === 0) {
    let x: number;
    let y: number;
    do {
      x = Math.log(random() || Number.MIN_VALUE) / ZIGGURAT_R;
      y = Math.log(random() || Number.MIN_VALUE);
    } while (-2 * y < x * x);
    return u < 0 ? x - ZIGGURAT_R : ZIGGURAT_R - x;
  }
  const x = u * ZIGGURAT_X[layer];
  const outer = ZIGGURAT_X[layer];
  const inner = ZIGGURAT_X[layer + 1];
  // f(X[layer]) / f(x) and f(X[layer + 1]) / f(x): the layer's bottom and top relative to the curve at x.
  const bottom = Math.exp(-0.5 * (outer * outer - x * x));
  const top = Math.exp(-0.5 * (inner * inner - x * x));
  if (top + random() * (bottom - top) < 1) return x;
  return sampleNormal(random);
}

/** Gamma(shape, 1) by Marsaglia and Tsang (2000), with the shape < 1 boost. */
export function sampleGamma(shape: number, random: Random): number {
  if (shape < 1) {
    const x = boostedGammaOrLog(shape, random);
    return x < 0 ? Math.exp(x) : x;
  }
  return marsagliaTsang(shape, random);
}

/**
 * Below this a gamma variate is carried as its logarithm: a product or ratio of such numbers loses its
 * significant bits to subnormals, then to 0 (2^-900, far above the smallest normal double, 2^-1022).
 */
const TINY_GAMMA = 2 ** -900;

/**
 * Gamma(shape, 1) for shape < 1 by the boost Gamma(shape + 1) U^(1 / shape), as a number when it is at
 * least `TINY_GAMMA`, else as its (negative) logarithm, log Gamma(shape + 1) + log(U) / shape. Small
 * shapes make the tiny case common: at shape 1e-3 half of the draws are below 1e-300 (U < 0.5 gives
 * U^1000 < 1e-301), and their ratio is still a well-defined Beta draw.
 */
function boostedGammaOrLog(shape: number, random: Random): number {
  const u = random() || Number.MIN_VALUE;
  const g = marsagliaTsang(shape + 1, random);
  const x = g * Math.pow(u, 1 / shape);
  return x >= TINY_GAMMA ? x : Math.log(g) + Math.log(u) / shape;
}

/**
 * Marsaglia and Tsang's method for shape >= 1 ("A Simple Method for Generating Gamma Variables", 2000):
 * x normal, v = (1 + c x)^3, d v accepted with probability exp(x^2 / 2 + d - d v + d log v), tested
 * first against the squeeze 1 - 0.0331 x^4 (no logarithm for about 98% of tries). The ziggurat's first
 * comparison is written out here so the common draw takes no call (routing round 14; one function the
 * optimising compiler compiles whole, as in round 13).
 */
function marsagliaTsang(shape: number, random: Random): number {
  const d = shape - 1 / 3;
  const c = 1 / Math.sqrt(9 * d);
  for (;;) {
    let x: number;
    let v: number;
    do {
      const r = random() * ZIGGURAT_LAYERS;
      const layer = r | 0;
      const u = 2 * (r - layer) - 1;
      x = Math.abs(u) < ZIGGURAT_RATIO[layer] ? u * ZIGGURAT_X[layer] : normalBeyondRectangle(layer, u, random);
      v = 1 + c * x;
    } while (v <= 0);
    v = v * v * v;
    const u = random();
    const xx = x * x;
    if (u < 1 - 0.0331 * xx * xx) return d * v;
    if (Math.log(u) < 0.5 * xx + d * (1 - v + Math.log(v))) return d * v;
  }
}

const LOG_4 = Math.log(4);
const ONE_PLUS_LOG_5 = 1 + Math.log(5);

/**
 * Beta(alpha, beta): Cheng's BB when both shapes exceed 1 (the posteriors of models with any evidence),
 * else as a ratio of gammas (Marsaglia and Tsang, the boost below 1). Both exact; BB takes two uniforms,
 * a logarithm and an exponential per try where the ratio takes two gammas (routing round 14).
 */
export function sampleBeta(alpha: number, beta: number, random: Random): number {
  if (alpha > 1 && beta > 1) return chengBB(alpha, beta, random);
  const x = alpha < 1 ? boostedGammaOrLog(alpha, random) : marsagliaTsang(alpha, random);
  const y = beta < 1 ? boostedGammaOrLog(beta, random) : marsagliaTsang(beta, random);
  if (x >= TINY_GAMMA && y >= TINY_GAMMA) return x / (x + y);
  // X / (X + Y) = 1 / (1 + e^(log Y - log X)): exact where the gammas themselves underflow (cold arms'
  // shapes near 0; the ratio was 0 / 0 there, and drawn as 0.5 until session 13).
  return 1 / (1 + Math.exp(logOfGamma(y) - logOfGamma(x)));
}

/** The logarithm of a gamma variate that `boostedGammaOrLog` or `marsagliaTsang` returned (negative: a logarithm already). */
function logOfGamma(x: number): number {
  return x < 0 ? x : Math.log(x);
}

/**
 * Cheng's algorithm BB ("Generating beta variates with nonintegral shape parameters", CACM 21(4), 1978)
 * for min(alpha, beta) > 1, as R's rbeta writes it: w = a e^v with v = scale log(u1 / (1 - u1)) proposes
 * Beta(a, b) as w / (b + w) (a the smaller shape), accepted by two squeezes (log z <= 5 z - 1 - log 5,
 * then s > log z) before the exact test. The constants are log 4 and 1 + log 5 in full precision (R's
 * 1.3862944 and 2.609438 are rounded, the second up, which would loosen the first squeeze). u1 = 0
 * (possible from a discrete source, a point of no mass) is drawn again instead of proposing 0.
 */
function chengBB(alpha: number, beta: number, random: Random): number {
  const a = alpha < beta ? alpha : beta;
  const b = alpha < beta ? beta : alpha;
  const sum = a + b;
  const scale = Math.sqrt((sum - 2) / (2 * a * b - sum));
  const shift = a + 1 / scale;
  for (;;) {
    const u1 = random();
    if (u1 === 0) continue;
    const u2 = random();
    const v = scale * Math.log(u1 / (1 - u1));
    const w = a * Math.exp(v);
    const z = u1 * u1 * u2;
    const r = shift * v - LOG_4;
    const s = a + r - w;
    if (s + ONE_PLUS_LOG_5 < 5 * z) {
      const t = Math.log(z);
      if (s <= t && r + sum * Math.log(sum / (b + w)) < t) continue;
    }
    return a === alpha ? w / (b + w) : b / (b + w);
  }
}

/**
 * `out[i] = sampleBeta(alpha[i], beta[i], random)` for each i < n where `draw[i]` is 1, in index order
 * (the same draws as calling it in that order), 0 elsewhere: one small loop the optimising compiler
 * inlines the sampler and the random source into, with no number boxed per draw (decide's draws;
 * routing round 13).
 */
export function sampleBetasInto(alpha: ArrayLike<number>, beta: ArrayLike<number>, draw: ArrayLike<number>, n: number, random: Random, out: Float64Array): void {
  for (let i = 0; i < n; i++) out[i] = draw[i] === 1 ? sampleBeta(alpha[i], beta[i], random) : 0;
}
