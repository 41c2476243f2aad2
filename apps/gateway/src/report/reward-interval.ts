const Z95 = 1.96;

/**
 * 95% interval of a mean reward (rewards in [0, 1]) from `n` scores: Wilson's score interval at the
 * observed mean. A reward in [0, 1] with mean p varies at most as a 0/1 one does (p(1 - p)), so it is
 * conservative for fractional rewards, and unlike the normal approximation it does not shrink to a
 * point when the scores agree: two perfect scores give [0.34, 1], not [1, 1]. Null without scores.
 */
export function rewardInterval(mean: number, n: number): [number, number] | null {
  if (n <= 0) return null;
  const p = Math.min(1, Math.max(0, mean));
  const z2 = Z95 * Z95;
  const centre = (p + z2 / (2 * n)) / (1 + z2 / n);
  const half = (Z95 / (1 + z2 / n)) * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n));
  // Wilson's bounds hold p exactly; rounding can leave a perfect mean a hair outside (0.9999999999999999).
  return [Math.max(0, Math.min(p, centre - half)), Math.min(1, Math.max(p, centre + half))];
}
