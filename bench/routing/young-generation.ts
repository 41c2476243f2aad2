import { getHeapSpaceStatistics } from 'node:v8';

/** The size of V8's young generation (its new space, both halves), in bytes. */
export function youngGenerationBytes(): number {
  return getHeapSpaceStatistics().find((space) => space.space_name === 'new_space')?.space_size ?? 0;
}

/**
 * Grows V8's young generation to the size it settles at, and touches its pages, before anything is
 * timed. V8 doubles the young generation (1 -> 2 -> ... -> 32 MB here) each time enough allocation has
 * survived since it last grew, and the first pass over each new page faults it in (the kernel maps and
 * zeroes it). In the scale bench the last doubling came during some cell's timed decisions: about one
 * page fault per decision for about 4,000 decisions, which then took twice as long (round 27, in
 * docs/benchmarks.md). A gateway pays this once, in its first seconds; the bench measures after it.
 *
 * Allocates batches of small objects, each kept alive for the next 32 batches (so that part of it
 * survives a scavenge, which is what grows the space), until the size has held for `stableBatches`
 * batches (about 300 KB each: enough to pass over both halves of a 32 MB young generation several
 * times). Returns the sizes it went through, in bytes, the first being the size it found.
 */
export function settleYoungGeneration(stableBatches = 400, maxBatches = 5000): number[] {
  const sizes = [youngGenerationBytes()];
  let kept: { j: number; values: number[] }[][] = [];
  let stable = 0;
  for (let round = 0; round < maxBatches && stable < stableBatches; round++) {
    const batch: { j: number; values: number[] }[] = [];
    for (let j = 0; j < 2048; j++) batch.push({ j, values: [j, j + 1, j + 2, j + 3, j + 4, j + 5, j + 6, j + 7, j + 8, j + 9, j + 10, j + 11] });
    kept.push(batch);
    if (kept.length > 32) kept.shift();
    const size = youngGenerationBytes();
    if (size === sizes[sizes.length - 1]) stable++;
    else {
      sizes.push(size);
      stable = 0;
    }
  }
  kept = [];
  return sizes;
}
