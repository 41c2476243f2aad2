import type { Random } from '../../core/src';

/** Standard normal by Box-Muller (one of the pair; simplicity over speed). */
export function sampleNormal(random: Random): number {
  let u = 0;
  while (u === 0) u = random();
  const v = random();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}

/** Gamma(shape, 1) by Marsaglia and Tsang (2000), with the shape < 1 boost. */
export function sampleGamma(shape: number, random: Random): number {
  if (shape < 1) {
    const u = random() || Number.MIN_VALUE;
    return sampleGamma(shape + 1, random) * Math.pow(u, 1 / shape);
  }
  return marsagliaTsang(shape, random);
}

/**
 * Marsaglia and Tsang's method for shape >= 1, with `sampleNormal` written out in its loop: the same
 * arithmetic in the same order, so the same draws from the same random numbers as before (a spec
 * checks them), in one function the optimising compiler compiles whole, with the random source inlined
 * and no number boxed between calls (routing round 13).
 */
function marsagliaTsang(shape: number, random: Random): number {
  const d = shape - 1 / 3;
  const c = 1 / Math.sqrt(9 * d);
  for (;;) {
    let x: number;
    let v: number;
    do {
      let u = 0;
      while (u === 0) u = random();
      const w = random();
      x = Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * w);
      v = 1 + c * x;
    } while (v <= 0);
    v = v * v * v;
    const u = random();
    if (u < 1 - 0.0331 * x * x * x * x) return d * v;
    if (Math.log(u) < 0.5 * x * x + d * (1 - v + Math.log(v))) return d * v;
  }
}

/** Beta(alpha, beta) as a ratio of gammas. */
export function sampleBeta(alpha: number, beta: number, random: Random): number {
  const x = alpha < 1 ? sampleGamma(alpha, random) : marsagliaTsang(alpha, random);
  const y = beta < 1 ? sampleGamma(beta, random) : marsagliaTsang(beta, random);
  return x + y === 0 ? 0.5 : x / (x + y);
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
