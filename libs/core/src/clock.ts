/** Time and randomness are injected wherever a decision depends on them, so tests replay exactly. */
export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };

/** A source of uniform numbers in [0, 1). */
export type Random = () => number;

/**
 * Mulberry32: a small, fast, seedable generator; good enough for sampling, not for secrets. The state is
 * kept as a signed 32-bit integer (`| 0`), the same bits as the unsigned one every operation below reads
 * it as (`>>>`, `|` and Math.imul convert to 32 bits): as an unsigned number above 2^31 half the states
 * were a heap number, allocated and written into the closure's long-lived context with a write barrier
 * on every call (about 300 calls per decision at 48 models; docs/benchmarks.md, routing round 12).
 */
export function seededRandom(seed: number): Random {
  let state = seed | 0;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
