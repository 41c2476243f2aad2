import { coalescedRounds } from './coalesced-rounds';

/** A round that finishes only when `finish()` is called, recording how many run at once. */
function heldRounds() {
  const waiting: Array<() => void> = [];
  let running = 0;
  let maxRunning = 0;
  let started = 0;
  const round = () =>
    new Promise<void>((resolve) => {
      started++;
      running++;
      maxRunning = Math.max(maxRunning, running);
      waiting.push(() => {
        running--;
        resolve();
      });
    });
  const finish = async () => {
    waiting.shift()!();
    await new Promise((r) => setImmediate(r));
  };
  return { round, finish, stats: () => ({ started, maxRunning, waiting: waiting.length }) };
}

describe('coalescedRounds', () => {
  it('calls during a round share one more round, started only after the first ends', async () => {
    const held = heldRounds();
    const refresh = coalescedRounds(held.round);
    const settled: string[] = [];
    const a = refresh().then(() => settled.push('a'));
    const b = refresh().then(() => settled.push('b'));
    const c = refresh().then(() => settled.push('c'));
    expect(held.stats()).toEqual({ started: 1, maxRunning: 1, waiting: 1 });
    await held.finish();
    // b and c changed something after round 1 began: nobody is answered until round 2 is done.
    expect(settled).toEqual([]);
    expect(held.stats()).toEqual({ started: 2, maxRunning: 1, waiting: 1 });
    await held.finish();
    await Promise.all([a, b, c]);
    expect(held.stats()).toEqual({ started: 2, maxRunning: 1, waiting: 0 });
    // Idle again: the next call starts a round of its own.
    const d = refresh();
    expect(held.stats().started).toBe(3);
    await held.finish();
    await d;
  });

  it('a failing round rejects its callers, and the next call starts afresh', async () => {
    let fail = true;
    let rounds = 0;
    const refresh = coalescedRounds(async () => {
      rounds++;
      if (fail) throw new Error('database down');
    });
    await expect(refresh()).rejects.toThrow('database down');
    fail = false;
    await expect(refresh()).resolves.toBeUndefined();
    expect(rounds).toBe(2);
  });
});
