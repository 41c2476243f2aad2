import type { SpendRepository } from '../../../../libs/storage/src';
import { SpendTracker } from './spend-tracker';

function fakeRepository(rollup: Map<string, number>) {
  const calls: string[] = [];
  const repository = {
    spendByRoute: async (day: string) => {
      calls.push(day);
      return new Map(rollup);
    },
  } as unknown as SpendRepository;
  return { repository, calls };
}

describe('SpendTracker', () => {
  const noon = Date.parse('2026-11-21T12:00:00Z');

  it('names the UTC day of its clock, across midnight and back', () => {
    let now = Date.parse('2026-11-21T23:59:59.999Z');
    const tracker = new SpendTracker(fakeRepository(new Map()).repository, { now: () => now });
    expect(tracker.today()).toBe('2026-11-21');
    now += 1;
    expect(tracker.today()).toBe('2026-11-22');
    now = Date.parse('2026-11-20T08:00:00Z');
    expect(tracker.today()).toBe('2026-11-20');
  });

  it("counts served cost at once, and moves a written batch's cost to confirmed without a query", async () => {
    const rollup = new Map([['r', 1]]);
    const { repository, calls } = fakeRepository(rollup);
    const tracker = new SpendTracker(repository, { now: () => noon });
    await tracker.refresh();
    expect(calls).toEqual(['2026-11-21']);
    tracker.add('r', 0.25);
    tracker.add('r', 0.5);
    expect(tracker.spentToday('r')).toBeCloseTo(1.75, 12);
    tracker.written([{ route: 'r', costUsd: 0.25 }]);
    expect(tracker.spentToday('r')).toBeCloseTo(1.75, 12);
    expect(calls).toHaveLength(1);
    // The poll's refresh brings what the database holds (this batch, and other processes' spend).
    rollup.set('r', 1.25 + 2);
    await tracker.refresh();
    expect(tracker.spentToday('r')).toBeCloseTo(3.75, 12);
  });

  it('after midnight UTC, counts only what is not written until the next refresh reads the new day', async () => {
    let now = noon;
    const { repository } = fakeRepository(new Map([['r', 5]]));
    const tracker = new SpendTracker(repository, { now: () => now });
    await tracker.refresh();
    now = Date.parse('2026-11-22T00:00:01Z');
    tracker.add('r', 0.5);
    tracker.written([{ route: 'r', costUsd: 0.5 }]);
    expect(tracker.spentToday('r')).toBe(0);
  });

  /** A rollup whose reads answer only when the test says, each with the table as it was when read. */
  function heldRepository(rollup: Map<string, number>) {
    const pending: Array<{ snapshot: Map<string, number>; resolve: (m: Map<string, number>) => void }> = [];
    const repository = {
      spendByRoute: (_day: string) => new Promise<Map<string, number>>((resolve) => pending.push({ snapshot: new Map(rollup), resolve })),
    } as unknown as SpendRepository;
    const answer = async () => {
      const next = pending.shift()!;
      next.resolve(next.snapshot);
      await new Promise((r) => setImmediate(r));
    };
    return { repository, pending, answer };
  }

  it('a rollup read taken before a batch was written is read again, so the batch is not lost from the spend', async () => {
    const rollup = new Map([['r', 1]]);
    const { repository, pending, answer } = heldRepository(rollup);
    const tracker = new SpendTracker(repository, { now: () => noon });
    const first = tracker.refresh();
    await answer();
    await first;
    tracker.add('r', 0.5);
    const done = tracker.refresh(); // its read sees the table before the batch
    rollup.set('r', 1.5); // the batch commits...
    tracker.written([{ route: 'r', costUsd: 0.5 }]); // ...and is reported while the read is out
    await answer(); // the stale read (1) comes back
    expect(pending).toHaveLength(1); // read again
    await answer();
    await done;
    expect(tracker.spentToday('r')).toBeCloseTo(1.5, 12);
  });

  it('one read at a time: refreshes called during a read share one more, and the older read never lands last', async () => {
    const rollup = new Map([['r', 1]]);
    const { repository, pending, answer } = heldRepository(rollup);
    const tracker = new SpendTracker(repository, { now: () => noon });
    const a = tracker.refresh();
    rollup.set('r', 2);
    const b = tracker.refresh();
    const c = tracker.refresh();
    expect(pending).toHaveLength(1);
    await answer();
    expect(pending).toHaveLength(1); // the one more round, reading the newer table
    await answer();
    await Promise.all([a, b, c]);
    expect(tracker.spentToday('r')).toBe(2);
  });
});
