import { seededRandom } from './clock';

/** Mulberry32 with its state as an unsigned number, as seededRandom was written before routing round 12. */
function unsignedMulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('seededRandom', () => {
  it('draws the same numbers as with an unsigned state, for any seed', () => {
    const seeds = [0, 1, 2, 42, 0x7fffffff, 0x80000000, 0xffffffff, 2 ** 32 + 5, -1, -(2 ** 31), 1.5, NaN, Date.UTC(2026, 0, 1) ^ 12345, 3_141_592_653];
    for (let k = 0, x = 12345; k < 50; k++) seeds.push((x = (Math.imul(x, 1103515245) + 12345) >>> 0));
    for (const seed of seeds) {
      const now = seededRandom(seed);
      const before = unsignedMulberry32(seed);
      for (let i = 0; i < 5000; i++) {
        const a = now();
        const b = before();
        if (!Object.is(a, b)) throw new Error(`seed ${seed}, draw ${i}: ${a} !== ${b}`);
      }
    }
  });
});
